package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/clientdesk/clientdesk/internal/routes"
	"github.com/clientdesk/clientdesk/internal/store"
)

// burst sends the requests at once, each with a function's deadline, and returns their
// responses.
func burst(t *testing.T, h *harness, reqs []events.APIGatewayV2HTTPRequest) []events.APIGatewayV2HTTPResponse {
	t.Helper()
	out := make([]events.APIGatewayV2HTTPResponse, len(reqs))
	var wg sync.WaitGroup
	for i, ev := range reqs {
		wg.Go(func() {
			route, _, ok := routes.Match(ev.RequestContext.HTTP.Method, ev.RawPath)
			if !ok {
				t.Errorf("no route for %s", ev.RawPath)
				return
			}
			// The function's deadline, scaled for an emulator that applies writes one at a
			// time (under the race detector, a burst of 200 takes seconds).
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			resp, err := h.api.Handler(route.Operation)(ctx, ev)
			if err != nil {
				t.Error(err)
			}
			out[i] = resp
		})
	}
	wg.Wait()
	return out
}

func statuses(resps []events.APIGatewayV2HTTPResponse) map[int]int {
	s := map[int]int{}
	for _, r := range resps {
		s[r.StatusCode]++
	}
	return s
}

// Every write of a client moves one of the tenant's counter shards in its transaction, and
// the local DynamoDB cancels transactions that meet in flight, as DynamoDB does: a burst of
// writes in one tenant meets conflicts. Every request still succeeds, and the counts are
// exact afterwards.
func TestBurstsInOneTenant(t *testing.T) {
	h := newHarness(t)
	h.api.Queue, h.api.MaxRunningJobs = noJobs{}, 3 // a bulk change by ids runs inline
	const n, bulk = 200, 50
	createReq := func(name string) events.APIGatewayV2HTTPRequest {
		return withBody(as(event(t, "create-client"), "agency-1", "[admin]"), fmt.Sprintf(`{"company_name":"%s","email":"%s@example.fr"}`, name, name))
	}
	var reqs []events.APIGatewayV2HTTPRequest
	for i := range n + bulk {
		reqs = append(reqs, createReq(fmt.Sprintf("rafale-%d", i)))
	}
	start := time.Now()
	resps := burst(t, h, reqs)
	t.Logf("creates: %v", time.Since(start))
	if s := statuses(resps); s[http.StatusCreated] != n+bulk {
		t.Fatalf("%d creates at once: %v", n+bulk, s)
	}
	all := make([]string, n+bulk)
	for i, r := range resps {
		all[i] = decode[client](t, r).ID
	}
	ids, bulkIDs := all[:n], all[n:]

	reqs = reqs[:0]
	for _, id := range ids {
		reqs = append(reqs, withHeader(withBody(withID(as(event(t, "update-client"), "agency-1", "[admin]"), id), `{"notes":"rappeler"}`), "if-match", `"1"`))
	}
	start = time.Now()
	s := statuses(burst(t, h, reqs))
	t.Logf("updates: %v", time.Since(start))
	if s[http.StatusOK] != n {
		t.Fatalf("%d updates at once: %v", n, s)
	}

	// Creates, archives (which move counters), updates and a bulk archive of other clients
	// (the action a bulk job applies to each of its clients) at once.
	reqs = reqs[:0]
	quoted, _ := json.Marshal(bulkIDs)
	bulkEv := withBody(as(event(t, "create-client"), "agency-1", "[admin]"), fmt.Sprintf(`{"action":"archive","ids":%s,"confirm":%d}`, quoted, bulk))
	bulkEv.RawPath, bulkEv.RequestContext.HTTP.Path = "/v1/clients/bulk", "/v1/clients/bulk"
	reqs = append(reqs, bulkEv)
	for i, id := range ids {
		switch i % 3 {
		case 0:
			reqs = append(reqs, createReq(fmt.Sprintf("mix-%d", i)))
		case 1:
			ev := withHeader(withID(as(event(t, "update-client"), "agency-1", "[admin]"), id), "if-match", `"2"`)
			ev.RawPath += "/archive"
			ev.RequestContext.HTTP.Path, ev.RequestContext.HTTP.Method, ev.Body = ev.RawPath, "POST", ""
			reqs = append(reqs, ev)
		default:
			reqs = append(reqs, withHeader(withBody(withID(as(event(t, "update-client"), "agency-1", "[admin]"), id), `{"notes":"encore"}`), "if-match", `"2"`))
		}
	}
	start = time.Now()
	resps = burst(t, h, reqs)
	s = statuses(resps)
	t.Logf("mix: %v", time.Since(start))
	if answer := decode[struct{ Done, Refused int }](t, resps[0]); answer.Done != bulk {
		t.Fatalf("the bulk archive: %s", resps[0].Body)
	}
	if s[http.StatusCreated]+s[http.StatusOK] != n+1 {
		t.Fatalf("a mix at once: %v", s)
	}
	ev := as(event(t, "list-clients"), "agency-1", "[viewer]")
	ev.RawPath, ev.RequestContext.HTTP.Path, ev.QueryStringParameters = "/v1/clients/stats", "/v1/clients/stats", nil
	stats := decode[store.Stats](t, h.call(ev))
	creates, archives := 0, bulk
	for i := range n {
		switch i % 3 {
		case 0:
			creates++
		case 1:
			archives++
		}
	}
	if stats.Total != n+bulk+creates-archives || stats.Archived != archives {
		t.Fatalf("stats %+v, want %d active and %d archived", stats, n+bulk+creates-archives, archives)
	}
}

