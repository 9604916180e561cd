// Command get-invitation is the Lambda function of the GetInvitation operation: wiring only.
package main

import (
	"github.com/clientdesk/clientdesk/internal/api"
	"github.com/clientdesk/clientdesk/internal/service"
)

func main() { service.Start(api.GetInvitation, nil) }
