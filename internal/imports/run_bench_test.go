package imports

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"runtime"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/google/uuid"

	"github.com/clientdesk/clientdesk/internal/domain"
	"github.com/clientdesk/clientdesk/internal/emulators"
	"github.com/clientdesk/clientdesk/internal/jobs"
	"github.com/clientdesk/clientdesk/internal/phone"
	"github.com/clientdesk/clientdesk/internal/store"
)

// BenchmarkCheckRun runs the whole check of a French Excel file on the emulators, as the
// import worker runs it from its message: the file read from S3, every row checked and looked
// up against the clients (1,000 of whom hold e-mails of the file), the errors kept, the
// failing rows' file stored. It reports rows a second, DynamoDB requests and items read a
// row, the items written, and the most live heap the run added (the live heap as each
// garbage collection marks it, less what was live before the run: the file as the benchmark
// and the S3 emulator hold it, the emulators' tables).
func BenchmarkCheckRun(b *testing.B) {
	ctx := context.Background()
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("rows=%d", n), func(b *testing.B) {
			st, m, files := benchEmulators(b)
			for i := range 1000 {
				c := domain.NewClient(uuid.Must(uuid.NewV7()).String(), domain.Fields{FirstName: "Client", LastName: fmt.Sprint(i),
					Email: fmt.Sprintf("client%d@exemple.fr", i*7), Locale: "fr"}, time.Now())
				ev := &domain.Event{ID: uuid.NewString(), ClientID: c.ID, At: c.CreatedAt, Action: domain.ActionCreated,
					Actor: domain.Actor{Kind: domain.ActorStaff, ID: "bench"}}
				if err := st.CreateClient(ctx, "agency-1", c, nil, 0, nil, ev); err != nil {
					b.Fatal(err)
				}
			}
			data := frenchFile(n)
			w := NewWorker(st, nil, &jobs.Queue{}, &jobs.Files{S3: files.Client(), Bucket: benchBucket}, nil, nil, phone.E164, time.Now,
				slog.New(slog.DiscardHandler))
			var rows, reqs, read, written int
			var elapsed time.Duration
			var peak atomic.Uint64
			var added uint64
			for b.Loop() {
				im, job := benchImport(b, st, files, data, domain.ImportPhaseCheck, func(im *domain.Import) {
					im.Status, im.Mode, im.Match, im.Country = domain.ImportChecking, domain.ImportUpsert, domain.ImportMatchEmail, "FR"
				})
				m.Reset()
				runtime.GC()
				base := liveHeap()
				peak.Store(base)
				done := make(chan struct{})
				var wg sync.WaitGroup
				wg.Go(func() { sampleHeap(done, &peak) })
				elapsed += runJob(b, w, job)
				close(done)
				wg.Wait()
				got, err := st.GetImport(ctx, "agency-1", im.ID)
				if err != nil || got.Status != domain.ImportChecked || got.Report.Rows != n {
					b.Fatalf("checked: %v %+v", err, got)
				}
				c := m.Snapshot()
				rows, reqs, read, written = rows+n, reqs+c.Requests, read+c.ItemsRead, written+c.ItemsWritten
				added = max(added, peak.Load()-base)
			}
			b.ReportMetric(float64(rows)/elapsed.Seconds(), "rows/s")
			b.ReportMetric(float64(reqs)/float64(rows), "requests/row")
			b.ReportMetric(float64(read)/float64(rows), "items-read/row")
			b.ReportMetric(float64(written)/float64(rows), "items-written/row")
			b.ReportMetric(float64(added)/(1<<20), "live-heap-added-MB")
		})
	}
}

// liveHeap is the heap the last garbage collection found live.
func liveHeap() uint64 {
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(sample)
	return sample[0].Value.Uint64()
}

// benchEmulators starts what an import's run works on: DynamoDB (its requests metered) and
// S3, for the benchmark's life.
func benchEmulators(b testing.TB) (*store.Store, *store.Meter, *emulators.S3) {
	b.Helper()
	ctx := context.Background()
	db, err := emulators.StartDynamoDB(ctx, "import-bench")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(db.Close)
	files, err := emulators.StartS3(ctx, benchBucket, nil)
	if err != nil {
		b.Fatal(err)
	}
	m := &store.Meter{}
	return store.New(db.Client(m.Attach), db.Table, time.Now), m, files
}

const benchBucket = "bench-files"

// benchImport makes an import of data (its file uploaded) and the job of its phase at its
// version 2, as PUT …/mapping or POST …/commit would leave them (set says how).
func benchImport(b testing.TB, st *store.Store, files *emulators.S3, data []byte, phase string, set func(*domain.Import)) (*domain.Import, *domain.Job) {
	b.Helper()
	ctx := context.Background()
	now := domain.At(time.Now())
	im := &domain.Import{ID: uuid.Must(uuid.NewV7()).String(), FileName: "clients.csv", Format: "csv", Size: int64(len(data)),
		Status: domain.ImportAwaitingFile, Version: 1, CreatedAt: now, UpdatedAt: now}
	if err := st.CreateImport(ctx, "agency-1", im, nil); err != nil {
		b.Fatal(err)
	}
	if _, err := files.Client().PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(benchBucket), Key: aws.String(im.ObjectKey("agency-1")),
		Body: bytes.NewReader(data)}); err != nil {
		b.Fatal(err)
	}
	job := &domain.Job{ID: uuid.Must(uuid.NewV7()).String(), Kind: domain.JobImport, Status: domain.JobQueued, Locale: "fr", CreatedAt: now,
		Import: &domain.ImportTask{ImportID: im.ID, Version: 2, Phase: phase}}
	next := *im
	next.Version, next.JobID = 2, job.ID
	set(&next)
	if err := st.StartImportJob(ctx, "agency-1", &next, 1, job, 1<<20); err != nil {
		b.Fatal(err)
	}
	return im, job
}

// runJob hands the job's message to the worker, as the queue's event source does, and
// returns the time it took.
func runJob(b testing.TB, w *jobs.Worker, job *domain.Job) time.Duration {
	b.Helper()
	start := time.Now()
	resp, err := w.Handle(context.Background(), events.SQSEvent{Records: []events.SQSMessage{{MessageId: "1",
		Body: `{"tenant":"agency-1","job_id":"` + job.ID + `"}`}}})
	if err != nil || len(resp.BatchItemFailures) > 0 {
		b.Fatalf("%s run failed: %v %v", job.Import.Phase, err, resp)
	}
	return time.Since(start)
}

// sampleHeap records the largest live heap it sees until done is closed.
func sampleHeap(done <-chan struct{}, peak *atomic.Uint64) {
	for {
		if v := liveHeap(); v > peak.Load() {
			peak.Store(v)
		}
		select {
		case <-done:
			return
		case <-time.After(10 * time.Millisecond):
		}
	}
}
