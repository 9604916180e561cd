// Command list-permissions is the Lambda function of the ListPermissions operation: wiring only.
package main

import (
	"github.com/clientdesk/clientdesk/internal/api"
	"github.com/clientdesk/clientdesk/internal/service"
)

func main() { service.Start(api.ListPermissions, nil) }
