// Command revoke-invitation is the Lambda function of the RevokeInvitation operation: wiring only.
package main

import (
	"github.com/clientdesk/clientdesk/internal/routes"
	"github.com/clientdesk/clientdesk/internal/service"
)

func main() { service.Start(routes.RevokeInvitation, nil) }
