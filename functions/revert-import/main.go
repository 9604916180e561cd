// Command revert-import is the Lambda function of the RevertImport operation: wiring
// only.
package main

import (
	"github.com/clientdesk/clientdesk/internal/api"
	"github.com/clientdesk/clientdesk/internal/jobs"
	"github.com/clientdesk/clientdesk/internal/service"
)

func main() {
	service.Start(api.RevertImport, func(a *api.API, env *service.Env) error {
		queue, err := jobs.ImportQueueFromEnv(env.Config, env.AWS)
		a.ImportQueue = queue
		return err
	})
}
