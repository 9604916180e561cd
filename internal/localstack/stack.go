package localstack

import (
	"context"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/clientdesk/clientdesk/internal/api"
	"github.com/clientdesk/clientdesk/internal/awsusage"
	"github.com/clientdesk/clientdesk/internal/config"

	"github.com/clientdesk/clientdesk/internal/domain"
	"github.com/clientdesk/clientdesk/internal/emulators"
	"github.com/clientdesk/clientdesk/internal/imports"
	"github.com/clientdesk/clientdesk/internal/invitemail"
	"github.com/clientdesk/clientdesk/internal/jobs"
	"github.com/clientdesk/clientdesk/internal/mail"
	"github.com/clientdesk/clientdesk/internal/password"
	"github.com/clientdesk/clientdesk/internal/phone"
	"github.com/clientdesk/clientdesk/internal/routes"
	"github.com/clientdesk/clientdesk/internal/service"
	"github.com/clientdesk/clientdesk/internal/staff"
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
	// Mail starts the SES emulator, for the invitation e-mails.
	Mail bool
	// SetupURL is where links point (default http://127.0.0.1:8080/local/setup).
	SetupURL string
	// ExportRetryAfter is the queue's visibility timeout: how soon a failed export run is
	// tried again (default 30 s, as short as a test likes).
	ExportRetryAfter time.Duration
	// FrontendOrigin is a front end CORS lets in besides loopback pages.
	FrontendOrigin string
	// BulkPageSize and JobHandOver, when set, replace the bulk jobs' page size and the time
	// an invocation keeps to hand a job over (a test makes jobs hand over at each page).
	BulkPageSize int
	JobHandOver  time.Duration
}

// Stack is the whole service on emulators.
type Stack struct {
	DynamoDB *emulators.DynamoDB
	Tokens   *Tokens
	API      *api.API
	// Store is the store every handler and the worker use.
	Store  *store.Store
	Server *Server
	// Meter counts the DynamoDB requests the handlers make.
	Meter *store.Meter
	// Usage records what each function calls in AWS (the grants it needs).
	Usage *awsusage.Recorder
	// SES is the mail emulator, when started.
	SES *emulators.SES
	// Cognito answers the staff trigger's group lookups.
	Cognito *emulators.Cognito
	// S3, Queue and Worker carry exports; the poller feeds the worker like Lambda's event
	// source mapping.
	S3     *emulators.S3
	Queue  emulators.Queue
	Worker *jobs.Worker
	// ImportQueue and ImportWorker carry imports, polled the same way.
	ImportQueue  emulators.Queue
	ImportWorker *jobs.Worker
	stop         context.CancelFunc
	done         sync.WaitGroup
}

// ExportsBucket is the local bucket of export files.
const ExportsBucket = "clientdesk-exports"

// JobWorker is the export worker's function name; ImportWorker the import worker's.
const (
	JobWorker    = "job-worker"
	ImportWorker = "import-worker"
)

