// Command put-permission-preset is the Lambda function of the PutPermissionPreset operation: wiring only.
package main

import (
	"github.com/clientdesk/clientdesk/internal/api"
	"github.com/clientdesk/clientdesk/internal/service"
)

func main() { service.Start(api.PutPermissionPreset, nil) }
