package localstack

import (
	"context"
	"log/slog"
	"time"

	"github.com/clientdesk/clientdesk/internal/api"
	"github.com/clientdesk/clientdesk/internal/auth"
	"github.com/clientdesk/clientdesk/internal/config"
	"github.com/clientdesk/clientdesk/internal/emulators"
	"github.com/clientdesk/clientdesk/internal/phone"
	"github.com/clientdesk/clientdesk/internal/service"
	"github.com/clientdesk/clientdesk/internal/store"
)

// Audience is the audience of local tokens, as the app client id is in AWS.
const Audience = "clientdesk-local"

// Options configure a local stack.
type Options struct {
	// Table is the DynamoDB table name (default "clientdesk").
	Table string
	// Issuer names the local identity provider in tokens (default "http://127.0.0.1/local").
	Issuer string
	// Log receives the handlers' logs (default: discarded).
	Log *slog.Logger
}

// Stack is the whole service on emulators.
type Stack struct {
	DynamoDB *emulators.DynamoDB
	Tokens   *Tokens
	API      *api.API
	Server   *Server
	// Meter counts the DynamoDB requests the handlers make.
	Meter *store.Meter
}

// Start starts the emulators, creates the table from the shared schema and builds the
// handlers exactly as the functions do, with the phone parser that the writing functions link.
func Start(ctx context.Context, opts Options) (*Stack, error) {
	if opts.Table == "" {
		opts.Table = "clientdesk"
	}
	if opts.Issuer == "" {
		opts.Issuer = "http://127.0.0.1/local"
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	db, err := emulators.StartDynamoDB(ctx, opts.Table)
	if err != nil {
		return nil, err
	}
	cfg := config.Config{TableName: opts.Table, Claims: auth.DefaultClaimNames}
	tokens, err := NewTokens(opts.Issuer, Audience, ClaimNames{Tenant: cfg.Claims.Tenant, Roles: cfg.Claims.Roles})
	if err != nil {
		db.Close()
		return nil, err
	}
	meter := &store.Meter{}
	a := service.New(cfg, db.Client(meter.Attach))
	a.Phones = phone.E164
	a.Log = opts.Log
	a.Now = time.Now
	return &Stack{DynamoDB: db, Tokens: tokens, API: a, Server: NewServer(a, tokens), Meter: meter}, nil
}

// Close stops the emulators.
func (s *Stack) Close() { s.DynamoDB.Close() }
