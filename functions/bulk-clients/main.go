// Command bulk-clients is the Lambda function of the BulkClients operation: wiring only.
package main

import (
	"github.com/clientdesk/clientdesk/internal/api"
	"github.com/clientdesk/clientdesk/internal/jobs"
	"github.com/clientdesk/clientdesk/internal/service"
)

func main() {
	service.Start(api.BulkClients, func(a *api.API, env *service.Env) error {
		// A filtered action is a job, from the queue; a deletion's long history too.
		queue, err := jobs.QueueFromEnv(env.Config, env.AWS)
		a.Queue, a.Tasks = queue, queue
		return err
	})
}
