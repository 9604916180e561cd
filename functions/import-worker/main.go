// Command import-worker runs import jobs from the import queue (SQS event source with
// ReportBatchItemFailures): wiring only.
package main

import (
	"errors"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/clientdesk/clientdesk/internal/config"
	"github.com/clientdesk/clientdesk/internal/imports"
	"github.com/clientdesk/clientdesk/internal/jobs"
	"github.com/clientdesk/clientdesk/internal/mail"
	"github.com/clientdesk/clientdesk/internal/phone"
	"github.com/clientdesk/clientdesk/internal/service"
)

func main() {
	env, err := service.Load()
	if err == nil && env.Config.ExportsBucket == "" {
		err = errors.New("config: " + config.EnvBucket + " is not set")
	}
	var sender *mail.SES
	if err == nil {
		sender, err = mail.FromEnv(env.Config, env.AWS)
	}
	var queue *jobs.Queue
	if err == nil {
		queue, err = jobs.ImportQueueFromEnv(env.Config, env.AWS)
	}
	if err != nil {
		service.Fail("import-worker", err)
	}
	// The rows a commit writes go through the API's own code (events, conditions, counts).
	svc := service.New(env.Config, env.Store, env.Log)
	svc.Phones = phone.E164
	w := imports.NewWorker(env.Store, svc, queue, &jobs.Files{S3: s3.NewFromConfig(env.AWS), Bucket: env.Config.ExportsBucket},
		sender, jobs.JobPage(env.Config.AppURL), phone.E164, time.Now, env.Log)
	lambda.Start(w.Handle)
}
