// Package api holds the handlers of the API's operations, one file per operation. Each takes an
// API Gateway HTTP API (payload 2.0) event and returns a response; the same functions run in
// Lambda and behind the local server. Handlers never return an error to Lambda (it would become
// a bare 502): every failure is a problem+json response.
package api

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/google/uuid"

	"github.com/clientdesk/clientdesk/internal/auth"
	"github.com/clientdesk/clientdesk/internal/config"
	"github.com/clientdesk/clientdesk/internal/domain"
	"github.com/clientdesk/clientdesk/internal/routes"
	"github.com/clientdesk/clientdesk/internal/store"
)

// Handler is the signature lambda.Start receives and the local server calls.
type Handler func(context.Context, events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error)

// JobQueue hands a job to the worker (package jobs, over SQS).
type JobQueue interface {
	SendJob(ctx context.Context, tenant, jobID string) error
}

// TaskQueue hands the worker what a request leaves to finish: a long history's reduction.
type TaskQueue interface {
	SendRedaction(ctx context.Context, tenant, clientID string) error
}

// Downloads signs short-lived links to export files (package export, over S3).
type Downloads interface {
	DownloadURL(ctx context.Context, key, fileName string) (string, error)
}

// Uploads signs short-lived links to upload a file to import (package jobs, over S3).
type Uploads interface {
	UploadURL(ctx context.Context, key, contentType string, size int64) (string, error)
}

// Mailer sends one e-mail and returns the provider's message id.
type Mailer interface {
	Send(ctx context.Context, to string, m domain.RenderedMail) (string, error)
}

// The stores the operations need, one per aggregate, each a handful of methods. Package
// store implements them all over one DynamoDB table.

// ClientStore keeps client records.
type ClientStore interface {
	CreateClient(ctx context.Context, tenant string, c *domain.Client, defs domain.Definitions, defsVersion int64, idem *store.Idempotency, ev *domain.Event) error
	GetClient(ctx context.Context, tenant, id string) (*domain.Client, error)
	GetClientWithDefinitions(ctx context.Context, tenant, id string) (*domain.Client, domain.Definitions, error)
	GetClients(ctx context.Context, tenant string, ids []string) ([]*domain.Client, domain.Definitions, error)
	ListClients(ctx context.Context, tenant string, q store.ListQuery) (store.Page, error)
	UpdateClient(ctx context.Context, tenant string, old, next *domain.Client, defs domain.Definitions, ev *domain.Event) error
	DeleteClient(ctx context.Context, tenant, id string, allowed func(int64) bool, ev *domain.Event, inline int) (int, error)
	GetStats(ctx context.Context, tenant string) (store.Stats, error)
}

// FieldStore keeps the tenant's custom field definitions, as one versioned set.
type FieldStore interface {
	GetDefinitions(ctx context.Context, tenant string) (domain.Definitions, int64, error)
	PutDefinitions(ctx context.Context, tenant string, defs domain.Definitions, version int64, idem *store.Idempotency) error
}

// AccessStore keeps clients' access: links, invitations, credentials.
type AccessStore interface {
	ChangeAccess(ctx context.Context, tenant string, old, next *domain.Client, defs domain.Definitions, t store.Transition) error
	GetClientForInvitation(ctx context.Context, tenant, id string) (*domain.Client, domain.Definitions, store.InvitationQuota, error)
	PrepareInvitation(ctx context.Context, inv *store.Invitation, idem *store.Idempotency, quota store.QuotaUse) error
	AbandonInvitation(ctx context.Context, inv *store.Invitation, idem *store.Idempotency) error
	GetInvitation(ctx context.Context, hash string) (*store.Invitation, error)
}

// JobStore keeps the jobs of every kind.
type JobStore interface {
	CreateJob(ctx context.Context, tenant string, j *domain.Job, max int, idem *store.Idempotency) error
	GetJob(ctx context.Context, tenant, id string) (*domain.Job, error)
	ListJobs(ctx context.Context, tenant string, q store.JobQuery) (store.JobPage, error)
	CancelJob(ctx context.Context, tenant, id string, now time.Time) (*domain.Job, error)
	RunningJobs(ctx context.Context, tenant string) (int, error)
}

// ImportStore keeps imports.
type ImportStore interface {
	CreateImport(ctx context.Context, tenant string, im *domain.Import, idem *store.Idempotency) error
	GetImport(ctx context.Context, tenant, id string) (*domain.Import, error)
	StartImportJob(ctx context.Context, tenant string, im *domain.Import, expected int64, job *domain.Job, max int) error
	ImportErrors(ctx context.Context, tenant string, im *domain.Import, cursor string, limit int) (store.ImportErrorPage, error)
	StopImport(ctx context.Context, tenant string, job *domain.Job, status domain.ImportStatus) error
}

// IdempotencyStore reads the records of requests made with an Idempotency-Key (they are
// written by the creates themselves, in their transactions).
type IdempotencyStore interface {
	GetIdempotency(ctx context.Context, tenant, scope, key string) (*store.Idempotency, error)
}

