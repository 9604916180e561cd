package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/google/uuid"

	"github.com/clientdesk/clientdesk/internal/domain"
	"github.com/clientdesk/clientdesk/internal/store"
)

// Jobs keeps the export jobs: a run claims one, reports progress, finishes it.
type Jobs interface {
	ClaimExport(ctx context.Context, tenant, id, runID string, now time.Time) (*domain.ExportJob, error)
	ExportProgress(ctx context.Context, tenant, id, runID string, rows int64) error
	FinishExport(ctx context.Context, tenant string, j *domain.ExportJob, runID string) error
	MarkExportNotified(ctx context.Context, tenant, id string) (bool, error)
}

// Clients reads what an export writes: clients page by page, as the list shows them.
type Clients interface {
	GetDefinitions(ctx context.Context, tenant string) (domain.Definitions, int64, error)
	ListClients(ctx context.Context, tenant string, q store.ListQuery) (store.Page, error)
}

// Mailer sends one e-mail.
type Mailer interface {
	Send(ctx context.Context, to string, m domain.RenderedMail) (string, error)
}

// Message is the body of a queue message: an export job (no kind), or a task.
type Message struct {
	Kind     string `json:"kind,omitempty"`
	Tenant   string `json:"tenant"`
	JobID    string `json:"job_id,omitempty"`
	ClientID string `json:"client_id,omitempty"`
	SiteID   string `json:"site_id,omitempty"`
	// RequestID is the request that queued a task, for its events.
	RequestID string `json:"request_id,omitempty"`
}

// KindRedaction is the task of reducing a removed client's events.
const KindRedaction = "redaction"

// KindSiteCleanup is the task of finishing a site's deletion.
const KindSiteCleanup = "site-cleanup"

// SiteCleaner finishes a site's deletion: every client unassigned, then the site removed.
type SiteCleaner interface {
	CleanUpSite(ctx context.Context, tenant, siteID, requestID string) error
}

// Redactor finishes a removal: it reduces the client's events to what is not personal.
type Redactor interface {
	RedactEvents(ctx context.Context, tenant, clientID string) error
}

// Worker runs export jobs from SQS messages. Build it once per process.
type Worker struct {
	Jobs     Jobs
	Clients  Clients
	Redactor Redactor
	Sites    SiteCleaner
	S3       *s3.Client
	Bucket   string
	Mail     Mailer
	// DownloadURL is the link the ready e-mail gives for a job.
	DownloadURL func(tenant, jobID string) string
	Now         func() time.Time
	Log         *slog.Logger
	// PageSize is the clients read per list request; MaxAttempts the runs before a job fails
	// (the queue's maxReceiveCount).
	PageSize    int
	MaxAttempts int
}

// Handle is the Lambda handler: each message is one job; only the messages whose job failed
// for a reason worth retrying come back as batch item failures.
func (w *Worker) Handle(ctx context.Context, ev events.SQSEvent) (events.SQSEventResponse, error) {
	resp := events.SQSEventResponse{BatchItemFailures: []events.SQSBatchItemFailure{}}
	for _, rec := range ev.Records {
		log := w.Log.With("message_id", rec.MessageId)
		if err := w.process(ctx, rec, log); err != nil {
			log.ErrorContext(ctx, "export failed", "error", err.Error())
			resp.BatchItemFailures = append(resp.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: rec.MessageId})
		}
	}
	return resp, nil
}

