// Command list-clients is the Lambda function of the ListClients operation: wiring only.
package main

import (
	"github.com/clientdesk/clientdesk/internal/routes"
	"github.com/clientdesk/clientdesk/internal/service"
)

func main() { service.Start(routes.ListClients, nil) }
