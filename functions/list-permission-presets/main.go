// Command list-permission-presets is the Lambda function of the ListPermissionPresets operation: wiring only.
package main

import (
	"github.com/clientdesk/clientdesk/internal/api"
	"github.com/clientdesk/clientdesk/internal/service"
)

func main() { service.Start(api.ListPermissionPresets, nil) }
