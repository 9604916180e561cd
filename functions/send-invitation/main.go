// Command send-invitation is the Lambda function of the SendInvitation operation: wiring only.
package main

import (
	"github.com/clientdesk/clientdesk/internal/api"
	"github.com/clientdesk/clientdesk/internal/invitemail"
	"github.com/clientdesk/clientdesk/internal/mail"
	"github.com/clientdesk/clientdesk/internal/service"
)

func main() {
	service.Start(api.SendInvitation, func(a *api.API, env *service.Env) error {
		sender, err := mail.FromEnv(env.Config, env.AWS)
		a.Mail, a.RenderInvitation = sender, invitemail.Render
		return err
	})
}
