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
			db, err := emulators.StartDynamoDB(ctx, "check-bench")
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			files, err := emulators.StartS3(ctx, "bench-files")
			if err != nil {
				b.Fatal(err)
			}
			m := &store.Meter{}
			st := store.New(db.Client(m.Attach), db.Table, time.Now)
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
			w := NewWorker(st, nil, &jobs.Queue{}, &jobs.Files{S3: files.Client(), Bucket: "bench-files"}, nil, nil, phone.E164, time.Now,
				slog.New(slog.DiscardHandler))
			var rows, reqs, read, written int
			var elapsed time.Duration
			var peak atomic.Uint64
			var added uint64
			for b.Loop() {
				now := domain.At(time.Now())
				im := &domain.Import{ID: uuid.Must(uuid.NewV7()).String(), FileName: "clients.csv", Format: "csv", Size: int64(len(data)),
					Status: domain.ImportAwaitingFile, Version: 1, CreatedAt: now, UpdatedAt: now}
				if err := st.CreateImport(ctx, "agency-1", im, nil); err != nil {
					b.Fatal(err)
				}
				if _, err := files.Client().PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("bench-files"), Key: aws.String(im.ObjectKey("agency-1")),
					Body: bytes.NewReader(data)}); err != nil {
					b.Fatal(err)
				}
				job := &domain.Job{ID: uuid.Must(uuid.NewV7()).String(), Kind: domain.JobImport, Status: domain.JobQueued, Locale: "fr", CreatedAt: now,
					Import: &domain.ImportTask{ImportID: im.ID, Version: 2, Phase: domain.ImportPhaseCheck}}
				next := *im
				next.Version, next.Status, next.JobID, next.Mode, next.Match, next.Country = 2, domain.ImportChecking, job.ID, domain.ImportUpsert, domain.ImportMatchEmail, "FR"
				if err := st.StartImportJob(ctx, "agency-1", &next, 1, job, 1<<20); err != nil {
					b.Fatal(err)
				}
				m.Reset()
				runtime.GC()
				base := liveHeap()
				peak.Store(base)
				done := make(chan struct{})
				var wg sync.WaitGroup
				wg.Go(func() { sampleHeap(done, &peak) })
				start := time.Now()
				resp, err := w.Handle(ctx, events.SQSEvent{Records: []events.SQSMessage{{MessageId: "1", Body: `{"tenant":"agency-1","job_id":"` + job.ID + `"}`}}})
				elapsed += time.Since(start)
				close(done)
				wg.Wait()
				if err != nil || len(resp.BatchItemFailures) > 0 {
					b.Fatalf("check failed: %v %v", err, resp)
				}
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
