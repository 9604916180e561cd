// Command update-settings is the Lambda function of the UpdateSettings operation: wiring only.
package main

import (
	"github.com/clientdesk/clientdesk/internal/api"
	"github.com/clientdesk/clientdesk/internal/service"
)

func main() { service.Start(api.UpdateSettings, nil) }
