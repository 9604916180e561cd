// Command unarchive-client is the Lambda function of the UnarchiveClient operation: wiring only.
package main

import (
	"github.com/clientdesk/clientdesk/internal/api"
	"github.com/clientdesk/clientdesk/internal/service"
)

func main() { service.Start(api.UnarchiveClient, nil) }
