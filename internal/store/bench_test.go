package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

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
	s, m, clients := seeded(b)
	someone := clients[4242]
	_, domainOf, _ := strings.Cut(someone.Email, "@")
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
		{"q=<a whole address>", domain.ClientFilter{Query: someone.Email}},
		{"q=<a domain>", domain.ClientFilter{Query: domainOf}},
		{"q=<a phone, spaced>", domain.ClientFilter{Query: spaced(someone.Phones[0])}},
		{"q=martin sort=name", domain.ClientFilter{Query: "martin", Sort: domain.SortName}},
		{"q=smith sort=-name", domain.ClientFilter{Query: "smith", Sort: domain.SortNameDesc}},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			q := ListQuery{Filter: tc.f, Limit: 25}
			var requests, read, n int
			var units float64
			for b.Loop() {
				m.Reset()
				page, err := s.ListClients(ctx, benchTenant, q)
				if err != nil {
					b.Fatal(err)
				}
				c := m.Snapshot()
				requests, read, n, units = c.Requests, c.ItemsRead, len(page.Items), c.ReadUnits
			}
			b.ReportMetric(float64(requests), "requests")
			b.ReportMetric(float64(read), "items-read")
			b.ReportMetric(units, "read-units")
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

// spaced writes an E.164 number as people do: "+33 6 12 34 56 78".
func spaced(e164 string) string {
	digits := e164[3:]
	out := e164[:3]
	for i := 0; i < len(digits); i += 2 {
		out += " " + digits[i:min(i+2, len(digits))]
	}
	return out
}

// BenchmarkWriteAmplification reports the items one client write puts, updates or deletes
// (all in one transaction), over the seeded clients: on create, and on typical updates.
func BenchmarkWriteAmplification(b *testing.B) {
	s, _, clients := seeded(b)
	r := rand.New(rand.NewPCG(7, 7))
	measure := func(change func(*domain.Client) *domain.Client) (avg float64, p95, maxN, maxBytes int) {
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
			maxBytes = max(maxBytes, transactionBytes(writes))
		}
		slices.Sort(counts)
		sum := 0
		for _, n := range counts {
			sum += n
		}
		return float64(sum) / float64(len(counts)), counts[len(counts)*95/100], counts[len(counts)-1], maxBytes
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
			var p95, maxN, maxBytes int
			for b.Loop() {
				avg, p95, maxN, maxBytes = measure(tc.change)
			}
			b.ReportMetric(avg, "items/op")
			b.ReportMetric(float64(p95), "p95-items")
			b.ReportMetric(float64(maxN), "max-items")
			b.ReportMetric(float64(maxBytes), "max-bytes")
		})
	}
}

// BenchmarkWorstCaseTransaction reports the largest transaction the largest client the
// validation allows plans (created, then changed in everything it is filed under), in actions
// and bytes, next to DynamoDB's limits (100 actions, 4 MB, 400 KB an item).
func BenchmarkWorstCaseTransaction(b *testing.B) {
	s := New(nil, "t", time.Now)
	worst := func(gen string) *domain.Client {
		word := func(prefix string, n int) string {
			var parts []string
			for i := 0; len(strings.Join(parts, " ")) < n; i++ {
				parts = append(parts, fmt.Sprintf("%s%c%c%d", prefix+gen, 'a'+i%26, 'a'+i/26%26, i))
			}
			return strings.Join(parts, " ")[:n]
		}
		f := domain.Fields{FirstName: word("f", domain.MaxNameLen), LastName: word("l", domain.MaxNameLen),
			CompanyName: word("o", domain.MaxCompanyLen), Code: word("k", domain.MaxCodeLen),
			Email:  gen + strings.Repeat("e", 60) + "@" + gen + strings.Repeat("d", 60) + ".example.com",
			Phones: []string{"+33612345678", "+442071234567"}, Notes: word("n", domain.MaxNotesLen), Locale: "fr",
			Address:      &domain.Address{Line1: word("a", 200), Line2: word("b", 200), PostalCode: "75001", City: word("v", 100), Country: "FR"},
			CustomFields: map[string]any{}}
		for i := range domain.MaxTags {
			f.Tags = append(f.Tags, word(fmt.Sprintf("t%d", i), domain.MaxTagLen))
		}
		for i := range 50 {
			f.CustomFields[fmt.Sprintf("f%02d", i)] = word("c", 2000)
		}
		return domain.NewClient("019a9b6c-3f2e-7d41-9a2e-0123456789ab", f, time.Now())
	}
	defs := domain.Definitions{}
	for i := range 50 {
		defs = append(defs, domain.FieldDefinition{Key: fmt.Sprintf("f%02d", i), Type: domain.TypeText, Searchable: true})
	}
	first := worst("g")
	next := first.Revise(worst("h").Fields, time.Now())
	next.CustomFields = first.CustomFields
	for _, tc := range []struct {
		name      string
		old, next *domain.Client
	}{{"create", nil, first}, {"change-everything-filed", first, next}} {
		b.Run(tc.name, func(b *testing.B) {
			var writes []write
			for b.Loop() {
				var old *filed
				if tc.old != nil {
					old = newFiled(tc.old, defs)
				}
				var err error
				if writes, err = s.filingWrites("agency-1", old, newFiled(tc.next, defs)); err != nil {
					b.Fatal(err)
				}
			}
			item, _ := newFiled(tc.next, defs).item("agency-1")
			b.ReportMetric(float64(len(writes)), "actions")
			b.ReportMetric(float64(maxTransactActions), "limit-actions")
			b.ReportMetric(float64(transactionBytes(writes)), "bytes")
			b.ReportMetric(float64(itemSize(item)), "client-item-bytes")
		})
	}
}

