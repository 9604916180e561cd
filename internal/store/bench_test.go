package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/clientdesk/clientdesk/internal/domain"
)

var (
	benchOnce    sync.Once
	benchStore   *Store
	benchMeter   *Meter
	benchClients []*domain.Client
	benchErr     error
)

const benchTenant = "agency-bench"

// seeded is a store holding 10,000 realistic clients in one tenant, made once per run, on
// dynalite (see startDynalite).
func seeded(b *testing.B) (*Store, *Meter, []*domain.Client) {
	benchOnce.Do(func() {
		benchStore, benchMeter = startDynalite(b)
		start := time.Now()
		benchClients, benchErr = seed(context.Background(), benchStore, benchTenant, 10000)
		b.Logf("seeded %d clients in %v", len(benchClients), time.Since(start))
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchStore, benchMeter, benchClients
}

// BenchmarkFinding10k reports, per kind of list request on a tenant of 10,000 clients, the
// DynamoDB requests and items read for one page (counted by the SDK middleware), and the
// clients returned.
func BenchmarkFinding10k(b *testing.B) {
	s, m, _ := seeded(b)
	ctx := context.Background()
	month := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		name string
		f    domain.ClientFilter
	}{
		{"newest", domain.ClientFilter{}},
		{"oldest", domain.ClientFilter{Sort: domain.SortOldest}},
		{"sort=name", domain.ClientFilter{Sort: domain.SortName}},
		{"sort=-name", domain.ClientFilter{Sort: domain.SortNameDesc}},
		{"sort=-updated_at", domain.ClientFilter{Sort: domain.SortRecentlyTouch}},
		{"archived", domain.ClientFilter{Archived: true}},
		{"status=invited", domain.ClientFilter{Statuses: []domain.Status{domain.StatusInvited}}},
		{"status=suspended", domain.ClientFilter{Statuses: []domain.Status{domain.StatusSuspended}}},
		{"status=invited,active", domain.ClientFilter{Statuses: []domain.Status{domain.StatusInvited, domain.StatusActive}}},
		{"tag=vip", domain.ClientFilter{Tag: "vip"}},
		{"tag=export", domain.ClientFilter{Tag: "Export"}},
		{"created-in-a-month", domain.ClientFilter{CreatedAfter: month, CreatedBefore: month.AddDate(0, 1, 0)}},
		{"status+sort=name", domain.ClientFilter{Statuses: []domain.Status{domain.StatusActive}, Sort: domain.SortName}},
		{"q=martin", domain.ClientFilter{Query: "martin"}},
		{"q=smith", domain.ClientFilter{Query: "smith"}},
		{"q=hel", domain.ClientFilter{Query: "hel"}},
		{"q=atelier", domain.ClientFilter{Query: "atelier"}},
		{"q=0612 (phone)", domain.ClientFilter{Query: "06 12"}},
		{"q=c-0004 (code)", domain.ClientFilter{Query: "c-0004"}},
		{"q=zzz (nothing)", domain.ClientFilter{Query: "zzz"}},
		{"q=jean martin", domain.ClientFilter{Query: "jean martin"}},
		{"q=olivia smith", domain.ClientFilter{Query: "olivia smith"}},
		{"q=marie dufour atelier", domain.ClientFilter{Query: "marie dufour atelier"}},
		{"q=helene + status=active", domain.ClientFilter{Query: "helene", Statuses: []domain.Status{domain.StatusActive}}},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			q := ListQuery{Filter: tc.f, Limit: 25}
			var requests, read, n int
			for b.Loop() {
				m.Reset()
				page, err := s.ListClients(ctx, benchTenant, q)
				if err != nil {
					b.Fatal(err)
				}
				c := m.Snapshot()
				requests, read, n = c.Requests, c.ItemsRead, len(page.Items)
			}
			b.ReportMetric(float64(requests), "requests")
			b.ReportMetric(float64(read), "items-read")
			b.ReportMetric(float64(n), "results")
		})
	}
	b.Run("stats", func(b *testing.B) {
		var requests int
		for b.Loop() {
			m.Reset()
			if _, err := s.GetStats(ctx, benchTenant); err != nil {
				b.Fatal(err)
			}
			requests = m.Snapshot().Requests
		}
		b.ReportMetric(float64(requests), "requests")
	})
}

// BenchmarkWriteAmplification reports the items one client write puts, updates or deletes
// (all in one transaction), over the seeded clients: on create, and on typical updates.
func BenchmarkWriteAmplification(b *testing.B) {
	s, _, clients := seeded(b)
	r := rand.New(rand.NewPCG(7, 7))
	measure := func(change func(*domain.Client) *domain.Client) (avg float64, p95, maxN int) {
		var counts []int
		for _, c := range clients {
			var old *filed
			next := newFiled(c, nil)
			if change != nil {
				old, next = next, newFiled(change(c), nil)
			}
			writes, err := s.filingWrites(benchTenant, old, next)
			if err != nil {
				b.Fatal(err)
			}
			counts = append(counts, len(writes))
		}
		slices.Sort(counts)
		sum := 0
		for _, n := range counts {
			sum += n
		}
		return float64(sum) / float64(len(counts)), counts[len(counts)*95/100], counts[len(counts)-1]
	}
	revise := func(c *domain.Client, f func(*domain.Fields)) *domain.Client {
		fields := c.Fields
		f(&fields)
		return c.Revise(fields, c.UpdatedAt.Add(time.Hour))
	}
	for _, tc := range []struct {
		name   string
		change func(*domain.Client) *domain.Client
	}{
		{"create", nil},
		{"update-notes", func(c *domain.Client) *domain.Client {
			return revise(c, func(f *domain.Fields) { f.Notes = "Rappeler lundi" })
		}},
		{"update-phone", func(c *domain.Client) *domain.Client {
			return revise(c, func(f *domain.Fields) { f.Phones = []string{fmt.Sprintf("+336%08d", r.IntN(1e8))} })
		}},
		{"update-email", func(c *domain.Client) *domain.Client {
			return revise(c, func(f *domain.Fields) { f.Email = "new." + f.Email })
		}},
		{"status-change", func(c *domain.Client) *domain.Client {
			next := revise(c, func(*domain.Fields) {})
			next.Status = domain.StatusActive
			if c.Status == domain.StatusActive {
				next.Status = domain.StatusSuspended
			}
			return next
		}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			var avg float64
			var p95, maxN int
			for b.Loop() {
				avg, p95, maxN = measure(tc.change)
			}
			b.ReportMetric(avg, "items/op")
			b.ReportMetric(float64(p95), "p95-items")
			b.ReportMetric(float64(maxN), "max-items")
		})
	}
}