// TimelineStore keeps clients' events and what the law lets a client ask for: everything
// held about them, and its erasure.
type TimelineStore interface {
	Events(ctx context.Context, tenant string, q store.EventQuery) (store.EventPage, error)
	GetPersonalData(ctx context.Context, tenant, id string) (store.PersonalData, error)
	EraseClient(ctx context.Context, tenant, id string, ev *domain.Event, inline int) (int, error)
}

// SettingsStore keeps a tenant's settings.
type SettingsStore interface {
	GetSettings(ctx context.Context, tenant string) (domain.Settings, error)
	PutSettings(ctx context.Context, tenant string, next domain.Settings, previous int64) error
}

// Stores are the stores an API works on.
type Stores struct {
	Clients     ClientStore
	Fields      FieldStore
	Access      AccessStore
	Jobs        JobStore
	Imports     ImportStore
	Idempotency IdempotencyStore
	Timeline    TimelineStore
	Settings    SettingsStore
	Sites       SiteStore
	Staff       StaffStore
}

// API carries what the handlers depend on. Build it once per process.
type API struct {
	Stores
	Claims auth.ClaimNames
	// Phones parses phone numbers. Only the operations that write clients need it, and only
	// their functions link the (large) parser: see package phone.
	Phones domain.PhoneParser
	Now    func() time.Time
	NewID  func() (string, error)
	Log    *slog.Logger

	// What only some functions link and wire (see Handler's checks):
	// SetupURL is the front end's page where a client opens a link (#token=… follows).
	SetupURL string
	// Zone is the IANA time zone that e-mails write dates in.
	Zone string
	// RenderInvitation writes an invitation e-mail (package invitemail).
	RenderInvitation func(domain.InvitationMail) (domain.RenderedMail, error)
	// Mail sends e-mail (package mail).
	Mail Mailer
	// HashPassword hashes a client's new password (package password).
	HashPassword func(string) (string, error)
	// InvitationsPerHour caps a tenant's invitation e-mails in an hour.
	InvitationsPerHour int
	// Tasks queues what a deletion or an erasure leaves to finish; InlineRedaction is the
	// longest history they reduce themselves.
	Tasks           TaskQueue
	InlineRedaction int
	// InlineUnassignments is the most clients a site's deletion unassigns within its
	// request; beyond, the worker does it.
	InlineUnassignments int
	// Queue queues jobs; Downloads signs links to their files;
	// MaxRunningJobs bounds a tenant's unfinished exports.
	Queue     JobQueue
	Downloads Downloads
	// Uploads signs the links an import's file is uploaded through; ImportQueue queues the
	// import worker's jobs.
	Uploads        Uploads
	ImportQueue    JobQueue
	MaxRunningJobs int

	// definitions caches each tenant's custom field definitions for creates, which check
	// the cached version inside their transaction (see createClient).
	definitions definitionsCache
	// settings caches each tenant's settings (the events' retention).
	settings settingsCache
	// jobsSeen caches each tenant's unfinished jobs a few seconds (the deletion guard).
	jobsMu   sync.Mutex
	jobsSeen map[string]cachedJobs
}

// New returns an API over stores with the real clock, UUIDv7 ids and logs on log.
func New(stores Stores, claims auth.ClaimNames, log *slog.Logger) *API {
	return &API{Stores: stores, Claims: claims, Now: time.Now, NewID: newUUIDv7, Log: log, InlineRedaction: config.InlineRedactionEvents,
		InlineUnassignments: config.InlineSiteUnassignments}
}

func newUUIDv7() (string, error) {
	id, err := uuid.NewV7()
	return id.String(), err
}

// request is an incoming event with what every handler needs resolved.
type request struct {
	events.APIGatewayV2HTTPRequest
	who  auth.Identity
	lang string
	// log carries the request id and the operation on every line.
	log *slog.Logger
}

// response is what an operation produces on success.
type response struct {
	status  int
	headers map[string]string
	body    []byte
}

type operation func(ctx context.Context, r *request) (*response, error)

// Handler returns the handler of an operation of the route table.
func (a *API) Handler(op string) Handler {
	for _, o := range allOps() {
		if o.Name == op {
			return a.Serve(o)
		}
	}
	panic(fmt.Sprintf("api: no handler for operation %q", op))
}

// Serve is the handler of one operation, as its function runs it (see Op).
func (a *API) Serve(op Op) Handler {
	route, ok := routeByOperation(op.Name)
	if !ok {
		panic(fmt.Sprintf("api: no route for operation %q", op.Name))
	}
	for _, need := range a.needs()[op.Name] {
		if !need.wired {
			panic(fmt.Sprintf("api: operation %q needs %s", op.Name, need.what))
		}
	}
	return a.wrap(route, func(ctx context.Context, r *request) (*response, error) { return op.fn(a, ctx, r) })
}

type need struct {
	what  string
	wired bool
}

