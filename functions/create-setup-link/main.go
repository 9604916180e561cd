// Command create-setup-link is the Lambda function of the CreateSetupLink operation: wiring only.
package main

import (
	"github.com/clientdesk/clientdesk/internal/api"
	"github.com/clientdesk/clientdesk/internal/service"
)

func main() { service.Start(api.CreateSetupLink, nil) }
