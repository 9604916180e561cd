// Command create-setup-link is the Lambda function of the CreateSetupLink operation: wiring only.
package main

import (
	"github.com/clientdesk/clientdesk/internal/routes"
	"github.com/clientdesk/clientdesk/internal/service"
)

func main() { service.Start(routes.CreateSetupLink, nil) }
