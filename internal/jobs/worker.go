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

	"github.com/clientdesk/clientdesk/internal/config"
	"github.com/clientdesk/clientdesk/internal/domain"
	"github.com/clientdesk/clientdesk/internal/retry"
	"github.com/clientdesk/clientdesk/internal/store"
)

// Store keeps the jobs: a run claims one, reports progress (and learns of a cancellation),
// finishes it.
type Store interface {
	ClaimJob(ctx context.Context, tenant, id, runID string, now time.Time) (*domain.Job, error)
	ReportProgress(ctx context.Context, tenant, id, runID string, p domain.JobProgress, resume *domain.JobResume) (bool, error)
	ContinueJob(ctx context.Context, tenant, id, runID string) error
	FinishJob(ctx context.Context, tenant string, j *domain.Job, runID string) error
	MarkJobNotified(ctx context.Context, tenant, id string) (bool, error)
}

// Mailer sends one e-mail.
type Mailer interface {
	Send(ctx context.Context, to string, m domain.RenderedMail) (string, error)
}

// Message is the body of a queue message: a job (its kind is on its record), or a task.
type Message struct {
	Kind     string `json:"kind,omitempty"`
	Tenant   string `json:"tenant"`
	JobID    string `json:"job_id,omitempty"`
	ClientID string `json:"client_id,omitempty"`
}

// KindRedaction is the task of reducing a removed client's events.
const KindRedaction = "redaction"

// Redactor finishes a removal: it reduces the client's events to what is not personal.
type Redactor interface {
	RedactEvents(ctx context.Context, tenant, clientID string) error
}

// Runner does the work of one kind of job, reporting through its run. A runner must be
// safe to run again on the same job (a redelivered message, a crash mid-way): what it did
// before is found done, never done twice.
type Runner interface {
	Run(ctx context.Context, run *Run) error
}

// ErrCancelled is what a runner returns when its run reports progress and learns that the
// job is cancelled: it stops there, what it did consistent.
var ErrCancelled = errors.New("job cancelled")

// ErrContinue is what a runner returns when its invocation's time runs out before the job is
// done: it has recorded where to go on from, and a next run (from a new message) goes on.
var ErrContinue = errors.New("job continues in a next run")

// Run is one run of a job.
type Run struct {
	ID     string
	Tenant string
	Job    *domain.Job
	Log    *slog.Logger
	// Files writes the job's result file.
	Files *Files
	store Store
}

// Progress records how far the run has gone; ErrCancelled when the job is to stop.
func (r *Run) Progress(ctx context.Context, p domain.JobProgress) error {
	return r.ProgressAt(ctx, p, nil)
}

// ProgressAt records how far the run has gone and where a next run would go on from;
// ErrCancelled when the job is to stop.
func (r *Run) ProgressAt(ctx context.Context, p domain.JobProgress, resume *domain.JobResume) error {
	r.Job.Progress = p
	if resume != nil {
		r.Job.Resume = resume
	}
	cancel, err := r.store.ReportProgress(ctx, r.Tenant, r.Job.ID, r.ID, p, resume)
	if err != nil {
		return err
	}
	if cancel {
		return ErrCancelled
	}
	return nil
}

// Files is where result files go: one bucket, under exports/<tenant>/<job>/<run>.
type Files struct {
	S3     *s3.Client
	Bucket string
}

// RowWriter writes the rows of a result file: clients by columns, or plain values.
type RowWriter interface {
	Write(c *domain.Client) error
	WriteRow(values ...string) error
	Written() int64
	Close() error
}

// Create starts the file of a run, streamed to the bucket: a zipped CSV in the dialect, or
// an XLSX workbook. The caller writes rows, then closes (or aborts, on failure) what it
// returns.
func (r *Run) Create(ctx context.Context, name string, format domain.ExportFormat, columns []domain.ExportColumn, kinds []domain.CellKind, dialect domain.Dialect) (*File, error) {
	ext := ".zip"
	if format == domain.FormatXLSX {
		ext = ".xlsx"
	}
	up, key, err := r.upload(ctx, ext)
	if err != nil {
		return nil, err
	}
	var w RowWriter
	if format == domain.FormatXLSX {
		w = NewXLSXWriter(up, columns, kinds, dialect)
	} else if w, err = NewWriter(up, name+".csv", columns, kinds, dialect); err != nil {
		_ = up.Abort()
		return nil, err
	}
	return &File{RowWriter: w, up: up, key: key, name: name + ext}, nil
}

// upload starts the upload of the run's file: exports/<tenant>/<job>/<run><ext>.
func (r *Run) upload(ctx context.Context, ext string) (*Upload, string, error) {
	key := r.FileKey(ext)
	up, err := NewUpload(ctx, r.Files.S3, r.Files.Bucket, key, contentType(ext))
	return up, key, err
}

// FileKey is where a run's file with the extension ext goes: exports/<tenant>/<job>/<run><ext>.
func (r *Run) FileKey(ext string) string {
	return "exports/" + r.Tenant + "/" + r.Job.ID + "/" + r.ID + ext
}

