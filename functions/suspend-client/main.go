// Command suspend-client is the Lambda function of the SuspendClient operation: wiring only.
package main

import (
	"github.com/clientdesk/clientdesk/internal/api"
	"github.com/clientdesk/clientdesk/internal/service"
)

func main() { service.Start(api.SuspendClient, nil) }
