// Command export-worker runs export jobs from the export queue (SQS event source with
// ReportBatchItemFailures): wiring only.
package main

import (
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/clientdesk/clientdesk/internal/export"
	"github.com/clientdesk/clientdesk/internal/mail"
	"github.com/clientdesk/clientdesk/internal/service"
)

func main() {
	env, err := service.Load()
	if err == nil && env.Config.ExportsBucket == "" {
		err = os.ErrInvalid
	}
	var sender *mail.SES
	if err == nil {
		sender, err = mail.FromEnv(env.Config, env.AWS)
	}
	if err != nil {
		slog.Error("init failed (TABLE_NAME, EXPORTS_BUCKET, MAIL_FROM, SETUP_URL, APP_URL)", "error", err)
		os.Exit(1)
	}
	app := strings.TrimSuffix(env.Config.AppURL, "/")
	w := &export.Worker{Jobs: env.Store, S3: s3.NewFromConfig(env.AWS), Bucket: env.Config.ExportsBucket, Mail: sender,
		DownloadURL: func(_, id string) string { return app + "/exports/" + id },
		Now:         time.Now, Log: slog.New(slog.NewJSONHandler(os.Stderr, nil)), PageSize: 1000, MaxAttempts: 3}
	lambda.Start(w.Handle)
}
