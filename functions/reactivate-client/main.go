// Command reactivate-client is the Lambda function of the ReactivateClient operation: wiring only.
package main

import (
	"github.com/clientdesk/clientdesk/internal/api"
	"github.com/clientdesk/clientdesk/internal/service"
)

func main() { service.Start(api.ReactivateClient, nil) }
