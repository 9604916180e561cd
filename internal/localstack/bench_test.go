package localstack_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/clientdesk/clientdesk/internal/domain"
	"github.com/clientdesk/clientdesk/internal/localstack"
)

// BenchmarkExportLocalStack: seconds from POST /v1/exports to a ready job, on the whole local
// stack (minidyn, goaws, gofakes3, the worker behind the poller), for 1,000 clients. (minidyn
// re-sorts every key on every write, so the size is what it holds in reasonable time.)
func BenchmarkExportLocalStack(b *testing.B) {
	const n = 1000
	stack, err := localstack.Start(context.Background(), localstack.Options{ExportRetryAfter: time.Second})
	if err != nil {
		b.Fatal(err)
	}
	defer stack.Close()
	s := stack.Store
	ctx := context.Background()
	for i := range n {
		id, _ := uuid.NewV7()
		c := domain.NewClient(id.String(), domain.Fields{FirstName: fmt.Sprintf("Élodie %d", i), LastName: "Lefèvre",
			Email: fmt.Sprintf("e%d@example.fr", i), Phones: []string{"+33612345678"}, Locale: "fr"}, time.Now())
		ev := &domain.Event{ID: uuid.NewString(), ClientID: c.ID, At: c.CreatedAt, Action: domain.ActionCreated,
			Actor: domain.Actor{Kind: domain.ActorStaff, ID: "bench"}, Changes: domain.Diff(nil, c)}
		if err := s.CreateClient(ctx, "agency-1", c, nil, 0, nil, ev); err != nil {
			b.Fatal(err)
		}
	}
	var total time.Duration
	for b.Loop() {
		start := time.Now()
		job := &domain.Job{ID: uuid.Must(uuid.NewV7()).String(), Kind: domain.JobExport, Status: domain.JobQueued, Locale: "fr",
			CreatedAt: domain.At(time.Now()), Filter: &domain.ClientFilter{}}
		if err := s.CreateJob(ctx, "agency-1", job, 3, nil); err != nil {
			b.Fatal(err)
		}
		if err := stack.API.Queue.SendJob(ctx, "agency-1", job.ID); err != nil {
			b.Fatal(err)
		}
		for {
			j, err := s.GetJob(ctx, "agency-1", job.ID)
			if err != nil {
				b.Fatal(err)
			}
			if j.Status == domain.JobDone {
				if j.Progress.Done != n {
					b.Fatalf("%d rows", j.Progress.Done)
				}
				break
			}
			if j.Status == domain.JobFailed {
				b.Fatal("export failed")
			}
			time.Sleep(20 * time.Millisecond)
		}
		total += time.Since(start)
	}
	b.ReportMetric(total.Seconds()/float64(b.N), "s-to-ready")
	b.ReportMetric(n, "clients")
}