// transactionBytes is about what DynamoDB counts of a transaction: its items' sizes.
func transactionBytes(writes []write) int {
	n := 0
	for _, w := range writes {
		switch {
		case w.item.Put != nil:
			n += itemSize(w.item.Put.Item)
		case w.item.Delete != nil:
			n += itemSize(w.item.Delete.Key)
		case w.item.Update != nil:
			n += itemSize(w.item.Update.Key) + itemSize(w.item.Update.ExpressionAttributeValues)
		case w.item.ConditionCheck != nil:
			n += itemSize(w.item.ConditionCheck.Key)
		}
	}
	return n
}

// BenchmarkEventCost reports what the timeline adds to each write: one item, of these sizes
// (the event, in the same transaction as the change), for a create, a patch of one field, a
// patch of ten, and a status change, on a typical client.
func BenchmarkEventCost(b *testing.B) {
	at := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	c := domain.NewClient("019a9b6c-3f2e-7d41-9a2e-0123456789ab", domain.Fields{FirstName: "Hélène", LastName: "Dufour",
		CompanyName: "Atelier Dufour", Email: "helene@atelier-dufour.fr", Phones: []string{"+33612345678"}, Locale: "fr",
		Address: &domain.Address{Line1: "12 rue des Saules", City: "Lyon", PostalCode: "69002", Country: "FR"}, Tags: []string{"VIP"}}, at)
	one := c.Revise(c.Fields, at)
	one.Email = "h.dufour@atelier-dufour.fr"
	ten := c.Revise(domain.Fields{FirstName: "Héloïse", LastName: "Durand", CompanyName: "Durand & Fils", Code: "C-42",
		Email: "heloise@durand.fr", Phones: []string{"+33698765432"}, Notes: "Rappeler lundi", Locale: "en",
		Address: &domain.Address{Line1: "3 quai Perrache", City: "Lyon", PostalCode: "69005", Country: "FR"}, Tags: []string{"Export"}}, at)
	status := c.Revise(c.Fields, at)
	status.Status, status.Access.Status = domain.StatusInvited, domain.AccessInvited
	for _, tc := range []struct {
		name      string
		old, next *domain.Client
	}{{"create", nil, c}, {"patch-1-field", c, one}, {"patch-10-fields", c, ten}, {"status-change", c, status}} {
		b.Run(tc.name, func(b *testing.B) {
			var size int
			for b.Loop() {
				e := domain.Event{ID: "019a9b6c-3f2e-7d41-9a2e-0123456789ff", ClientID: c.ID, At: domain.At(at), Action: domain.ActionUpdated,
					Actor:   domain.Actor{Kind: domain.ActorStaff, ID: "4a1f9c2e-0b7d-4c3a-9e8f-1234567890ab", Name: "claire@agence.example"},
					Changes: domain.Diff(tc.old, tc.next), RequestID: "Bd3kZhKxCGYEMbQ=", ExpiresAt: at.Unix()}
				item, err := marshalItem(eventItem{PK: clientPK("agency-1", c.ID), SK: eventSK(e.ID), GSI5PK: feedPK("agency-1"), GSI5SK: e.ID, Event: e})
				if err != nil {
					b.Fatal(err)
				}
				size = itemSize(item)
			}
			b.ReportMetric(1, "extra-items")
			b.ReportMetric(float64(size), "extra-bytes")
		})
	}
}