// needs lists, by operation, what its function must wire beyond the store: a missing piece
// stops the function at init, not at its first request.
func (a *API) needs() map[string][]need {
	phones := need{"a phone parser (API.Phones)", a.Phones != nil}
	links := need{"the setup page URL (API.SetupURL)", a.SetupURL != ""}
	render := need{"the invitation templates (API.RenderInvitation) and a time zone", a.RenderInvitation != nil && a.Zone != ""}
	return map[string][]need{
		routes.CreateClient:        {phones},
		routes.UpdateClient:        {phones},
		routes.CreateSetupLink:     {links},
		routes.PreviewInvitation:   {links, render},
		routes.SendInvitation:      {links, render, {"a mailer (API.Mail) and an hourly cap", a.Mail != nil && a.InvitationsPerHour > 0}},
		routes.AcceptInvitation:    {{"a password hasher (API.HashPassword)", a.HashPassword != nil}},
		routes.CreateExport:        {{"the job queue (API.Queue) and a limit", a.Queue != nil && a.MaxRunningJobs > 0}},
		routes.GetExport:           {{"a download signer (API.Downloads)", a.Downloads != nil}},
		routes.DeleteClient:        {{"a task queue (API.Tasks)", a.Tasks != nil}},
		routes.EraseClient:         {{"a task queue (API.Tasks)", a.Tasks != nil}},
		routes.DeleteSite:          {{"the job queue (API.Queue) and a limit", a.Queue != nil && a.MaxRunningJobs > 0}},
		routes.BulkClients:         {{"the job queue (API.Queue) and a limit, a task queue (API.Tasks)", a.Queue != nil && a.MaxRunningJobs > 0 && a.Tasks != nil}},
		routes.GetJob:              {{"a download signer (API.Downloads)", a.Downloads != nil}},
		routes.CreateImport:        {{"an upload signer (API.Uploads)", a.Uploads != nil}},
		routes.GetImport:           {{"an upload signer (API.Uploads) and a download signer (API.Downloads)", a.Uploads != nil && a.Downloads != nil}},
		routes.UpdateImportMapping: {{"the import queue (API.ImportQueue) and a limit", a.ImportQueue != nil && a.MaxRunningJobs > 0}},
		routes.CommitImport:        {{"the import queue (API.ImportQueue) and a limit", a.ImportQueue != nil && a.MaxRunningJobs > 0}},
		routes.RevertImport:        {{"the import queue (API.ImportQueue) and a limit", a.ImportQueue != nil && a.MaxRunningJobs > 0}},
	}
}

func routeByOperation(op string) (routes.Route, bool) {
	for _, r := range routes.All {
		if r.Operation == op {
			return r, true
		}
	}
	return routes.Route{}, false
}

// wrap does for every operation what none should do by itself: language negotiation, identity
// and role checks, turning errors and panics into problems, and one log line per request.
func (a *API) wrap(route routes.Route, fn operation) Handler {
	return func(ctx context.Context, ev events.APIGatewayV2HTTPRequest) (resp events.APIGatewayV2HTTPResponse, _ error) {
		start := time.Now()
		ctx = routes.WithFunction(ctx, route.Function())
		r := &request{APIGatewayV2HTTPRequest: ev, lang: negotiateLanguage(header(ev, "Accept-Language")),
			log: a.Log.With("request_id", ev.RequestContext.RequestID, "operation", route.Operation)}
		defer func() {
			if p := recover(); p != nil {
				r.log.ErrorContext(ctx, "panic", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
				resp = r.problem(ctx, fmt.Errorf("panic: %v", p))
			}
			r.log.InfoContext(ctx, "request", "tenant", r.who.Tenant, "status", resp.StatusCode, "ms", time.Since(start).Milliseconds())
		}()
		if !route.Public {
			who, err := auth.FromRequest(ev.RequestContext, a.Claims)
			if err != nil {
				return r.problem(ctx, err), nil
			}
			if route.Access == routes.Write && !who.CanWrite() || route.AdminOnly && who.Role != auth.Admin ||
				route.EditorsOnly && !who.AtLeast(auth.Editor) {
				return r.problem(ctx, &domain.Error{Code: domain.CodeForbidden}), nil
			}
			r.who = who
		}
		out, err := fn(ctx, r)
		if err != nil {
			return r.problem(ctx, err), nil
		}
		h := map[string]string{"X-Request-Id": ev.RequestContext.RequestID, "Cache-Control": "no-store"}
		if len(out.body) > 0 {
			h["Content-Type"] = "application/json"
		}
		for k, v := range out.headers {
			h[k] = v
		}
		return events.APIGatewayV2HTTPResponse{StatusCode: out.status, Headers: h, Body: string(out.body)}, nil
	}
}

// problem answers err as a problem; a server fault is logged with its cause, which the
// answer never shows.
func (r *request) problem(ctx context.Context, err error) events.APIGatewayV2HTTPResponse {
	p := NewProblem(err, r.lang, r.RequestContext.RequestID, r.RawPath)
	if p.Status >= 500 {
		r.log.ErrorContext(ctx, "request failed", "route", r.RouteKey, "status", p.Status, "error", err.Error())
	}
	return problemResponse(p, r.lang)
}
