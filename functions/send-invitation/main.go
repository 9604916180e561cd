// Command send-invitation is the Lambda function of the SendInvitation operation: wiring only.
package main

import (
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/clientdesk/clientdesk/internal/invitemail"
	"github.com/clientdesk/clientdesk/internal/mail"
	"github.com/clientdesk/clientdesk/internal/routes"
	"github.com/clientdesk/clientdesk/internal/service"
)

func main() {
	a, env, err := service.FromEnv()
	if err != nil {
		slog.Error("init failed", "error", err)
		os.Exit(1)
	}
	sender, err := mail.FromEnv(env.Config, env.AWS)
	if err != nil {
		slog.Error("init failed", "error", err)
		os.Exit(1)
	}
	a.Mail, a.RenderInvitation = sender, invitemail.Render
	lambda.Start(a.Handler(routes.SendInvitation))
}
