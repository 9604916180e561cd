package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/clientdesk/clientdesk/internal/domain"
	"github.com/clientdesk/clientdesk/internal/store"
)

// A check's errors: written again by a second run, replaced rather than doubled; paged in
// row order under the import's version only; a cursor of another import, version or tenant,
// or one placed outside the errors' keys, refused as the client's mistake.
func TestImportErrors(t *testing.T) {
	s, m := newStore(t)
	ctx := context.Background()
	im := &domain.Import{ID: "01a20361-0000-7000-8000-000000000001", Version: 3, CreatedAt: domain.At(time.Now())}
	var rows [][]domain.ImportRowError
	for row := 2; row <= 61; row++ {
		rows = append(rows, []domain.ImportRowError{{Row: row, Column: 1, Code: domain.FieldInvalidEmail}, {Row: row, Column: -1, Code: domain.FieldNameRequired}})
	}
	for range 2 { // a second run writes the same rows again
		if err := s.PutImportErrors(ctx, "t1", im, rows); err != nil {
			t.Fatal(err)
		}
	}
	older := *im
	older.Version = 2
	if err := s.PutImportErrors(ctx, "t1", &older, rows[:5]); err != nil {
		t.Fatal(err)
	}
	m.Reset()
	var got []domain.ImportRowError
	cursor, pages := "", 0
	for {
		page, err := s.ImportErrors(ctx, "t1", im, cursor, 25)
		if err != nil {
			t.Fatal(err)
		}
		got, pages = append(got, page.Items...), pages+1
		if cursor = page.NextCursor; cursor == "" {
			break
		}
		if pages == 1 {
			// The same position is no cursor for another import, version or tenant.
			other := *im
			other.Version = 4
			for name, try := range map[string]func() error{
				"version": func() error { _, err := s.ImportErrors(ctx, "t1", &other, cursor, 25); return err },
				"tenant":  func() error { _, err := s.ImportErrors(ctx, "t2", im, cursor, 25); return err },
				"forged": func() error {
					forged := store.ImportErrorsCursor("t1", im, "F#0")
					_, err := s.ImportErrors(ctx, "t1", im, forged, 25)
					return err
				},
			} {
				if err := try(); !errors.Is(err, domain.ErrInvalidCursor) {
					t.Errorf("a cursor for another %s: %v", name, err)
				}
			}
		}
	}
	if len(got) != 120 || pages != 3 {
		t.Fatalf("%d errors in %d pages", len(got), pages)
	}
	for i, e := range got {
		if want := 2 + i/2; e.Row != want {
			t.Fatalf("error %d is row %d, want %d", i, e.Row, want)
		}
	}
	if c := m.Snapshot(); c.ByOperation["Query"] > 3+3 {
		t.Errorf("%d queries for 3 pages", c.ByOperation["Query"])
	}
}
