// Command get-import is the Lambda function of the GetImport operation: wiring only.
package main

import (
	"github.com/clientdesk/clientdesk/internal/api"
	"github.com/clientdesk/clientdesk/internal/jobs"
	"github.com/clientdesk/clientdesk/internal/service"
)

func main() {
	service.Start(api.GetImport, func(a *api.API, env *service.Env) error {
		signer, err := jobs.PresignerFromEnv(env.Config, env.AWS)
		a.Uploads, a.Downloads = signer, signer
		return err
	})
}
