// Command unarchive-client is the Lambda function of the UnarchiveClient operation: wiring only.
package main

import (
	"github.com/clientdesk/clientdesk/internal/routes"
	"github.com/clientdesk/clientdesk/internal/service"
)

func main() { service.Start(routes.UnarchiveClient, nil) }
