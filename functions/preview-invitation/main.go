// Command preview-invitation is the Lambda function of the PreviewInvitation operation: wiring only.
package main

import (
	"github.com/clientdesk/clientdesk/internal/api"
	"github.com/clientdesk/clientdesk/internal/invitemail"
	"github.com/clientdesk/clientdesk/internal/service"
)

func main() {
	service.Start(api.PreviewInvitation, func(a *api.API, _ *service.Env) error {
		a.RenderInvitation = invitemail.Render
		return nil
	})
}
