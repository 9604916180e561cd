// Command delete-site is the Lambda function of the DeleteSite operation: wiring only.
package main

import (
	"github.com/clientdesk/clientdesk/internal/api"
	"github.com/clientdesk/clientdesk/internal/jobs"
	"github.com/clientdesk/clientdesk/internal/service"
)

func main() {
	service.Start(api.DeleteSite, func(a *api.API, env *service.Env) error {
		// A site with many clients is cleaned up by a job on the worker, from the queue.
		queue, err := jobs.QueueFromEnv(env.Config, env.AWS)
		a.Queue = queue
		return err
	})
}