// BenchmarkConcurrentWriters: w writers at once in one tenant, each creating a client then
// changing it (If-Match), with the local DynamoDB cancelling transactions that meet in
// flight: the share of requests that succeed, the conflicts DynamoDB answered and the
// requests the store sent per write, and the latency of the local stack (p50, p99).
func BenchmarkConcurrentWriters(b *testing.B) {
	for _, w := range []int{50, 100, 200} {
		b.Run(fmt.Sprintf("writers=%d", w), func(b *testing.B) {
			var ok, total, conflicts, requests, hottest int
			var latencies []time.Duration
			for b.Loop() {
				h := newHarness(b)
				var mu sync.Mutex
				var wg sync.WaitGroup
				h.meter.Reset()
				for i := range w {
					wg.Go(func() {
						call := func(ev events.APIGatewayV2HTTPRequest) events.APIGatewayV2HTTPResponse {
							route, _, _ := routes.Match(ev.RequestContext.HTTP.Method, ev.RawPath)
							ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
							defer cancel()
							start := time.Now()
							resp, _ := h.api.Handler(route.Operation)(ctx, ev)
							mu.Lock()
							latencies = append(latencies, time.Since(start))
							total++
							if resp.StatusCode < 300 {
								ok++
							}
							mu.Unlock()
							return resp
						}
						resp := call(withBody(as(event(b, "create-client"), "agency-1", "[admin]"), fmt.Sprintf(`{"company_name":"W %d","email":"w%d@example.fr"}`, i, i)))
						if resp.StatusCode != http.StatusCreated {
							return
						}
						id := decode[client](b, resp).ID
						call(withHeader(withBody(withID(as(event(b, "update-client"), "agency-1", "[admin]"), id), `{"notes":"rappeler"}`), "if-match", `"1"`))
					})
				}
				wg.Wait()
				c := h.meter.Snapshot()
				conflicts += c.Conflicts
				_, items := c.Hottest()
				hottest += items
				requests += c.ByOperation["TransactWriteItems"] + c.ByOperation["PutItem"] + c.ByOperation["UpdateItem"]
			}
			slices.Sort(latencies)
			b.ReportMetric(100*float64(ok)/float64(total), "%-succeeded")
			b.ReportMetric(float64(conflicts)/float64(total), "conflicts/write")
			b.ReportMetric(float64(requests)/float64(total), "write-requests/write")
			b.ReportMetric(float64(latencies[len(latencies)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(latencies[len(latencies)*99/100].Microseconds())/1000, "p99-ms")
			// On paper, on AWS: the hottest partition takes this many items per write, each at
			// least 2 write units in a transaction, against DynamoDB's 1,000 units a second
			// per partition (before it splits the partition for heat).
			perWrite := float64(hottest) / float64(total)
			b.ReportMetric(perWrite, "hottest-partition-items/write")
			b.ReportMetric(1000/(2*perWrite), "aws-writes/s-ceiling")
		})
	}
}

// noJobs is a job queue that no request here uses (a bulk change by ids runs inline).
type noJobs struct{}

func (noJobs) SendJob(context.Context, string, string) error { return nil }
