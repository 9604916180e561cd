// Command delete-client is the Lambda function of the DeleteClient operation: wiring only.
package main

import (
	"github.com/clientdesk/clientdesk/internal/api"
	"github.com/clientdesk/clientdesk/internal/jobs"
	"github.com/clientdesk/clientdesk/internal/service"
)

func main() {
	service.Start(api.DeleteClient, func(a *api.API, env *service.Env) error {
		// A long history's reduction goes to the worker through the queue.
		queue, err := jobs.QueueFromEnv(env.Config, env.AWS)
		a.Tasks = queue
		return err
	})
}
