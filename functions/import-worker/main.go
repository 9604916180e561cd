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
	"github.com/clientdesk/clientdesk/internal/phone"
	"github.com/clientdesk/clientdesk/internal/service"
)

func main() {
	env, err := service.Load()
	if err == nil && env.Config.ExportsBucket == "" {
		err = errors.New("config: " + config.EnvBucket + " is not set")
	}
	if err != nil {
		service.Fail("import-worker", err)
	}
	w := imports.NewWorker(env.Store, &jobs.Files{S3: s3.NewFromConfig(env.AWS), Bucket: env.Config.ExportsBucket},
		phone.E164, time.Now, env.Log)
	lambda.Start(w.Handle)
}
