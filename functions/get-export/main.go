// Command get-export is the Lambda function of the GetExport operation: wiring only.
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
	signer, err := export.PresignerFromEnv(env.Config, env.AWS)
	if err != nil {
		slog.Error("init failed", "error", err)
		os.Exit(1)
	}
	a.Downloads = signer
	lambda.Start(a.Handler(routes.GetExport))
}
