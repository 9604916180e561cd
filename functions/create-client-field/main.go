// Command create-client-field is the Lambda function of the CreateField operation: wiring only.
package main

import (
	"github.com/clientdesk/clientdesk/internal/api"
	"github.com/clientdesk/clientdesk/internal/service"
)

func main() { service.Start(api.CreateField, nil) }
