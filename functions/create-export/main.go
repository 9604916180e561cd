// Command create-export is the Lambda function of the CreateExport operation: wiring only.
package main

import (
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/clientdesk/clientdesk/internal/export"
	"github.com/clientdesk/clientdesk/internal/routes"
	"github.com/clientdesk/clientdesk/internal/service"
)

func main() {
	a, env, err := service.FromEnv()
	if err != nil {
		slog.Error("init failed", "error", err)
		os.Exit(1)
	}
	queue, err := export.QueueFromEnv(env.Config, env.AWS)
	if err != nil {
		slog.Error("init failed", "error", err)
		os.Exit(1)
	}
	a.Exports = queue
	lambda.Start(a.Handler(routes.CreateExport))
}
