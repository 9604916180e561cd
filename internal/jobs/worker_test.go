package jobs_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/smithy-go"
	"github.com/google/uuid"

	"github.com/clientdesk/clientdesk/internal/domain"
	"github.com/clientdesk/clientdesk/internal/emulators"
	"github.com/clientdesk/clientdesk/internal/jobs"
	"github.com/clientdesk/clientdesk/internal/store"
)

// pages is a runner that does n pages of work, reporting progress after each, and stops
// when told to: what a bulk job or a clean-up does, without their changes.
type pages struct {
	n       int64
	done    atomic.Int64
	after   func(page int64) // called after each page, before its report
	crashAt int64            // a page at which the first run fails (0: never)
	crashed atomic.Bool
}

func (p *pages) Run(ctx context.Context, run *jobs.Run) error {
	for page := run.Job.Progress.Done + 1; page <= p.n; page++ {
		if page == p.crashAt && !p.crashed.Swap(true) {
			return errors.New("crash")
		}
		p.done.Add(1)
		if p.after != nil {
			p.after(page)
		}
		if err := run.Progress(ctx, domain.JobProgress{Done: page, Total: p.n}); err != nil {
			return err
		}
	}
	return nil
}

func workerOn(t *testing.T, runner jobs.Runner) (*jobs.Worker, *store.Store) {
	t.Helper()
	db, err := emulators.StartDynamoDB(context.Background(), "jobs-test")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	s := store.New(db.Client(), db.Table, time.Now)
	w := &jobs.Worker{Jobs: s, Runners: map[domain.JobKind]jobs.Runner{domain.JobBulk: runner}, Now: time.Now,
		Log: slog.New(slog.DiscardHandler), MaxAttempts: 3, JobURL: func(string, *domain.Job) string { return "" }}
	return w, s
}

func queued(t *testing.T, s *store.Store) *domain.Job {
	t.Helper()
	j := &domain.Job{ID: uuid.Must(uuid.NewV7()).String(), Kind: domain.JobBulk, Status: domain.JobQueued, Locale: "fr",
		CreatedAt: domain.At(time.Now()), Bulk: &domain.BulkAction{Action: domain.BulkArchive}}
	if err := s.CreateJob(context.Background(), "t1", j, 3, nil); err != nil {
		t.Fatal(err)
	}
	return j
}

