// Command update-client-field is the Lambda function of the UpdateField operation: wiring only.
package main

import (
	"github.com/clientdesk/clientdesk/internal/api"
	"github.com/clientdesk/clientdesk/internal/service"
)

func main() { service.Start(api.UpdateField, nil) }
