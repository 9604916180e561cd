// Package service builds, once per process, what a function needs: its configuration, its AWS
// SDK clients and the API handlers over them. Nothing here runs per request.
package service

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/clientdesk/clientdesk/internal/api"
	"github.com/clientdesk/clientdesk/internal/config"
	"github.com/clientdesk/clientdesk/internal/store"
)

// Env is what a function read from its environment, for the wiring some functions add.
type Env struct {
	Config config.Config
	AWS    aws.Config
	Store  *store.Store
	Log    *slog.Logger
}

// NewLogger is the one logger of every function, the local stack included: JSON lines, which
// CloudWatch Logs Insights reads field by field.
func NewLogger(w io.Writer) *slog.Logger { return slog.New(slog.NewJSONHandler(w, nil)) }

// Load reads the environment and builds the store: what every function starts with.
func Load() (*Env, error) {
	cfg, err := config.Load(os.Getenv)
	if err != nil {
		return nil, err
	}
	awsCfg, err := lambdaAWSConfig(os.Getenv)
	if err != nil {
		return nil, err
	}
	db := dynamodb.NewFromConfig(awsCfg, store.ClientOptions, func(o *dynamodb.Options) {
		if cfg.Endpoint != "" {
			o.BaseEndpoint = aws.String(cfg.Endpoint)
		}
	})
	return &Env{Config: cfg, AWS: awsCfg, Store: store.New(db, cfg.TableName, time.Now), Log: NewLogger(os.Stderr)}, nil
}

// lambdaAWSConfig reads the region and the execution role's credentials that Lambda puts in
// every function's environment. It replaces config.LoadDefaultConfig, whose other providers
// (shared files, SSO, IMDS, STS) never apply in Lambda and add 1.2 MB to each binary.
func lambdaAWSConfig(getenv func(string) string) (aws.Config, error) {
	region := getenv("AWS_REGION")
	id, secret := getenv("AWS_ACCESS_KEY_ID"), getenv("AWS_SECRET_ACCESS_KEY")
	if region == "" || id == "" || secret == "" {
		return aws.Config{}, fmt.Errorf("aws config: AWS_REGION, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set")
	}
	return aws.Config{
		Region:      region,
		Credentials: aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider(id, secret, getenv("AWS_SESSION_TOKEN"))),
	}, nil
}

// New builds the API over a store (the local stack and tests pass one over an emulator).
func New(cfg config.Config, st *store.Store, log *slog.Logger) *api.API {
	a := api.New(api.Stores{Clients: st, Fields: st, Access: st, Jobs: st, Imports: st, Idempotency: st, Timeline: st, Settings: st, Sites: st, Staff: st}, cfg.Claims, log)
	a.SetupURL, a.Zone, a.MaxRunningJobs = cfg.SetupURL, cfg.TimeZone, cfg.MaxRunningJobs
	a.InvitationsPerHour = cfg.InvitationsPerHour
	return a
}

// Start runs the handler of op as this process's Lambda function (naming the operation itself,
// not its name, so that the binary links only its code). wire, when not nil, adds
// what only this function links (templates, a mailer, a queue, a signer). A failure stops the
// function at init, with its reason in the log, never at its first request.
func Start(op api.Op, wire func(*api.API, *Env) error) {
	env, err := Load()
	if err != nil {
		Fail(op.Name, err)
	}
	a := New(env.Config, env.Store, env.Log)
	if wire != nil {
		if err := wire(a, env); err != nil {
			Fail(op.Name, err)
		}
	}
	lambda.Start(a.Serve(op))
}

// Fail stops a function at init, saying why in the functions' log format and to the Lambda
// Runtime API (an init error, which Lambda reports as the invocation's failure).
func Fail(function string, err error) {
	NewLogger(os.Stderr).Error("init failed", "function", function, "error", err.Error())
	if runtime := os.Getenv("AWS_LAMBDA_RUNTIME_API"); runtime != "" {
		body, _ := json.Marshal(map[string]string{"errorMessage": err.Error(), "errorType": "InitError"})
		req, _ := http.NewRequest(http.MethodPost, "http://"+runtime+"/2018-06-01/runtime/init/error", bytes.NewReader(body))
		req.Header.Set("Lambda-Runtime-Function-Error-Type", "Runtime.InitError")
		if resp, err := (&http.Client{Timeout: 2 * time.Second}).Do(req); err == nil {
			resp.Body.Close()
		}
	}
	os.Exit(1)
}
