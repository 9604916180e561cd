// Command get-client-stats is the Lambda function of the GetStats operation: wiring only.
package main

import (
	"github.com/clientdesk/clientdesk/internal/api"
	"github.com/clientdesk/clientdesk/internal/service"
)

func main() { service.Start(api.GetStats, nil) }
