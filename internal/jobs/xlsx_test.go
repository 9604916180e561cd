package jobs

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/clientdesk/clientdesk/internal/domain"
)

// The workbook reads back through a maintained library (excelize), cell by cell: text as
// inline strings (formulas never), numbers as numbers, dates as dates with the dialect's
// format, phones and postal codes as text; a bold frozen header with an autofilter on every
// sheet; rows beyond a sheet's limit on further sheets, each with its header.
func TestXLSXReadsBack(t *testing.T) {
	paris, _ := time.LoadLocation("Europe/Paris")
	defs, cols, clients := testClients()
	for _, tc := range []struct {
		dialect domain.Dialect
		want    [][]string // as the spreadsheet shows the cells (formatted)
	}{
		{domain.DialectOf("fr", 0, paris), [][]string{
			{"Identifiant", "Prénom", "Notes", "Téléphone 1", "Code postal", "Statut", "Archivé", "Créé le", "Étiquettes", "Budget", "VIP", "Renouvellement", `=HYPERLINK("http://evil.test","x")`},
			{"1", "Hélène", "ligne 1\nligne 2, \"citée\"; fin", "+33612345678", "01000", "Prospect", "Non", "22/11/2026 04:34", "VIP, Île", "1200.5", "Oui", "31/01/2027", "Dupont;=1+1"},
			{"2", " espace", "=cmd|' /C calc'!A0", "", "", "Actif", "Oui", "22/11/2026 04:34", "", "-3.25", "Non", "", ""},
			{"3", "@SUM(1)", "-2+3", "", "", "Site attribué", "Non", "22/11/2026 04:34", "", "", "", "", "＝1+1"},
		}},
		{domain.DialectOf("en", 0, paris), [][]string{
			{"ID", "First name", "Notes", "Phone 1", "Postal code", "Status", "Archived", "Created at", "Tags", "Budget", "VIP", "Renewal", `=HYPERLINK("http://evil.test","x")`},
			{"1", "Hélène", "ligne 1\nligne 2, \"citée\"; fin", "+33612345678", "01000", "Prospect", "No", "2026-11-22 04:34", "VIP, Île", "1200.5", "Yes", "2027-01-31", "Dupont;=1+1"},
			{"2", " espace", "=cmd|' /C calc'!A0", "", "", "Active", "Yes", "2026-11-22 04:34", "", "-3.25", "No", "", ""},
			{"3", "@SUM(1)", "-2+3", "", "", "Site assigned", "No", "2026-11-22 04:34", "", "", "", "", "＝1+1"},
		}},
	} {
		for _, sheetRows := range []int64{MaxSheetRows, 3} {
			name := tc.dialect.Locale
			if sheetRows != MaxSheetRows {
				name += "/sheets-of-3-rows"
			}
			t.Run(name, func(t *testing.T) {
				var buf bytes.Buffer
				x := NewXLSXWriter(&buf, cols, kindsOf(cols, defs), tc.dialect)
				x.SheetRows = sheetRows
				for _, c := range clients {
					if err := x.Write(c); err != nil {
						t.Fatal(err)
					}
				}
				if err := x.Close(); err != nil {
					t.Fatal(err)
				}
				f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				var got [][]string
				sheets := f.GetSheetList()
				for i, sheet := range sheets {
					rows, err := f.GetRows(sheet)
					if err != nil {
						t.Fatal(err)
					}
					if i > 0 {
						if !reflect.DeepEqual(rows[0], tc.want[0]) {
							t.Fatalf("sheet %s header %q", sheet, rows[0])
						}
						rows = rows[1:]
					}
					got = append(got, rows...)
					checkSheetLayout(t, f, sheet, len(cols), true)
				}
				wantSheets := []string{"Clients"}
				if sheetRows == 3 {
					wantSheets = []string{"Clients", "Clients 2"}
				}
				if !reflect.DeepEqual(sheets, wantSheets) {
					t.Fatalf("sheets %q", sheets)
				}
				for i := range got {
					for len(got[i]) < len(cols) {
						got[i] = append(got[i], "")
					}
				}
				if !reflect.DeepEqual(got, tc.want) {
					t.Fatalf("cells\n got %q\nwant %q", got, tc.want)
				}
				checkCellTypes(t, f, sheets[0], tc.dialect)
			})
		}
	}
}

