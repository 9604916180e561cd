// Package service builds, once per process, what a function needs: its configuration, its AWS
// SDK clients and the API handlers over them. Nothing here runs per request.
package service

import (
	"fmt"
	"log/slog"
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
}

// FromEnv builds the API from the process environment, as a Lambda function starts.
func FromEnv() (*api.API, *Env, error) {
	env, db, err := load()
	if err != nil {
		return nil, nil, err
	}
	a := New(env.Config, db)
	env.Store = a.Clients.(*store.Store)
	return a, env, nil
}

// Load reads the environment and builds the store, for a function that serves no route
// (the export worker): it links none of the API.
func Load() (*Env, error) {
	env, db, err := load()
	if err != nil {
		return nil, err
	}
	env.Store = store.New(db, env.Config.TableName, time.Now)
	return env, nil
}

func load() (*Env, *dynamodb.Client, error) {
	cfg, err := config.Load(os.Getenv)
	if err != nil {
		return nil, nil, err
	}
	awsCfg, err := lambdaAWSConfig(os.Getenv)
	if err != nil {
		return nil, nil, err
	}
	db := dynamodb.NewFromConfig(awsCfg, func(o *dynamodb.Options) {
		if cfg.Endpoint != "" {
			o.BaseEndpoint = aws.String(cfg.Endpoint)
		}
	})
	return &Env{Config: cfg, AWS: awsCfg}, db, nil
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

// New builds the API over an existing DynamoDB client (the local stack and tests pass one
// pointed at the emulator).
func New(cfg config.Config, db *dynamodb.Client) *api.API {
	log := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	a := api.New(store.New(db, cfg.TableName, time.Now), cfg.Claims, log)
	a.SetupURL, a.Zone, a.MaxRunningExports = cfg.SetupURL, cfg.TimeZone, cfg.MaxRunningExports
	return a
}

// Start runs the handler of op as this process's Lambda function. wire, when not nil, adds
// what only this function links (templates, a mailer, a queue, a signer). A failure stops the
// function at init, with its reason in the log, never at its first request.
func Start(op string, wire func(*api.API, *Env) error) {
	a, env, err := FromEnv()
	if err == nil && wire != nil {
		err = wire(a, env)
	}
	if err != nil {
		slog.Error("init failed", "operation", op, "error", err)
		os.Exit(1)
	}
	lambda.Start(a.Handler(op))
}
