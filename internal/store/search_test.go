package store_test

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/clientdesk/clientdesk/internal/domain"
	"github.com/clientdesk/clientdesk/internal/store"
)

// A search sorted by name: every match in name order (A→Z and Z→A), page after page, each
// client once; past the bound, the caller is told to narrow the search.
func TestSearchSortedByName(t *testing.T) {
	s, m := newStore(t)
	ctx := context.Background()
	names := []string{"Zoé Martin", "Anne Martin", "Hélène Martin", "Bruno Martin", "Émile Martin", "Claire Dupont"}
	for _, n := range names {
		id, _ := uuid.NewV7()
		first, last, _ := cutSpace(n)
		c := domain.NewClient(id.String(), domain.Fields{FirstName: first, LastName: last}, now)
		if err := s.CreateClient(ctx, "t1", c, nil, 0, nil, ev(c)); err != nil {
			t.Fatal(err)
		}
	}
	collect := func(sort domain.Sort) []string {
		var got []string
		q := store.ListQuery{Filter: domain.ClientFilter{Query: "martin", Sort: sort}, Limit: 2}
		for range 10 {
			m.Reset()
			page, err := s.ListClients(ctx, "t1", q)
			if err != nil {
				t.Fatal(err)
			}
			// One Query of each shard of the word's entries, which carry their (small)
			// clients: the whole match set fits in each shard's first answer.
			if c := m.Snapshot(); c.Requests != store.FanShards {
				t.Fatalf("a page cost %d requests", c.Requests)
			}
			for _, c := range page.Items {
				got = append(got, c.FirstName)
			}
			if page.NextCursor == "" {
				return got
			}
			q.Cursor = page.NextCursor
		}
		t.Fatal("no end")
		return nil
	}
	want := []string{"Anne", "Bruno", "Émile", "Hélène", "Zoé"}
	if got := collect(domain.SortName); !slices.Equal(got, want) {
		t.Errorf("A→Z: %v", got)
	}
	slices.Reverse(want)
	if got := collect(domain.SortNameDesc); !slices.Equal(got, want) {
		t.Errorf("Z→A: %v", got)
	}
	// A cursor of the A→Z order is not one of Z→A.
	page, _ := s.ListClients(ctx, "t1", store.ListQuery{Filter: domain.ClientFilter{Query: "martin", Sort: domain.SortName}, Limit: 2})
	if _, err := s.ListClients(ctx, "t1", store.ListQuery{Filter: domain.ClientFilter{Query: "martin", Sort: domain.SortNameDesc}, Limit: 2, Cursor: page.NextCursor}); domain.CodeOf(err) != domain.CodeInvalidCursor {
		t.Errorf("cursor reused across orders: %v", err)
	}

	defer store.SetMaxSortedMatches(4)()
	_, err := s.ListClients(ctx, "t1", store.ListQuery{Filter: domain.ClientFilter{Query: "martin", Sort: domain.SortName}, Limit: 2})
	if de, ok := err.(*domain.Error); !ok || de.Code != domain.CodeSearchTooBroad || de.Param != "q" {
		t.Fatalf("past the bound: %v", err)
	}
}

