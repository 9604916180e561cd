// Command update-settings is the Lambda function of the UpdateSettings operation: wiring only.
package main

import (
	"github.com/clientdesk/clientdesk/internal/routes"
	"github.com/clientdesk/clientdesk/internal/service"
)

func main() { service.Start(routes.UpdateSettings, nil) }