// BenchmarkSites10k reports, on the seeded tenant, what reading assignments costs: the clients
// of a site given to all 10,000 clients (one Query a page), the client list filtered by that
// site (a Query and a BatchGetItem a page), and the sites of a client given 50 (one Query a
// page). The assignments are written directly, in batches: dynalite has no transactions.
func BenchmarkSites10k(b *testing.B) {
	s, m, clients := seeded(b)
	ctx := context.Background()
	at := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	newID := func(i int) string { return fmt.Sprintf("019a9b6c-3f2e-7d41-9a2e-%012d", i) }
	site := &domain.Site{ID: newID(0), Name: "Big", Alias: "big", Status: domain.SitePublished, ClientsCount: len(clients), CreatedAt: domain.At(at), UpdatedAt: domain.At(at), Version: 1}
	item, err := s.siteItem(benchTenant, site)
	if err != nil {
		b.Fatal(err)
	}
	reqs := []types.WriteRequest{{PutRequest: &types.PutRequest{Item: item}}}
	put := func(pk, sk string, a *domain.Assignment) {
		item, err := marshalAssignment(pk, sk, a)
		if err != nil {
			b.Fatal(err)
		}
		reqs = append(reqs, types.WriteRequest{PutRequest: &types.PutRequest{Item: item}})
	}
	for _, c := range clients {
		put(sitePK(benchTenant, site.ID), memberSK(c.ID), &domain.Assignment{SiteID: site.ID, ClientID: c.ID, Permissions: []string{"edit_content", "publish"},
			AssignedAt: domain.At(at), UpdatedAt: domain.At(at), Version: 1})
	}
	busy := clients[777]
	for i := 1; i <= 50; i++ {
		put(clientPK(benchTenant, busy.ID), assignmentSK(newID(i)), &domain.Assignment{SiteID: newID(i), ClientID: busy.ID, Permissions: []string{"statistics"},
			AssignedAt: domain.At(at), UpdatedAt: domain.At(at), Version: 1})
	}
	if err := s.batchWrite(ctx, reqs); err != nil {
		b.Fatal(err)
	}
	run := func(name string, page func(cursor string) (int, string, error)) {
		b.Run(name, func(b *testing.B) {
			var requests, read, n, pages int
			for b.Loop() {
				m.Reset()
				got, next, err := page("")
				if err != nil {
					b.Fatal(err)
				}
				c := m.Snapshot()
				requests, read, n = c.Requests, c.ItemsRead, got
				// The whole list, page after page, to count its pages.
				for pages = 1; next != ""; pages++ {
					if _, next, err = page(next); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(requests), "requests")
			b.ReportMetric(float64(read), "items-read")
			b.ReportMetric(float64(n), "results")
			b.ReportMetric(float64(pages), "pages")
		})
	}
	run("clients-of-a-site-10000", func(cursor string) (int, string, error) {
		p, err := s.SiteClients(ctx, benchTenant, site.ID, 100, cursor)
		return len(p.Items), p.NextCursor, err
	})
	run("list-clients-site=", func(cursor string) (int, string, error) {
		p, err := s.ListClients(ctx, benchTenant, ListQuery{Filter: domain.ClientFilter{Site: site.ID}, Limit: 25, Cursor: cursor})
		return len(p.Items), p.NextCursor, err
	})
	run("list-clients-site=+status=active", func(cursor string) (int, string, error) {
		p, err := s.ListClients(ctx, benchTenant, ListQuery{Filter: domain.ClientFilter{Site: site.ID, Statuses: []domain.Status{domain.StatusActive}}, Limit: 25, Cursor: cursor})
		return len(p.Items), p.NextCursor, err
	})
	run("sites-of-a-client-50", func(cursor string) (int, string, error) {
		p, err := s.ClientSites(ctx, benchTenant, busy.ID, 25, cursor)
		return len(p.Items), p.NextCursor, err
	})
}