func cutSpace(s string) (string, string, bool) {
	for i, r := range s {
		if r == ' ' {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

// A search shows each client exactly as a read by id does, through every kind of change:
// small clients come from the copy their words carry (no read by key; this one holds custom
// values, so the definitions are read), large ones are read by key, and a client that grows
// past the limit, or shrinks back, moves between the two.
func TestSearchShowsTheClientAsStored(t *testing.T) {
	s, m, c := createdClient(t)
	ctx := context.Background()
	check := func(step string, byKey int) {
		t.Helper()
		m.Reset()
		page, err := s.ListClients(ctx, "t1", store.ListQuery{Filter: domain.ClientFilter{Query: "dufour"}, Limit: 25})
		if err != nil {
			t.Fatal(err)
		}
		if got := m.Snapshot().ByOperation["BatchGetItem"]; got != byKey {
			t.Errorf("%s: a search page read clients by key %d times, want %d", step, got, byKey)
		}
		stored, err := s.GetClient(ctx, "t1", c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Items) != 1 || !reflect.DeepEqual(page.Items[0], stored) {
			t.Fatalf("%s: search shows %+v\nstored %+v", step, page.Items, stored)
		}
	}
	check("created", 0)
	update := func(step string, change func(*domain.Client), byKey int) {
		t.Helper()
		got, err := s.GetClient(ctx, "t1", c.ID)
		if err != nil {
			t.Fatal(err)
		}
		next := *got
		change(&next)
		next.Version++
		if err := s.UpdateClient(ctx, "t1", got, &next, nil, ev(&next)); err != nil {
			t.Fatal(err)
		}
		check(step, byKey)
	}
	update("notes changed", func(c *domain.Client) { c.Notes = "rappeler lundi" }, 0)
	site := newSite(t, s, "t1", "one")
	assign(t, s, "t1", c.ID, site.ID)
	check("site assigned", 0)
	update("grown past the limit", func(c *domain.Client) { c.Notes = strings.Repeat("très longue note ", 600) }, 1)
	update("status changed while large", func(c *domain.Client) { c.Status = domain.StatusSuspended }, 1)
	update("shrunk back", func(c *domain.Client) { c.Notes = "" }, 0)
}

// A search of several words Queries the rarest: each word is probed with the page's Limit, a
// word whose entries all came back is the cheapest to key on, and its answer is the page's;
// when every word has more than a page, the longest is keyed on and the next pages keep it.
func TestSearchKeysOnTheRarestWord(t *testing.T) {
	s, m := newStore(t)
	ctx := context.Background()
	add := func(first, last string) {
		id, _ := uuid.NewV7()
		c := domain.NewClient(id.String(), domain.Fields{FirstName: first, LastName: last}, now)
		if err := s.CreateClient(ctx, "t1", c, nil, 0, nil, ev(c)); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 24 {
		add([]string{"Anne", "Bruno", "Claire", "Denis"}[i%4], "Martin")
	}
	for range 3 {
		add("Zélie", "Martin")
	}
	add("Zélie", "Dupont")

	const limit = 5
	for _, sort := range []domain.Sort{"", domain.SortName} {
		m.Reset()
		page, err := s.ListClients(ctx, "t1", store.ListQuery{Filter: domain.ClientFilter{Query: "martin zelie", Sort: sort}, Limit: limit})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Items) != 3 || page.NextCursor != "" {
			t.Fatalf("sort %q: %d clients, cursor %q", sort, len(page.Items), page.NextCursor)
		}
		for _, c := range page.Items {
			if c.FirstName != "Zélie" || c.LastName != "Martin" {
				t.Errorf("sort %q: found %s %s", sort, c.FirstName, c.LastName)
			}
		}
		// "martin" (the longer word, 27 entries) is probed with the page's Limit + 1 and left;
		// "zelie" (4 entries) came back whole and is the page. Each word is Queried on each
		// shard, for its share of the page plus two ((limit+1)/2 + 2): "zelie" answers whole
		// from each shard; "martin" may need one more Query of a shard for the last entry.
		share := (limit+1)/store.FanShards + 2
		if c := m.Snapshot(); c.Requests < 2*store.FanShards || c.Requests > 2*store.FanShards+1 ||
			c.ItemsRead > store.FanShards*share+1+4 {
			t.Errorf("sort %q: %d requests, %d items read", sort, c.Requests, c.ItemsRead)
		}
	}

	// Both words have more than a page: the word whose probe holds more matches is keyed on
	// ("anne": 6 entries, every one a match; "martin", the longer, 27 entries, one in four),
	// and the pages go on with it: "martin"'s entries are read only by the first page's probe.
	m.Reset()
	check := func(query string, limit int, want int, match func(*domain.Client) bool) {
		t.Helper()
		seen := map[string]bool{}
		for _, c := range everyPage(t, s, store.ListQuery{Filter: domain.ClientFilter{Query: query}, Limit: limit}) {
			if !match(c) || seen[c.ID] {
				t.Errorf("%s: found %s %s (again: %v)", query, c.FirstName, c.LastName, seen[c.ID])
			}
			seen[c.ID] = true
		}
		if len(seen) != want {
			t.Errorf("%s: %d of the %d found", query, len(seen), want)
		}
	}
	check("anne martin", 2, 6, func(c *domain.Client) bool { return c.FirstName == "Anne" })
	// Keyed on "martin", the pages would read its 27 entries.
	if c := m.Snapshot(); c.ItemsRead > 20 {
		t.Errorf("anne martin: %d items read over its pages", c.ItemsRead)
	}

	// A word that begins another is never keyed on: "mar martin" pages through "martin".
	check("mar martin", 4, 27, func(c *domain.Client) bool { return c.LastName == "Martin" })
}

// everyPage lists q's pages to the last, and returns their clients in order.
func everyPage(t *testing.T, s *store.Store, q store.ListQuery) []*domain.Client {
	t.Helper()
	var all []*domain.Client
	for pages := 0; ; pages++ {
		if pages > 20 {
			t.Fatal("no end")
		}
		page, err := s.ListClients(context.Background(), "t1", q)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, page.Items...)
		if page.NextCursor == "" {
			return all
		}
		q.Cursor = page.NextCursor
	}
}