// checkSheetLayout: the header bold and frozen, an autofilter over the sheet, widths set.
// (views false: a headless LibreOffice keeps no view settings when it saves, frozen panes
// among them, whoever made the file.)
func checkSheetLayout(t *testing.T, f *excelize.File, sheet string, columns int, views bool) {
	t.Helper()
	if panes, err := f.GetPanes(sheet); views && (err != nil || !panes.Freeze || panes.YSplit != 1 || panes.TopLeftCell != "A2") {
		t.Fatalf("%s panes %+v %v", sheet, panes, err)
	}
	for i := range columns {
		cell := columnName(i) + "1"
		idx, _ := f.GetCellStyle(sheet, cell)
		style, err := f.GetStyle(idx)
		if err != nil || style.Font == nil || !style.Font.Bold {
			t.Fatalf("%s %s not bold: %+v", sheet, cell, style)
		}
		if w, _ := f.GetColWidth(sheet, columnName(i)); w < 8 || w > 60 {
			t.Fatalf("%s column %s width %v", sheet, columnName(i), w)
		}
	}
	var filtered bool
	for _, n := range f.GetDefinedName() {
		filtered = filtered || n.Name == "_xlnm._FilterDatabase" && n.Scope == sheet && strings.HasPrefix(strings.ReplaceAll(n.RefersTo, "'", ""), sheet+"!$A$1:$M$")
	}
	if !filtered {
		t.Fatalf("%s: no autofilter in %+v", sheet, f.GetDefinedName())
	}
}

// checkCellTypes: what each cell is to a spreadsheet, not only what it shows.
func checkCellTypes(t *testing.T, f *excelize.File, sheet string, d domain.Dialect) {
	t.Helper()
	for cell, want := range map[string]excelize.CellType{
		"C2": excelize.CellTypeInlineString, // notes, never a formula
		"C3": excelize.CellTypeInlineString, // "=cmd…" as text
		"D2": excelize.CellTypeInlineString, // the phone as text
		"E2": excelize.CellTypeInlineString, // 01000 as text
		"H2": excelize.CellTypeUnset,        // a date: a number with a date format
		"J2": excelize.CellTypeUnset,        // 1200.5: a number
		"J3": excelize.CellTypeUnset,        // -3.25: a number
	} {
		if got, err := f.GetCellType(sheet, cell); err != nil || got != want {
			t.Errorf("%s %s: type %v, want %v (%v)", d.Locale, cell, got, want, err)
		}
		if formula, _ := f.GetCellFormula(sheet, cell); formula != "" {
			t.Errorf("%s %s: formula %q", d.Locale, cell, formula)
		}
	}
	raw, _ := f.GetCellValue(sheet, "H2", excelize.Options{RawCellValue: true})
	// 2026-11-22 04:34:38 in Paris: day 46348, 16,478 s into it.
	if !strings.HasPrefix(raw, "46348.19071759") {
		t.Errorf("date serial %q", raw)
	}
	if raw, _ := f.GetCellValue(sheet, "J3", excelize.Options{RawCellValue: true}); raw != "-3.25" {
		t.Errorf("number %q", raw)
	}
}

func TestColumnName(t *testing.T) {
	for i, want := range map[int]string{0: "A", 25: "Z", 26: "AA", 27: "AB", 51: "AZ", 52: "BA", 701: "ZZ", 702: "AAA"} {
		if got := columnName(i); got != want {
			t.Errorf("columnName(%d) = %s, want %s", i, got, want)
		}
	}
}
