package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/google/uuid"

	"github.com/clientdesk/clientdesk/internal/api"
	"github.com/clientdesk/clientdesk/internal/config"
	"github.com/clientdesk/clientdesk/internal/domain"
	"github.com/clientdesk/clientdesk/internal/emulators"
	"github.com/clientdesk/clientdesk/internal/jobs"
	"github.com/clientdesk/clientdesk/internal/routes"
	"github.com/clientdesk/clientdesk/internal/service"
	"github.com/clientdesk/clientdesk/internal/store"
)

// The bulk actions' cost, counted by the SDK middleware on the real code paths: the handler
// of POST /v1/clients/bulk for 100 ids, and a filtered bulk job run by the worker's own entry
// point. Measured on minidyn, which copies its whole table on every transaction (a
// transaction takes ~320 ms at 6,000 clients, measured): the job runs over 1,000 clients
// (BULK_BENCH_CLIENTS for more, at that price); the counts per client do not depend on the
// number, and the figures for 10,000 and 100,000 on AWS follow from them (see the closing
// note and the README).

// noQueue stands in for the queue where nothing is queued (ids answer at once).
type noQueue struct{}

func (noQueue) SendJob(context.Context, string, string) error       { return nil }
func (noQueue) SendRedaction(context.Context, string, string) error { return nil }

// benchAPI is the API as a function builds it, over s.
func benchAPI(b *testing.B, s *store.Store) *api.API {
	cfg, err := config.Load(func(name string) string {
		if name == config.EnvTableName {
			return "clients-test"
		}
		return ""
	})
	if err != nil {
		b.Fatal(err)
	}
	a := service.New(cfg, s, slog.New(slog.DiscardHandler))
	a.Queue, a.Tasks = noQueue{}, noQueue{}
	return a
}

func bulkService(b *testing.B, s *store.Store) *jobs.Worker {
	a := benchAPI(b, s)
	ctx := context.Background()
	s3e, err := emulators.StartS3(ctx, "bench-files", nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(s3e.Close)
	w := jobs.NewWorker(s, a, nil, &jobs.Files{S3: s3e.Client(), Bucket: "bench-files"}, nil,
		func(string, *domain.Job) string { return "" }, time.UTC, time.Now, slog.New(slog.DiscardHandler))
	bulk := w.Runners[domain.JobBulk].(*jobs.Bulk)
	bulk.HotUnitsPerSecond = 0 // measure the work itself; the pace is computed from its writes
	return w
}

// BenchmarkBulkByIDs: one POST /v1/clients/bulk archiving 100 clients named by id.
func BenchmarkBulkByIDs(b *testing.B) {
	s, m := newStore(b)
	ctx := context.Background()
	clients, err := store.Seed(ctx, s, "agency-1", 150)
	if err != nil {
		b.Fatal(err)
	}
	handler := benchAPI(b, s).Handler(routes.BulkClients)
	var ids []string
	for _, c := range clients {
		if !c.Archived && len(ids) < 100 {
			ids = append(ids, c.ID)
		}
	}
	body, _ := json.Marshal(map[string]any{"action": "add_tags", "ids": ids, "confirm": len(ids), "tags": []string{"bulk"}})
	ev := events.APIGatewayV2HTTPRequest{Version: "2.0", RouteKey: "POST /v1/clients/bulk", RawPath: "/v1/clients/bulk", Body: string(body),
		Headers: map[string]string{"content-type": "application/json"},
		RequestContext: events.APIGatewayV2HTTPRequestContext{RequestID: "bench", HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: "POST", Path: "/v1/clients/bulk"},
			Authorizer: &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{
				Claims: map[string]string{"sub": "bench", "custom:tenant_id": "agency-1", "cognito:groups": "[editor]"}}}}}
	var got store.Counts
	tags := []string{"bulk", "again"}
	for i := 0; b.Loop(); i++ {
		// Each round adds another tag, so that every client changes every time.
		var in map[string]any
		_ = json.Unmarshal(body, &in)
		in["tags"] = []string{tags[i%2] + strconv.Itoa(i)}
		raw, _ := json.Marshal(in)
		ev.Body = string(raw)
		m.Reset()
		resp, err := handler(ctx, ev)
		if err != nil || resp.StatusCode != 200 || !strings.Contains(resp.Body, `"done":100`) {
			b.Fatalf("%v %d %s", err, resp.StatusCode, resp.Body)
		}
		got = m.Snapshot()
	}
	b.ReportMetric(float64(got.Requests), "requests")
	b.ReportMetric(float64(got.ItemsRead), "items-read")
	b.ReportMetric(float64(got.ItemsWritten), "items-written")
	b.ReportMetric(float64(got.ByOperation["TransactWriteItems"]), "transactions")
	_, hot := got.Hottest()
	b.ReportMetric(float64(hot), "hottest-key-writes")
}

