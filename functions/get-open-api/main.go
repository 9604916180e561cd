// Command get-open-api is the Lambda function of the GetOpenAPI operation: wiring only.
package main

import (
	"github.com/clientdesk/clientdesk/internal/api"
	"github.com/clientdesk/clientdesk/internal/service"
)

func main() { service.Start(api.GetOpenAPI, nil) }