// File is a result file being written.
type File struct {
	RowWriter
	up   *Upload
	key  string
	name string
}

// Close completes the file and returns what the job records of it.
func (f *File) Close() (*domain.JobFile, error) {
	if err := f.RowWriter.Close(); err != nil {
		return nil, err
	}
	if err := f.up.Close(); err != nil {
		return nil, err
	}
	return &domain.JobFile{Name: f.name, Bytes: f.up.Size, SHA256: f.up.SHA256(), Rows: f.Written(), ObjectKey: f.key}, nil
}

// Abort discards the file: no object appears.
func (f *File) Abort(ctx context.Context, log *slog.Logger) {
	if err := f.up.Abort(); err != nil {
		log.ErrorContext(ctx, "abort upload", "key", f.key, "error", err.Error())
	}
}

// Worker runs jobs from SQS messages: the one entry point of the queue. Build it once per
// process.
type Worker struct {
	Jobs     Store
	Runners  map[domain.JobKind]Runner
	Redactor Redactor
	Files    *Files
	Mail     Mailer
	// JobURL is the page of a job that its e-mail links to.
	JobURL func(tenant string, j *domain.Job) string
	Now    func() time.Time
	Log    *slog.Logger
	// MaxAttempts is the runs before a job fails (the queue's maxReceiveCount).
	MaxAttempts int
	// Requeue sends a job's message again, for a run that goes on where this one stopped.
	Requeue func(ctx context.Context, tenant, jobID string) error
	// Ended, when set, is told of a job that ended without its runner's say: failed for good
	// (its last attempt spent), or cancelled before a run saw the request (between two runs),
	// so that what the job worked on can say so.
	Ended func(ctx context.Context, tenant string, job *domain.Job, log *slog.Logger)
}

