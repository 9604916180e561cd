// Command accept-invitation is the Lambda function of the AcceptInvitation operation: wiring only.
package main

import (
	"github.com/clientdesk/clientdesk/internal/api"
	"github.com/clientdesk/clientdesk/internal/password"
	"github.com/clientdesk/clientdesk/internal/service"
)

func main() {
	service.Start(api.AcceptInvitation, func(a *api.API, _ *service.Env) error {
		a.HashPassword = password.Hash
		return nil
	})
}
