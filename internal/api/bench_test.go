package api_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/clientdesk/clientdesk/internal/api"
	"github.com/clientdesk/clientdesk/internal/auth"
	"github.com/clientdesk/clientdesk/internal/routes"
	"github.com/clientdesk/clientdesk/internal/store"
)

// BenchmarkRequestsPerOperation reports the DynamoDB requests and items each operation
// costs, counted by the SDK middleware (independent of the machine).
func BenchmarkRequestsPerOperation(b *testing.B) {
	h := newHarness(b)
	c := h.create("agency-1", event(b, "create-client").Body)
	version := 1
	ops := []struct {
		name string
		ev   func(i int) events.APIGatewayV2HTTPRequest
	}{
		{"create", func(i int) events.APIGatewayV2HTTPRequest {
			return withBody(event(b, "create-client"), fmt.Sprintf(`{"company_name":"C%d","email":"c%d@example.fr","code":"C-%d"}`, i, i, i))
		}},
		{"get", func(int) events.APIGatewayV2HTTPRequest { return withID(event(b, "get-client"), c.ID) }},
		{"list-page-25", func(int) events.APIGatewayV2HTTPRequest {
			return withQuery(event(b, "list-clients"), map[string]string{"limit": "25"})
		}},
		{"patch", func(i int) events.APIGatewayV2HTTPRequest {
			ev := withHeader(withBody(withID(event(b, "update-client"), c.ID), fmt.Sprintf(`{"notes":"n%d"}`, i)), "if-match", fmt.Sprintf(`"%d"`, version))
			version++
			return ev
		}},
		{"patch-email", func(i int) events.APIGatewayV2HTTPRequest {
			ev := withHeader(withBody(withID(event(b, "update-client"), c.ID), fmt.Sprintf(`{"email":"e%d@example.fr"}`, i)), "if-match", fmt.Sprintf(`"%d"`, version))
			version++
			return ev
		}},
		{"patch-10-fields", func(i int) events.APIGatewayV2HTTPRequest {
			body := fmt.Sprintf(`{"first_name":"F%[1]d","last_name":"L%[1]d","company_name":"C%[1]d","code":"K-%[1]d","notes":"n%[1]d",
				"address":{"line1":"%[1]d rue","city":"Lyon%[1]d","postal_code":"690%[1]d","country":"FR"},"locale":"fr"}`, i)
			ev := withHeader(withBody(withID(event(b, "update-client"), c.ID), body), "if-match", fmt.Sprintf(`"%d"`, version))
			version++
			return ev
		}},
		{"events-page-25", func(int) events.APIGatewayV2HTTPRequest {
			ev := withQuery(withID(event(b, "get-client"), c.ID), map[string]string{"limit": "25"})
			ev.RawPath += "/events"
			ev.RequestContext.HTTP.Path = ev.RawPath
			return ev
		}},
		{"feed-page-25", func(int) events.APIGatewayV2HTTPRequest {
			ev := withQuery(event(b, "list-clients"), map[string]string{"limit": "25"})
			ev.RawPath, ev.RequestContext.HTTP.Path = "/v1/events", "/v1/events"
			return ev
		}},
	}
	for _, op := range ops {
		b.Run(op.name, func(b *testing.B) {
			h.t = b
			h.meter.Reset()
			i := 0
			for b.Loop() {
				ev := op.ev(i)
				i++
				route, _, _ := routes.Match(ev.RequestContext.HTTP.Method, ev.RawPath)
				resp, _ := h.api.Handler(route.Operation)(context.Background(), ev)
				if resp.StatusCode >= 300 {
					b.Fatalf("%s: %d %s", op.name, resp.StatusCode, resp.Body)
				}
			}
			got := h.meter.Snapshot()
			b.ReportMetric(float64(got.Requests)/float64(i), "ddb-requests/op")
			b.ReportMetric(float64(got.ItemsRead)/float64(i), "items-read/op")
			b.ReportMetric(float64(got.ItemsWritten)/float64(i), "items-written/op")
		})
	}
	b.Run("delete", func(b *testing.B) {
		h.t = b
		ids := make([]string, 0, 64)
		h.meter.Reset()
		n := 0
		for b.Loop() {
			b.StopTimer()
			if len(ids) == 0 {
				for j := 0; j < 64; j++ {
					ids = append(ids, h.create("agency-1", fmt.Sprintf(`{"company_name":"D","email":"d%d-%d@example.fr"}`, n, j)).ID)
				}
				h.meter.Reset()
			}
			id := ids[len(ids)-1]
			ids = ids[:len(ids)-1]
			before := h.meter.Snapshot()
			b.StartTimer()
			resp, _ := h.api.Handler(routes.DeleteClient)(context.Background(), withHeader(withID(event(b, "delete-client"), id), "if-match", `"1"`))
			if resp.StatusCode != 204 {
				b.Fatalf("delete: %d %s", resp.StatusCode, resp.Body)
			}
			after := h.meter.Snapshot()
			n++
			b.ReportMetric(float64(after.Requests-before.Requests), "ddb-requests/op")
		}
	})
}

