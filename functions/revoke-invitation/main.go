// Command revoke-invitation is the Lambda function of the RevokeInvitation operation: wiring only.
package main

import (
	"github.com/clientdesk/clientdesk/internal/api"
	"github.com/clientdesk/clientdesk/internal/service"
)

func main() { service.Start(api.RevokeInvitation, nil) }
