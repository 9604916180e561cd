// Command create-export is the Lambda function of the CreateExport operation: wiring only.
package main

import (
	"github.com/clientdesk/clientdesk/internal/api"
	"github.com/clientdesk/clientdesk/internal/jobs"
	"github.com/clientdesk/clientdesk/internal/service"
)

func main() {
	service.Start(api.CreateExport, func(a *api.API, env *service.Env) error {
		queue, err := jobs.QueueFromEnv(env.Config, env.AWS)
		a.Queue = queue
		return err
	})
}
