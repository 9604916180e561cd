package store_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/clientdesk/clientdesk/internal/domain"
	"github.com/clientdesk/clientdesk/internal/imports"
	"github.com/clientdesk/clientdesk/internal/sheet"
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

// The largest import record the validation allows is one DynamoDB stores (400 KB an item,
// which the strict emulator enforces): a workbook of 500 columns whose headers are kept at
// imports.HeaderChars four-byte characters, the 100 sheet names an import lists at their
// longest, the mapping's sheet and the file name at theirs.
func TestLargestImportRecord(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	long := func(bytes int) string { return strings.Repeat("𝄞", bytes/4) }
	im := &domain.Import{ID: "01a20361-0000-7000-8000-000000000002", FileName: long(1020) + ".xlsx", Format: "xlsx", Size: domain.MaxImportBytes,
		Status: domain.ImportChecked, Version: 9, CreatedAt: domain.At(time.Now()), UpdatedAt: domain.At(time.Now()),
		Mode: domain.ImportUpsert, Match: domain.ImportMatchEmail, Country: "FR", Sheet: long(domain.MaxSheetNameBytes), ColumnsSet: true,
		Read:   &domain.ImportRead{Format: "xlsx", Sheet: long(domain.MaxSheetNameBytes)},
		Report: &domain.ImportReport{Rows: 1 << 20}, Problem: "cell_too_long", ProblemRow: 1 << 20}
	for i := range domain.MaxImportSheets {
		im.Read.Sheets = append(im.Read.Sheets, strconv.Itoa(i)+long(domain.MaxSheetNameBytes-4))
	}
	for i := range sheet.MaxColumns {
		im.Columns = append(im.Columns, domain.ImportColumn{Index: i, Header: long(4 * imports.HeaderChars), Target: domain.CustomColumnPrefix + long(64)})
	}
	if err := s.CreateImport(ctx, "t1", im, nil); err != nil {
		t.Fatal(err)
	}
	got, err := s.GetImport(ctx, "t1", im.ID)
	if err != nil || len(got.Columns) != sheet.MaxColumns || len(got.Read.Sheets) != domain.MaxImportSheets || got.Sheet != im.Sheet {
		t.Fatalf("%v: %d columns, %d sheets", err, len(got.Columns), len(got.Read.Sheets))
	}
}