// BenchmarkBulkJob: a filtered bulk job archiving every client of the default tab, through
// the worker's entry point (the SQS handler), as in Lambda.
func BenchmarkBulkJob(b *testing.B) {
	n := 1000
	if v, err := strconv.Atoi(os.Getenv("BULK_BENCH_CLIENTS")); err == nil && v > 0 {
		n = v
	}
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		s, m := newStore(b)
		clients, err := store.Seed(ctx, s, "agency-1", n)
		if err != nil {
			b.Fatal(err)
		}
		w := bulkService(b, s)
		selected := 0
		for _, c := range clients {
			if !c.Archived {
				selected++
			}
		}
		job := &domain.Job{ID: uuid.Must(uuid.NewV7()).String(), Kind: domain.JobBulk, Status: domain.JobQueued, Locale: "fr",
			CreatedAt: domain.At(time.Now()), Filter: &domain.ClientFilter{}, Bulk: &domain.BulkAction{Action: domain.BulkArchive, Confirm: selected},
			Progress: domain.JobProgress{Total: int64(selected)}, RequestedBy: "bench"}
		if err := s.CreateJob(ctx, "agency-1", job, 3, nil); err != nil {
			b.Fatal(err)
		}
		m.Reset()
		b.StartTimer()
		start := time.Now()
		resp, err := w.Handle(ctx, events.SQSEvent{Records: []events.SQSMessage{{MessageId: "m", Body: `{"tenant":"agency-1","job_id":"` + job.ID + `"}`}}})
		elapsed := time.Since(start)
		b.StopTimer()
		if err != nil || len(resp.BatchItemFailures) != 0 {
			b.Fatalf("%v %v", err, resp)
		}
		done, err := s.GetJob(ctx, "agency-1", job.ID)
		if err != nil || done.Status != domain.JobDone || done.Progress.Done != int64(selected) || done.Progress.Failed != 0 {
			b.Fatalf("job %+v %v", done, err)
		}
		got := m.Snapshot()
		hottest := got.HottestUnits(1)[0]
		per := func(v int) float64 { return float64(v) / float64(selected) }
		b.ReportMetric(float64(selected), "clients")
		b.ReportMetric(per(got.Requests), "requests/client")
		b.ReportMetric(per(got.ItemsRead), "items-read/client")
		b.ReportMetric(per(got.ItemsWritten), "items-written/client")
		b.ReportMetric(hottest.Units/float64(selected), "hottest-key-WCU/client")
		b.ReportMetric(elapsed.Seconds(), "s-wall")
		b.ReportMetric(float64(selected)/elapsed.Seconds(), "clients/s")
		// The pace the job keeps on AWS: its busiest partition key at HotWriteUnitsPerSecond.
		paced := config.HotWriteUnitsPerSecond / (hottest.Units / float64(selected))
		b.ReportMetric(paced, "paced-clients/s")
		b.ReportMetric(100000/paced/60, "min-for-100k-paced")
		b.Logf("%d clients: %s; hottest key %s (%.2f write units a client)", selected, fmt.Sprint(got.ByOperation), maskTenant(hottest.Key), hottest.Units/float64(selected))
		b.StartTimer()
	}
}

func maskTenant(key string) string { return strings.Replace(key, "agency-1", "<tenant>", 1) }