func deliver(t *testing.T, w *jobs.Worker, j *domain.Job) events.SQSEventResponse {
	t.Helper()
	resp, err := w.Handle(context.Background(), events.SQSEvent{Records: []events.SQSMessage{{MessageId: "m", Body: `{"tenant":"t1","job_id":"` + j.ID + `"}`}}})
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

// The state machine: queued → running → done; a cancelled job stops at its next page; a
// crash is retried from where the last report stood; the tenant's count of unfinished jobs
// comes back to zero each time.
func TestJobLifecycle(t *testing.T) {
	ctx := context.Background()
	t.Run("done", func(t *testing.T) {
		p := &pages{n: 5}
		w, s := workerOn(t, p)
		j := queued(t, s)
		if resp := deliver(t, w, j); len(resp.BatchItemFailures) != 0 {
			t.Fatalf("failures %v", resp.BatchItemFailures)
		}
		got, _ := s.GetJob(ctx, "t1", j.ID)
		if got.Status != domain.JobDone || got.Progress.Done != 5 || got.FinishedAt == nil || got.StartedAt == nil || got.Attempt != 1 {
			t.Fatalf("job %+v", got)
		}
		// A duplicate delivery of a finished job does nothing.
		deliver(t, w, j)
		if p.done.Load() != 5 {
			t.Fatalf("%d pages done", p.done.Load())
		}
		if n, _ := s.RunningJobs(ctx, "t1"); n != 0 {
			t.Fatalf("%d jobs still counted", n)
		}
	})
	t.Run("cancelled while running", func(t *testing.T) {
		p := &pages{n: 50}
		w, s := workerOn(t, p)
		j := queued(t, s)
		p.after = func(page int64) {
			if page == 3 {
				if got, err := s.CancelJob(ctx, "t1", j.ID, time.Now()); err != nil || !got.CancelRequested || got.Status != domain.JobRunning {
					t.Errorf("cancel: %+v %v", got, err)
				}
			}
		}
		deliver(t, w, j)
		got, _ := s.GetJob(ctx, "t1", j.ID)
		if got.Status != domain.JobCancelled || !got.CancelRequested || p.done.Load() != 3 || got.Progress.Done != 3 {
			t.Fatalf("job %+v after %d pages", got, p.done.Load())
		}
		if _, err := s.CancelJob(ctx, "t1", j.ID, time.Now()); !errors.Is(err, store.ErrJobFinished) {
			t.Fatalf("cancel again: %v", err)
		}
		if n, _ := s.RunningJobs(ctx, "t1"); n != 0 {
			t.Fatalf("%d jobs still counted", n)
		}
	})
	t.Run("cancelled before it runs", func(t *testing.T) {
		p := &pages{n: 5}
		w, s := workerOn(t, p)
		j := queued(t, s)
		got, err := s.CancelJob(ctx, "t1", j.ID, time.Now())
		if err != nil || got.Status != domain.JobCancelled {
			t.Fatalf("cancel: %+v %v", got, err)
		}
		deliver(t, w, j)
		if p.done.Load() != 0 {
			t.Fatalf("a cancelled job ran %d pages", p.done.Load())
		}
		if n, _ := s.RunningJobs(ctx, "t1"); n != 0 {
			t.Fatalf("%d jobs still counted", n)
		}
	})
	t.Run("a crash is retried from the last report", func(t *testing.T) {
		p := &pages{n: 6, crashAt: 4}
		w, s := workerOn(t, p)
		j := queued(t, s)
		if resp := deliver(t, w, j); len(resp.BatchItemFailures) != 1 {
			t.Fatalf("the crash was not reported to the queue: %v", resp)
		}
		deliver(t, w, j) // the redelivery
		got, _ := s.GetJob(ctx, "t1", j.ID)
		if got.Status != domain.JobDone || got.Attempt != 2 || p.done.Load() != 6 {
			t.Fatalf("job %+v, %d pages done (each once)", got, p.done.Load())
		}
	})
	t.Run("the tenant's limit", func(t *testing.T) {
		_, s := workerOn(t, &pages{})
		for range 3 {
			queued(t, s)
		}
		extra := &domain.Job{ID: uuid.Must(uuid.NewV7()).String(), Kind: domain.JobBulk, Status: domain.JobQueued, CreatedAt: domain.At(time.Now())}
		if err := s.CreateJob(ctx, "t1", extra, 3, nil); !errors.Is(err, store.ErrTooManyJobs) {
			t.Fatalf("a fourth job: %v", err)
		}
		if err := s.CreateJob(ctx, "t2", extra, 3, nil); err != nil {
			t.Fatalf("another tenant's job: %v", err)
		}
		page, err := s.ListJobs(ctx, "t1", store.JobQuery{Limit: 2})
		if err != nil || len(page.Items) != 2 || page.NextCursor == "" {
			t.Fatalf("first page %+v %v", page, err)
		}
		rest, err := s.ListJobs(ctx, "t1", store.JobQuery{Limit: 2, Cursor: page.NextCursor})
		if err != nil || len(rest.Items) != 1 || rest.Items[0].ID >= page.Items[1].ID {
			t.Fatalf("second page %+v %v", rest, err)
		}
		if _, err := s.ListJobs(ctx, "t1", store.JobQuery{Kind: domain.JobExport, Limit: 2, Cursor: page.NextCursor}); !errors.Is(err, domain.ErrInvalidCursor) {
			t.Fatalf("a cursor of another kind's list: %v", err)
		}
	})
}

// busyRunner fails its first runs as DynamoDB does when it throttles (after the SDK's own
// tries), then does its work.
type busyRunner struct{ busy, runs int }

func (b *busyRunner) Run(ctx context.Context, run *jobs.Run) error {
	b.runs++
	if b.runs <= b.busy {
		return fmt.Errorf("list clients: %w", &smithy.GenericAPIError{Code: "ThrottlingException"})
	}
	return run.Progress(ctx, domain.JobProgress{Done: 1, Total: 1})
}

// Throttling is not the job's failure: a busy run hands over to a next one, more of them than
// the job's attempts, and the job ends done.
func TestThrottledJobSlowsDownAndGoesOn(t *testing.T) {
	runner := &busyRunner{busy: 4}
	w, s := workerOn(t, runner)
	requeued := 0
	w.Requeue = func(context.Context, string, string) error { requeued++; return nil }
	j := queued(t, s)
	for range 10 {
		if resp := deliver(t, w, j); len(resp.BatchItemFailures) != 0 {
			t.Fatalf("a busy run failed its message: %v", resp)
		}
		got, err := s.GetJob(context.Background(), "t1", j.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status == domain.JobDone {
			if requeued != 4 || runner.runs != 5 {
				t.Fatalf("%d requeued, %d runs", requeued, runner.runs)
			}
			return
		}
		if got.Status == domain.JobFailed {
			t.Fatalf("the job failed: %+v", got)
		}
	}
	t.Fatal("the job never ended")
}
