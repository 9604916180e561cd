// Command list-client-events is the Lambda function of the ListClientEvents operation: wiring only.
package main

import (
	"github.com/clientdesk/clientdesk/internal/api"
	"github.com/clientdesk/clientdesk/internal/service"
)

func main() { service.Start(api.ListClientEvents, nil) }
