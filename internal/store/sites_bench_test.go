package store_test

import (
	"context"
	"testing"

	"github.com/clientdesk/clientdesk/internal/domain"
)

// BenchmarkAssignment reports what one assignment costs, counted by the SDK middleware: the
// first site of a prospect (its words and tags move to the new status), a further site, a
// change of permissions, and an unassignment. Each is one BatchGetItem and one transaction.
func BenchmarkAssignment(b *testing.B) {
	ctx := context.Background()
	s, m := newStore(b)
	c := newClient(b, domain.Fields{FirstName: "Hélène", LastName: "Dufour", CompanyName: "Atelier Dufour", Email: "helene@atelier-dufour.fr",
		Phones: []string{"+33612345678"}, Tags: []string{"VIP"}, Locale: "fr"})
	if err := s.CreateClient(ctx, "t1", c, nil, 0, nil, ev(c)); err != nil {
		b.Fatal(err)
	}
	// report runs measured, counting its requests, then undo (not counted).
	report := func(b *testing.B, measured, undo func()) {
		var got struct{ requests, tx, written, read int }
		for b.Loop() {
			m.Reset()
			measured()
			snap := m.Snapshot()
			got.requests, got.tx, got.written, got.read = snap.Requests, snap.ByOperation["TransactWriteItems"], snap.ItemsWritten, snap.ItemsRead
			b.StopTimer()
			undo()
			b.StartTimer()
		}
		b.ReportMetric(float64(got.requests), "requests")
		b.ReportMetric(float64(got.tx), "transactions")
		b.ReportMetric(float64(got.written), "items-written")
		b.ReportMetric(float64(got.read), "items-read")
	}
	change := func(siteID string, perms []string) {
		acc, err := s.GetSiteAccess(ctx, "t1", c.ID, siteID, true)
		if err != nil {
			b.Fatal(err)
		}
		a := *acc.Assignment
		a.Permissions, a.Version = perms, a.Version+1
		if err := s.AssignSite(ctx, "t1", acc, acc.Client, &a, siteEvent(c.ID, domain.ActionSiteChanged)); err != nil {
			b.Fatal(err)
		}
	}
	unassign := func(siteID string) {
		acc, err := s.GetSiteAccess(ctx, "t1", c.ID, siteID, false)
		if err != nil {
			b.Fatal(err)
		}
		if err := s.UnassignSite(ctx, "t1", acc, domain.UnassignSite(acc.Client, siteID, now), siteEvent(c.ID, domain.ActionSiteUnassigned)); err != nil {
			b.Fatal(err)
		}
	}
	first := newSite(b, s, "t1", "first")
	b.Run("assign-first-site", func(b *testing.B) {
		report(b, func() { assign(b, s, "t1", c.ID, first.ID) }, func() { unassign(first.ID) })
	})
	assign(b, s, "t1", c.ID, first.ID)
	second := newSite(b, s, "t1", "second")
	b.Run("assign-another-site", func(b *testing.B) {
		report(b, func() { assign(b, s, "t1", c.ID, second.ID) }, func() { unassign(second.ID) })
	})
	b.Run("change-permissions", func(b *testing.B) {
		perms := [][]string{{"seo"}, {"statistics"}}
		i := 0
		report(b, func() { i++; change(first.ID, perms[i%2]) }, func() {})
	})
	b.Run("unassign-last-site", func(b *testing.B) {
		report(b, func() { unassign(first.ID) }, func() { assign(b, s, "t1", c.ID, first.ID) })
	})
}