// Handle is the Lambda handler: each message is one job or task; only the messages whose
// work failed for a reason worth retrying come back as batch item failures.
func (w *Worker) Handle(ctx context.Context, ev events.SQSEvent) (events.SQSEventResponse, error) {
	resp := events.SQSEventResponse{BatchItemFailures: []events.SQSBatchItemFailure{}}
	for _, rec := range ev.Records {
		log := w.Log.With("message_id", rec.MessageId)
		if err := w.process(ctx, rec, log); err != nil {
			log.ErrorContext(ctx, "job failed", "error", err.Error())
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
	if err != nil || msg.Tenant == "" || msg.JobID == "" {
		// A message no run could ever process: acknowledge it rather than loop.
		log.WarnContext(ctx, "unreadable job message, dropped")
		return nil
	}
	runID := uuid.NewString()
	job, err := w.Jobs.ClaimJob(ctx, msg.Tenant, msg.JobID, runID, w.Now())
	if errors.Is(err, store.ErrJobFinished) {
		return nil // unknown or ended: a duplicate delivery
	}
	if err != nil {
		return err
	}
	log = log.With("tenant", msg.Tenant, "job_id", job.ID, "kind", job.Kind, "run_id", runID, "attempt", job.Attempt)
	runner, ok := w.Runners[job.Kind]
	var runErr error
	ran := false
	switch {
	case job.CancelRequested:
		runErr = ErrCancelled
	case !ok:
		runErr = fmt.Errorf("no runner for %s jobs", job.Kind)
	default:
		ran = true
		runErr = runner.Run(ctx, &Run{ID: runID, Tenant: msg.Tenant, Job: job, Log: log, Files: w.Files, store: w.Jobs})
	}
	if retry.Busy(runErr) {
		// DynamoDB too busy even after the SDK's tries: not the job's failure. Slow down,
		// then go on in a next run from what is done, without spending an attempt.
		log.WarnContext(ctx, "DynamoDB busy, the job slows down", "error", runErr.Error())
		if wait := retry.Wait(job.Attempt + 5); ctxAllows(ctx, wait) {
			time.Sleep(wait)
		}
		runErr = ErrContinue
	}
	if errors.Is(runErr, ErrContinue) {
		// The job goes on in a next run, from a new message; this one is done with.
		if err := w.Jobs.ContinueJob(ctx, msg.Tenant, job.ID, runID); err != nil {
			if errors.Is(err, store.ErrJobRun) {
				return nil
			}
			return err
		}
		log.InfoContext(ctx, "job continues", "done", job.Progress.Done)
		return w.Requeue(ctx, msg.Tenant, job.ID)
	}
	switch {
	case runErr == nil:
		job.Status = domain.JobDone
	case errors.Is(runErr, ErrCancelled):
		job.Status, job.CancelRequested, runErr = domain.JobCancelled, true, nil
	case job.Attempt >= w.MaxAttempts || !ok:
		job.Status, job.Error = domain.JobFailed, string(failure(job.Kind))
	default:
		return runErr // the message comes back; the next run goes on from what is done
	}
	job.FinishedAt = domain.AtPtr(w.Now())
	if err := w.Jobs.FinishJob(ctx, msg.Tenant, job, runID); err != nil {
		if errors.Is(err, store.ErrJobRun) {
			return nil // another run took over and will finish
		}
		return err
	}
	log.InfoContext(ctx, "job ended", "status", job.Status, "done", job.Progress.Done, "failed", job.Progress.Failed)
	if w.Ended != nil && (job.Status == domain.JobFailed || job.Status == domain.JobCancelled && !ran) {
		w.Ended(ctx, msg.Tenant, job, log)
	}
	w.notify(ctx, msg.Tenant, job, log)
	return runErr // a failed job's message goes on to the dead-letter queue
}

func failure(kind domain.JobKind) domain.Code {
	if kind == domain.JobExport {
		return domain.CodeExportFailed
	}
	return domain.CodeJobFailed
}

// notify e-mails the requester of an export or a bulk job once, whatever the number of
// deliveries; a cancelled job's requester knows already.
func (w *Worker) notify(ctx context.Context, tenant string, job *domain.Job, log *slog.Logger) {
	if job.RequesterEmail == "" || w.Mail == nil || job.Status == domain.JobCancelled ||
		job.Kind != domain.JobExport && job.Kind != domain.JobBulk && job.Kind != domain.JobImport ||
		job.Import != nil && job.Import.Phase != domain.ImportPhaseCommit { // a check is watched as it runs
		return
	}
	first, err := w.Jobs.MarkJobNotified(ctx, tenant, job.ID)
	if err != nil || !first {
		return
	}
	m, err := Notice(job, w.JobURL(tenant, job))
	if err == nil {
		_, err = w.Mail.Send(ctx, job.RequesterEmail, m)
	}
	if err != nil {
		// Never retried: a second attempt could be a second e-mail. The job shows its state.
		log.ErrorContext(ctx, "job notice not sent", "error", err.Error())
	}
}

// FileName names a job's file: what it holds, the tenant, the date and time it started in
// the tenant's zone, and the end of the job's id, so that two files of one minute differ:
// clients-agency-1-2026-11-22-0434-5f3a.
func FileName(prefix, tenant string, at time.Time, zone *time.Location, jobID string) string {
	if zone == nil {
		zone = time.UTC
	}
	return prefix + "-" + strings.ToLower(tenant) + "-" + at.In(zone).Format("2006-01-02-1504") + "-" + jobID[max(len(jobID)-4, 0):]
}

// Service is what the runners change through (package api): a site's clients unassigned,
// a bulk action's clients changed, each with its event.
type Service interface {
	SiteCleaner
	Changer
}

// NewWorker is the service's worker, the same in Lambda and in the local stack: a runner for
// each kind of job over the store and the service, result files in files, e-mails through
// mail (nil: none), links to a job's page made by jobURL.
func NewWorker(st *store.Store, svc Service, queue *Queue, files *Files, mail Mailer, jobURL func(tenant string, j *domain.Job) string,
	zone *time.Location, now func() time.Time, log *slog.Logger) *Worker {
	return &Worker{Jobs: st, Redactor: st, Files: files, Mail: mail, JobURL: jobURL, Now: now, Log: log,
		MaxAttempts: config.JobMaxAttempts, Requeue: queue.SendJob,
		Runners: map[domain.JobKind]Runner{
			domain.JobExport:      &Exporter{Clients: st, PageSize: config.ExportPageSize, Zone: zone},
			domain.JobSiteCleanup: &SiteCleanup{Sites: svc},
			domain.JobBulk: &Bulk{Changes: svc, Clients: st, Results: st, PageSize: config.BulkPageSize, Zone: zone,
				HotUnitsPerSecond: config.HotWriteUnitsPerSecond, Margin: config.JobHandOver},
		}}
}

// NewImportWorker is the import worker's frame: the same worker on its own queue, whose
// runners (and requeue, mailer) the caller adds (package imports: they read spreadsheets,
// which no other job needs, so they live in a function of their own).
func NewImportWorker(st *store.Store, files *Files, now func() time.Time, log *slog.Logger) *Worker {
	return &Worker{Jobs: st, Redactor: st, Files: files, Now: now, Log: log, MaxAttempts: config.JobMaxAttempts,
		Runners: map[domain.JobKind]Runner{}}
}

// JobPage is where the front end shows a job: /exports/<id> for an export, /jobs/<id> for
// the others.
func JobPage(app string) func(tenant string, j *domain.Job) string {
	app = strings.TrimSuffix(app, "/")
	return func(_ string, j *domain.Job) string {
		if j.Kind == domain.JobExport {
			return app + "/exports/" + j.ID
		}
		return app + "/jobs/" + j.ID
	}
}

// ctxAllows reports whether ctx leaves time for a wait.
func ctxAllows(ctx context.Context, wait time.Duration) bool {
	deadline, ok := ctx.Deadline()
	return !ok || time.Until(deadline) > wait
}