// BenchmarkGetOverhead compares GET /v1/clients/{id} handled in-process (event in, response
// out) with a bare SDK GetItem of the same item, against the same minidyn, in the same run.
// handler/bare is the ratio of their times per operation.
func BenchmarkGetOverhead(b *testing.B) {
	h := newHarness(b)
	c := h.create("agency-1", event(b, "create-client").Body)
	ev := withID(event(b, "get-client"), c.ID)
	handler := h.api.Handler(routes.GetClient)
	db := h.db.Client()
	key := map[string]types.AttributeValue{
		"PK": &types.AttributeValueMemberS{Value: "T#agency-1#C#" + c.ID},
		"SK": &types.AttributeValueMemberS{Value: "C"},
	}
	ctx := context.Background()
	bare := func() {
		out, err := db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(h.db.Table), Key: key, ConsistentRead: aws.Bool(true)})
		if err != nil || out.Item == nil {
			b.Fatal(err)
		}
	}
	full := func() {
		if resp, _ := handler(ctx, ev); resp.StatusCode != 200 {
			b.Fatal(resp.StatusCode)
		}
	}
	for range 200 { // warm both paths
		bare()
		full()
	}
	var tBare, tFull time.Duration
	n := 0
	for b.Loop() {
		// Interleave so both see the same machine conditions.
		s := time.Now()
		bare()
		tBare += time.Since(s)
		s = time.Now()
		full()
		tFull += time.Since(s)
		n++
	}
	b.ReportMetric(float64(tBare.Nanoseconds())/float64(n), "bare-ns/op")
	b.ReportMetric(float64(tFull.Nanoseconds())/float64(n), "handler-ns/op")
	b.ReportMetric(float64(tFull)/float64(tBare), "handler/bare")
}

// BenchmarkGetOverheadInstant is BenchmarkGetOverhead against an endpoint that answers at
// once: what DynamoDB answered to each kind of request (recorded from the emulator first)
// is served again without work, so that the emulator's own time does not hide ours. Both
// paths pay the same HTTP round trip on loopback; handler/bare is then our overhead on top
// of the SDK's, and allocs/op the handler's allocations per request (the bare call's aside).
func BenchmarkGetOverheadInstant(b *testing.B) {
	h := newHarness(b)
	c := h.create("agency-1", event(b, "create-client").Body)
	ev := withID(event(b, "get-client"), c.ID)
	// Record: a proxy to the emulator keeps the last answer to each operation.
	var mu sync.Mutex
	replies := map[string][]byte{}
	upstream, _ := url.Parse(h.db.URL)
	proxy := httputil.NewSingleHostReverseProxy(upstream)
	proxy.ModifyResponse = func(r *http.Response) error {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return err
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		mu.Lock()
		replies[r.Request.Header.Get("X-Amz-Target")] = body
		mu.Unlock()
		return nil
	}
	recorder := httptest.NewServer(proxy)
	defer recorder.Close()
	// Replay: the recorded answer, at once.
	instant := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		mu.Lock()
		body, ok := replies[r.Header.Get("X-Amz-Target")]
		mu.Unlock()
		if !ok {
			http.Error(w, "not recorded", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/x-amz-json-1.0")
		_, _ = w.Write(body)
	}))
	defer instant.Close()
	at := func(endpoint string) *dynamodb.Client {
		return h.db.Client(func(o *dynamodb.Options) { o.BaseEndpoint = aws.String(endpoint) })
	}
	build := func(db *dynamodb.Client) (api.Handler, func()) {
		st := store.New(db, h.db.Table, func() time.Time { return clock })
		a := api.New(api.Stores{Clients: st, Fields: st, Access: st, Jobs: st, Imports: st, Idempotency: st, Timeline: st, Settings: st, Sites: st, Staff: st},
			auth.DefaultClaimNames, slog.New(slog.DiscardHandler))
		key := map[string]types.AttributeValue{
			"PK": &types.AttributeValueMemberS{Value: "T#agency-1#C#" + c.ID},
			"SK": &types.AttributeValueMemberS{Value: "C"},
		}
		ctx := context.Background()
		return a.Serve(api.GetClient), func() {
			out, err := db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(h.db.Table), Key: key, ConsistentRead: aws.Bool(true)})
			if err != nil || out.Item == nil {
				b.Fatal(err)
			}
		}
	}
	ctx := context.Background()
	recHandler, recBare := build(at(recorder.URL))
	recBare()
	if resp, _ := recHandler(ctx, ev); resp.StatusCode != 200 {
		b.Fatalf("recording: %d %s", resp.StatusCode, resp.Body)
	}
	handler, bare := build(at(instant.URL))
	full := func() {
		if resp, _ := handler(ctx, ev); resp.StatusCode != 200 {
			b.Fatalf("%d %s", resp.StatusCode, resp.Body)
		}
	}
	for range 500 { // warm both paths and the connections
		bare()
		full()
	}
	var tBare, tFull time.Duration
	var mBare, mFull uint64
	var ms runtime.MemStats
	n := 0
	for b.Loop() {
		runtime.ReadMemStats(&ms)
		a0 := ms.Mallocs
		s := time.Now()
		bare()
		tBare += time.Since(s)
		runtime.ReadMemStats(&ms)
		a1 := ms.Mallocs
		s = time.Now()
		full()
		tFull += time.Since(s)
		runtime.ReadMemStats(&ms)
		mBare, mFull = mBare+a1-a0, mFull+ms.Mallocs-a1
		n++
	}
	b.ReportMetric(float64(tBare.Nanoseconds())/float64(n), "bare-ns/op")
	b.ReportMetric(float64(tFull.Nanoseconds())/float64(n), "handler-ns/op")
	b.ReportMetric(float64(tFull)/float64(tBare), "handler/bare")
	b.ReportMetric(float64(mBare)/float64(n), "bare-allocs/op")
	b.ReportMetric(float64(mFull)/float64(n), "handler-allocs/op")
}
