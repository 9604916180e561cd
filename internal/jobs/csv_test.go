package jobs

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"io"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/clientdesk/clientdesk/internal/domain"
)

// testClients are the cells a spreadsheet gets wrong: accents, quotes and line breaks, the
// separators, formulas (plain and full-width), phones, postal codes with a leading zero,
// negative and decimal numbers, booleans, dates, statuses.
func testClients() (domain.Definitions, []domain.ExportColumn, []*domain.Client) {
	defs := domain.Definitions{
		{Key: "budget", Label: domain.Localized{FR: "Budget", EN: "Budget"}, Type: domain.TypeNumber},
		{Key: "vip", Label: domain.Localized{FR: "VIP", EN: "VIP"}, Type: domain.TypeBoolean},
		{Key: "renewal", Label: domain.Localized{FR: "Renouvellement", EN: "Renewal"}, Type: domain.TypeDate},
		{Key: "evil", Label: domain.Localized{FR: `=HYPERLINK("http://evil.test","x")`, EN: `=HYPERLINK("http://evil.test","x")`}, Type: domain.TypeText},
	}
	cols, bad := domain.ExportColumns(defs, []string{"id", "first_name", "notes", "phone_1", "postal_code", "status", "archived",
		"created_at", "tags", "custom_fields.budget", "custom_fields.vip", "custom_fields.renewal", "custom_fields.evil"})
	if bad != "" {
		panic(bad)
	}
	at := domain.At(time.Date(2026, 11, 22, 3, 34, 38, 0, time.UTC))
	clients := []*domain.Client{
		{ID: "1", Fields: domain.Fields{FirstName: "Hélène", Notes: "ligne 1\nligne 2, \"citée\"; fin", Phones: []string{"+33612345678"},
			Address: &domain.Address{PostalCode: "01000"}, Tags: []string{"VIP", "Île"},
			CustomFields: map[string]any{"budget": 1200.5, "vip": true, "renewal": "2027-01-31", "evil": "Dupont;=1+1"}},
			Status: domain.StatusProspect, CreatedAt: at},
		{ID: "2", Fields: domain.Fields{FirstName: " espace", Notes: "=cmd|' /C calc'!A0", CustomFields: map[string]any{"budget": -3.25, "vip": false}},
			Status: domain.StatusActive, Archived: true, CreatedAt: at},
		{ID: "3", Fields: domain.Fields{FirstName: "@SUM(1)", Notes: "-2+3", CustomFields: map[string]any{"evil": "＝1+1"}},
			Status: domain.StatusSiteAssigned, CreatedAt: at},
	}
	return defs, cols, clients
}

func kindsOf(cols []domain.ExportColumn, defs domain.Definitions) []domain.CellKind {
	kinds := make([]domain.CellKind, len(cols))
	for i, c := range cols {
		kinds[i] = domain.KindOf(c, defs)
	}
	return kinds
}

func readZippedCSV(t *testing.T, z []byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(z), int64(len(z)))
	if err != nil {
		t.Fatal(err)
	}
	f, _ := zr.File[0].Open()
	raw, _ := io.ReadAll(f)
	return raw
}