// RecordStaff is the sign-in trigger's function, which the local token issuer runs.
const RecordStaff = "record-staff"

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
		if os.Getenv("DEBUG_LOG") != "" {
			opts.Log = slog.New(slog.NewTextHandler(os.Stderr, nil))
		}
	}
	db, err := emulators.StartDynamoDB(ctx, opts.Table)
	if err != nil {
		return nil, err
	}
	// The functions' own defaults, as config.Load gives them.
	cfg, err := config.Load(func(name string) string {
		if name == config.EnvTableName {
			return opts.Table
		}
		return ""
	})
	if err != nil {
		db.Close()
		return nil, err
	}
	tokens, err := NewTokens(opts.Issuer, Audience, ClaimNames{Tenant: cfg.Claims.Tenant, Roles: cfg.Claims.Roles, TenantName: cfg.Claims.TenantName})
	if err != nil {
		db.Close()
		return nil, err
	}
	meter, usage := &store.Meter{}, &awsusage.Recorder{}
	st := &Stack{DynamoDB: db, Tokens: tokens, Meter: meter, Usage: usage}
	st.Store = store.New(db.Client(store.ClientOptions, meter.Attach, func(o *dynamodb.Options) { o.APIOptions = append(o.APIOptions, usage.Middleware) }),
		opts.Table, time.Now)
	a := service.New(cfg, st.Store, opts.Log)
	st.API = a
	// Everything any function wires, since this one process serves every route.
	a.Phones = phone.E164
	a.SetupURL = opts.SetupURL
	if a.SetupURL == "" {
		a.SetupURL = "http://127.0.0.1:8080/local/setup"
	}
	a.Zone = cfg.TimeZone
	a.RenderInvitation = invitemail.Render
	a.HashPassword = password.Hash
	if opts.Mail {
		ses, err := emulators.StartSES(ctx)
		if err != nil {
			db.Close()
			return nil, err
		}
		st.SES = ses
		a.Mail = &mail.SES{Client: ses.Client(func(o *sesv2.Options) { o.APIOptions = append(o.APIOptions, usage.Middleware) }),
			From: "Clientdesk <noreply@clientdesk.local>", ReplyTo: "support@clientdesk.local"}
	} else {
		a.Mail = unavailableMail{}
	}
	if err := st.startExports(ctx, opts); err != nil {
		st.Close()
		return nil, err
	}
	st.Server = NewServer(a, tokens)
	st.Server.ses = st.SES
	st.startStaff(cfg, opts)
	st.Server.FrontendOrigin = opts.FrontendOrigin
	return st, nil
}

func (st *Stack) startExports(ctx context.Context, opts Options) error {
	// The bucket's CORS rule, as the stack deploys it (config.FilesCORS), for the local front
	// end: the one configured and any page of this machine, as the API's.
	s3e, err := emulators.StartS3(ctx, ExportsBucket, &emulators.S3CORS{
		AllowOrigin: func(o string) bool { return o == opts.FrontendOrigin || loopbackOrigin(o) },
		Methods:     config.FilesCORS.Methods, Headers: config.FilesCORS.Headers, MaxAgeSeconds: config.FilesCORS.MaxAgeSeconds})
	if err != nil {
		return err
	}
	st.S3 = s3e
	retry := opts.ExportRetryAfter
	if retry == 0 {
		retry = 30 * time.Second
	}
	sqsE := emulators.StartSQS()
	st.Queue, err = sqsE.CreateQueue(ctx, "exports", retry, config.JobMaxAttempts)
	if err != nil {
		return err
	}
	a := st.API
	recorded := func(o *s3.Options) { o.APIOptions = append(o.APIOptions, st.Usage.Middleware) }
	queue := &jobs.Queue{Client: sqsE.Client(func(o *sqs.Options) { o.APIOptions = append(o.APIOptions, st.Usage.Middleware) }),
		URL: st.Queue.URL}
	a.Queue, a.Tasks = queue, queue
	zone, err := time.LoadLocation(a.Zone)
	if err != nil {
		return err
	}
	links := &jobs.Presigner{Credentials: s3e.Client().Options().Credentials, Region: emulators.Region, Bucket: ExportsBucket, Endpoint: s3e.URL,
		Signed: st.Usage.Record}
	a.Downloads, a.Uploads = links, links
	jobPage := func(tenant string, j *domain.Job) string {
		// The local stack has no front end: the links lead to the API's own job page.
		base := strings.TrimSuffix(a.SetupURL, "/local/setup")
		if j.Kind == domain.JobExport {
			return base + "/v1/exports/" + j.ID
		}
		return base + "/v1/jobs/" + j.ID
	}
	st.Worker = jobs.NewWorker(st.Store, a, queue, &jobs.Files{S3: s3e.Client(recorded), Bucket: ExportsBucket}, a.Mail,
		jobPage, zone, func() time.Time { return a.Now() }, opts.Log)
	if st.ImportQueue, err = sqsE.CreateQueue(ctx, "imports", retry, config.JobMaxAttempts); err != nil {
		return err
	}
	importQueue := &jobs.Queue{Client: queue.Client, URL: st.ImportQueue.URL}
	a.ImportQueue = importQueue
	st.ImportWorker = imports.NewWorker(st.Store, a, importQueue, &jobs.Files{S3: s3e.Client(recorded), Bucket: ExportsBucket}, a.Mail,
		jobPage, a.Phones, func() time.Time { return a.Now() }, opts.Log)
	if opts.JobHandOver > 0 {
		st.ImportWorker.Runners[domain.JobImport].(*imports.Phases).Commit.Margin = opts.JobHandOver
	}
	pollCtx, stop := context.WithCancel(context.WithoutCancel(ctx))
	st.stop = stop
	if bulk, ok := st.Worker.Runners[domain.JobBulk].(*jobs.Bulk); ok {
		if opts.BulkPageSize > 0 {
			bulk.PageSize = opts.BulkPageSize
		}
		if opts.JobHandOver > 0 {
			bulk.Margin = opts.JobHandOver
		}
	}
	for _, w := range []struct {
		function string
		queue    emulators.Queue
		worker   *jobs.Worker
	}{{JobWorker, st.Queue, st.Worker}, {ImportWorker, st.ImportQueue, st.ImportWorker}} {
		timeout := time.Duration(routes.WorkerOf(w.function).TimeoutSeconds) * time.Second
		poller := &Poller{Client: sqsE.Client(), URL: w.queue.URL, Log: opts.Log, Timeout: timeout,
			Handler: func(ctx context.Context, ev events.SQSEvent) (events.SQSEventResponse, error) {
				return w.worker.Handle(routes.WithFunction(ctx, w.function), ev)
			}}
		st.done.Add(1)
		go func() {
			defer st.done.Done()
			poller.Run(pollCtx)
		}()
	}
	return nil
}

