// Command get-settings is the Lambda function of the GetSettings operation: wiring only.
package main

import (
	"github.com/clientdesk/clientdesk/internal/api"
	"github.com/clientdesk/clientdesk/internal/service"
)

func main() { service.Start(api.GetSettings, nil) }