// What the writer produces reads back, field for field, through a standard CSV reader, in
// each dialect: every cell neutralised (headers too), quoted when it holds the separator,
// numbers, booleans, dates and statuses as the reader's spreadsheet reads them, phones and
// postal codes led by a word joiner.
func TestCSVDialects(t *testing.T) {
	paris, _ := time.LoadLocation("Europe/Paris")
	defs, cols, clients := testClients()
	const wj = "\u2060"
	for _, tc := range []struct {
		dialect domain.Dialect
		header  string
		want    [][]string
	}{
		{domain.DialectOf("fr", 0, paris),
			"\ufeffIdentifiant;Prénom;Notes;Téléphone 1;Code postal;Statut;Archivé;Créé le;Étiquettes;Budget;VIP;Renouvellement;\"'=HYPERLINK(\"\"http://evil.test\"\",\"\"x\"\")\"\r\n",
			[][]string{
				{"1", "Hélène", "ligne 1\nligne 2, \"citée\"; fin", wj + "+33612345678", wj + "01000", "Prospect", "Non", "22/11/2026 04:34", "VIP, Île", "1200,5", "Oui", "31/01/2027", "Dupont;=1+1"},
				{"2", " espace", "'=cmd|' /C calc'!A0", "", "", "Actif", "Oui", "22/11/2026 04:34", "", "-3,25", "Non", "", ""},
				{"3", "'@SUM(1)", "'-2+3", "", "", "Site attribué", "Non", "22/11/2026 04:34", "", "", "", "", "'＝1+1"},
			}},
		{domain.DialectOf("en", 0, paris),
			"\ufeffID,First name,Notes,Phone 1,Postal code,Status,Archived,Created at,Tags,Budget,VIP,Renewal,\"'=HYPERLINK(\"\"http://evil.test\"\",\"\"x\"\")\"\r\n",
			[][]string{
				{"1", "Hélène", "ligne 1\nligne 2, \"citée\"; fin", wj + "+33612345678", wj + "01000", "Prospect", "No", "2026-11-22 04:34", "VIP, Île", "1200.5", "Yes", "2027-01-31", "Dupont;=1+1"},
				{"2", " espace", "'=cmd|' /C calc'!A0", "", "", "Active", "Yes", "2026-11-22 04:34", "", "-3.25", "No", "", ""},
				{"3", "'@SUM(1)", "'-2+3", "", "", "Site assigned", "No", "2026-11-22 04:34", "", "", "", "", "'＝1+1"},
			}},
		{domain.DialectOf("fr", '\t', time.UTC), "", nil},
	} {
		t.Run(tc.dialect.Locale+"/"+domain.SeparatorName(tc.dialect.Separator), func(t *testing.T) {
			var z bytes.Buffer
			w, err := NewWriter(&z, "x.csv", cols, kindsOf(cols, defs), tc.dialect)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range clients {
				if err := w.Write(c); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			raw := readZippedCSV(t, z.Bytes())
			if tc.header != "" && !bytes.HasPrefix(raw, []byte(tc.header)) {
				t.Fatalf("header:\n got %q\nwant %q", raw[:min(len(raw), len(tc.header))], tc.header)
			}
			r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(raw, []byte("\ufeff"))))
			r.Comma = rune(tc.dialect.Separator)
			rows, err := r.ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != 4 || w.Rows != 3 {
				t.Fatalf("%d rows", len(rows))
			}
			if tc.want != nil && !reflect.DeepEqual(rows[1:], tc.want) {
				t.Fatalf("rows\n got %q\nwant %q", rows[1:], tc.want)
			}
			// A cell holding the separator is quoted whatever the dialect.
			for _, line := range strings.Split(string(raw), "\r\n") {
				if strings.Contains(line, "Dupont") && !strings.Contains(line, `"Dupont;=1+1"`) {
					t.Fatalf("unquoted: %q", line)
				}
			}
		})
	}
	if _, bad := domain.ExportColumns(defs, []string{"id", "password"}); bad != "password" {
		t.Fatal("unknown column accepted")
	}
}

type failingWriter struct{ after int }

func (f *failingWriter) Write(p []byte) (int, error) {
	if f.after -= len(p); f.after < 0 {
		return 0, io.ErrClosedPipe
	}
	return len(p), nil
}

// A failure downstream (the upload) stops the formatting at its next writes, and Close says so.
func TestWriterStopsOnDownstreamFailure(t *testing.T) {
	w, err := NewWriter(&failingWriter{after: 4096}, "x.csv", domain.StandardExportColumns, nil, domain.DialectOf("en", 0, nil))
	if err != nil {
		t.Fatal(err)
	}
	// Rows that compress poorly, so that compressed output (and the failure) comes soon.
	c := &domain.Client{}
	var werr error
	for i := 0; i < 200_000 && werr == nil; i++ {
		c.ID, c.Notes = strconv.Itoa(i*7919), strconv.FormatUint(uint64(i)*0x9E3779B97F4A7C15, 36)
		werr = w.Write(c)
	}
	if werr == nil {
		t.Fatal("writes never saw the failure")
	}
	if err := w.Close(); err == nil {
		t.Fatal("Close hid the failure")
	}
}