// startStaff mirrors staff into the directory at each local sign-in, with the same handler
// and event as the user pool's trigger (package staff), against the Cognito emulator.
func (st *Stack) startStaff(cfg config.Config, opts Options) {
	st.Cognito = emulators.StartCognito()
	recorder := &staff.Recorder{Directory: st.Store, TenantAttribute: cfg.Claims.Tenant, Now: time.Now, Log: opts.Log,
		Groups: st.Cognito.Client(func(o *cognitoidentityprovider.Options) { o.APIOptions = append(o.APIOptions, st.Usage.Middleware) })}
	st.Server.SignIn = func(ctx context.Context, tenant string, req tokenRequest) {
		user := tenant + "/" + req.Sub
		st.Cognito.SetGroups(user, req.Roles)
		ev := events.CognitoEventUserPoolsPostAuthentication{
			CognitoEventUserPoolsHeader: events.CognitoEventUserPoolsHeader{Version: "1", TriggerSource: "PostAuthentication_Authentication",
				Region: "us-east-1", UserPoolID: emulators.UserPoolID, UserName: user},
			Request: events.CognitoEventUserPoolsPostAuthenticationRequest{UserAttributes: map[string]string{
				"sub": req.Sub, "email": req.Email, "name": req.Name, cfg.Claims.Tenant: tenant}},
		}
		_, _ = recorder.Handle(routes.WithFunction(context.WithoutCancel(ctx), RecordStaff), ev)
	}
}

// unavailableMail stands in when the stack runs without the SES emulator: sending fails as
// SES failing would (503, nothing changed).
type unavailableMail struct{}

func (unavailableMail) Send(context.Context, string, domain.RenderedMail) (string, error) {
	return "", emulators.ErrNoSESEmulator
}

// Close stops the worker and the emulators.
func (st *Stack) Close() {
	if st.stop != nil {
		st.stop()
		st.done.Wait()
	}
	if st.S3 != nil {
		st.S3.Close()
	}
	if st.SES != nil {
		st.SES.Close()
	}
	if st.Cognito != nil {
		st.Cognito.Close()
	}
	st.DynamoDB.Close()
}
