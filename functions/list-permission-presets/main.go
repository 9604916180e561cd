// Command list-permission-presets is the Lambda function of the ListPermissionPresets operation: wiring only.
package main

import (
	"github.com/clientdesk/clientdesk/internal/routes"
	"github.com/clientdesk/clientdesk/internal/service"
)

func main() { service.Start(routes.ListPermissionPresets, nil) }