func (w *Worker) process(ctx context.Context, rec events.SQSMessage, log *slog.Logger) error {
	var msg Message
	err := json.Unmarshal([]byte(rec.Body), &msg)
	if err == nil && msg.Kind == KindRedaction && msg.Tenant != "" && msg.ClientID != "" {
		log.InfoContext(ctx, "reducing a removed client's events", "tenant", msg.Tenant, "client_id", msg.ClientID)
		return w.Redactor.RedactEvents(ctx, msg.Tenant, msg.ClientID)
	}
	if err == nil && msg.Kind == KindSiteCleanup && msg.Tenant != "" && msg.SiteID != "" {
		log.InfoContext(ctx, "finishing a site's deletion", "tenant", msg.Tenant, "site_id", msg.SiteID)
		return w.Sites.CleanUpSite(ctx, msg.Tenant, msg.SiteID, msg.RequestID)
	}
	if err != nil || msg.Tenant == "" || msg.JobID == "" {
		// A message no run could ever process: acknowledge it rather than loop.
		log.WarnContext(ctx, "unreadable export message, dropped")
		return nil
	}
	runID := uuid.NewString()
	job, err := w.Jobs.ClaimExport(ctx, msg.Tenant, msg.JobID, runID, w.Now())
	if errors.Is(err, store.ErrExportFinished) {
		return nil // unknown or finished: a duplicate delivery
	}
	if err != nil {
		return err
	}
	log = log.With("tenant", msg.Tenant, "job_id", msg.JobID, "run_id", runID, "attempt", job.Attempt)
	runErr := w.run(ctx, msg.Tenant, job, runID, log)
	if runErr == nil {
		job.Status = domain.ExportReady
	} else if job.Attempt >= w.MaxAttempts {
		job.Status, job.Error = domain.ExportFailed, string(domain.CodeExportFailed)
	} else {
		return runErr // the message comes back; the next run starts clean
	}
	job.FinishedAt = domain.AtPtr(w.Now())
	if err := w.Jobs.FinishExport(ctx, msg.Tenant, job, runID); err != nil {
		if errors.Is(err, store.ErrExportRun) {
			return nil // another run took over and will finish
		}
		return err
	}
	w.notify(ctx, msg.Tenant, job, log)
	return runErr // a failed job's message goes on to the dead-letter queue
}

// run writes the file of one run. Any error aborts the multipart upload: no object appears.
func (w *Worker) run(ctx context.Context, tenant string, job *domain.ExportJob, runID string, log *slog.Logger) (err error) {
	q := store.ListQuery{Filter: job.Filter, Limit: w.PageSize}
	// The clients as the list shows them when the export starts: later ones are left out.
	if q.Filter.CreatedBefore.IsZero() || job.StartedAt.Before(q.Filter.CreatedBefore) {
		q.Filter.CreatedBefore = job.StartedAt.Time
	}
	q.Filter.Fields = nil // every member: the columns pick theirs
	defs, _, err := w.Clients.GetDefinitions(ctx, tenant)
	if err != nil {
		return err
	}
	columns, bad := domain.ExportColumns(defs, job.Columns)
	if bad != "" {
		return fmt.Errorf("column %q no longer exists", bad)
	}
	name := FileName(tenant, job.StartedAt.Time)
	key := "exports/" + tenant + "/" + job.ID + "/" + runID + ".zip"
	up, err := NewUpload(ctx, w.S3, w.Bucket, key, "application/zip")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			if aerr := up.Abort(); aerr != nil {
				log.ErrorContext(ctx, "abort upload", "key", key, "error", aerr.Error())
			}
		}
	}()
	cw, err := NewWriter(up, name+".csv", columns, job.Locale)
	if err != nil {
		return err
	}
	for pages := 0; ; pages++ {
		page, err := w.Clients.ListClients(ctx, tenant, q)
		if err != nil {
			return err
		}
		for _, c := range page.Items {
			if err := cw.Write(page.Definitions.View(c)); err != nil {
				return err
			}
		}
		if page.NextCursor == "" {
			break
		}
		q.Cursor = page.NextCursor
		if pages%4 == 3 {
			if err := w.Jobs.ExportProgress(ctx, tenant, job.ID, runID, cw.Rows); err != nil {
				return err
			}
		}
	}
	if err := cw.Close(); err != nil {
		return err
	}
	if err := up.Close(); err != nil {
		return err
	}
	job.RowsWritten, job.Bytes, job.SHA256, job.ObjectKey, job.FileName = cw.Rows, up.Size, up.SHA256(), key, name+".zip"
	return nil
}

// notify e-mails the requester once, whatever the number of deliveries.
func (w *Worker) notify(ctx context.Context, tenant string, job *domain.ExportJob, log *slog.Logger) {
	if job.RequesterEmail == "" || w.Mail == nil {
		return
	}
	first, err := w.Jobs.MarkExportNotified(ctx, tenant, job.ID)
	if err != nil || !first {
		return
	}
	m, err := Notice(job, w.DownloadURL(tenant, job.ID))
	if err == nil {
		_, err = w.Mail.Send(ctx, job.RequesterEmail, m)
	}
	if err != nil {
		// Never retried: a second attempt could be a second e-mail. The job shows its state.
		log.ErrorContext(ctx, "export notice not sent", "error", err.Error())
	}
}

// FileName names a tenant's export of a day.
func FileName(tenant string, at time.Time) string {
	return "clients-" + strings.ToLower(tenant) + "-" + at.UTC().Format("2006-01-02")
}
