// Command list-client-events is the Lambda function of the ListClientEvents operation: wiring only.
package main

import (
	"github.com/clientdesk/clientdesk/internal/routes"
	"github.com/clientdesk/clientdesk/internal/service"
)

func main() { service.Start(routes.ListClientEvents, nil) }
