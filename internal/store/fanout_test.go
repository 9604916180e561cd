package store_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/clientdesk/clientdesk/internal/domain"
	"github.com/clientdesk/clientdesk/internal/store"
)

// A sharded partition (a search word's entries, a tag's members: store.FanShards partition
// keys each) reads as one: page after page, whatever the page size and the order, every
// client exactly once and in the order of one partition, including when every entry lies in
// one shard, or when the clients are spread unevenly.
func TestShardedPartitionsReadAsOne(t *testing.T) {
	for _, tc := range []struct {
		name    string
		clients int
		shard   int // -1: the shards the ids fall in; else only ids of this shard
	}{
		{"spread", 31, -1},
		{"all in the first shard", 9, 0},
		{"all in the last shard", 9, store.FanShards - 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, m := newStore(t)
			ctx := context.Background()
			var ids []string
			for len(ids) < tc.clients {
				id, _ := uuid.NewV7()
				if tc.shard >= 0 && store.FanShard(id.String()) != tc.shard {
					continue
				}
				c := domain.NewClient(id.String(), domain.Fields{FirstName: "Anne", LastName: "Martin", Tags: []string{"VIP"}}, now)
				if err := s.CreateClient(ctx, "t1", c, nil, 0, nil, ev(c)); err != nil {
					t.Fatal(err)
				}
				ids = append(ids, c.ID)
			}
			slices.Sort(ids)
			newest := slices.Clone(ids)
			slices.Reverse(newest)
			for _, q := range []struct {
				filter domain.ClientFilter
				want   []string
			}{
				{domain.ClientFilter{Tag: "vip"}, newest},
				{domain.ClientFilter{Tag: "vip", Sort: domain.SortOldest}, ids},
				{domain.ClientFilter{Query: "martin"}, ids}, // by word, then id
				{domain.ClientFilter{Query: "anne mar"}, ids},
			} {
				for _, limit := range []int{1, 2, 5, 25} {
					var got []string
					lq := store.ListQuery{Filter: q.filter, Limit: limit}
					for pages := 0; ; pages++ {
						if pages > tc.clients+1 {
							t.Fatalf("%+v by %d: no end", q.filter, limit)
						}
						m.Reset()
						page, err := s.ListClients(ctx, "t1", lq)
						if err != nil {
							t.Fatalf("%+v by %d: %v", q.filter, limit, err)
						}
						if len(page.Items) > limit {
							t.Fatalf("%+v by %d: a page of %d", q.filter, limit, len(page.Items))
						}
						if c := m.Snapshot(); c.ItemsWritten != 0 {
							t.Fatalf("a read wrote %d items", c.ItemsWritten)
						}
						for _, c := range page.Items {
							got = append(got, c.ID)
						}
						if page.NextCursor == "" {
							break
						}
						lq.Cursor = page.NextCursor
					}
					if !slices.Equal(got, q.want) {
						t.Errorf("%+v by %d:\n got %v\nwant %v", q.filter, limit, got, q.want)
					}
				}
			}
		})
	}
}

// HotWriteUnits, what a job paces itself on, is what the meter bills one client's create on
// the keys every client may share: the tab's partition of each list index, and a word's or a
// tag's partition key, which the clients that share it share in FanShards parts. From a
// small client to one whose notes are too large for its words' entries to carry it.
func TestHotWriteUnitsAreWhatTheMeterBills(t *testing.T) {
	for _, tc := range []struct {
		name  string
		notes int
		tags  []string
		want  float64
	}{
		{"small, with a tag", 0, []string{"VIP"}, 1},
		{"small, no tag", 0, nil, 1},
		{"3 KB of notes", 3000, []string{"VIP"}, 4},
		{"too large to be carried", 9000, []string{"VIP"}, 10},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, m := newStore(t)
			c := newClient(t, domain.Fields{FirstName: "Hélène", LastName: "Dufour", Email: "helene@example.fr",
				Phones: []string{"+33612345678"}, Tags: tc.tags, Notes: strings.Repeat("n", tc.notes)})
			if err := s.CreateClient(context.Background(), "t1", c, nil, 0, nil, ev(c)); err != nil {
				t.Fatal(err)
			}
			billed := 0.0
			for key, units := range m.Snapshot().WriteUnitsByKey {
				switch {
				case strings.HasPrefix(key, "GSI1:") || strings.HasPrefix(key, "GSI2:") || strings.HasPrefix(key, "GSI3:"):
					billed = max(billed, units)
				case strings.Contains(key, "#W#") || strings.Contains(key, "#TAG#"):
					billed = max(billed, units/store.FanShards)
				}
			}
			got := store.HotWriteUnits("t1", c, domain.Definitions{})
			if got != billed || got != tc.want {
				t.Errorf("HotWriteUnits %v, the meter billed %v, want %v", got, billed, tc.want)
			}
		})
	}
}
