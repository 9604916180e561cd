package jobs

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/clientdesk/clientdesk/internal/domain"
	"github.com/clientdesk/clientdesk/internal/sheet"
)

// The exports, opened in LibreOffice Calc as a person opens them, cell by cell.
//
// Headless, `soffice --convert-to` reads a CSV with other defaults than the Text Import
// dialog a person sees (a comma only, the system's character set, so the BOM is ignored and
// accents are garbled). The test therefore passes the dialog's own defaults, read from the
// installed LibreOffice's configuration (registry main.xcd, Calc/Dialogs/CSVImport): split on
// "," ";" and tab at once, quote '"', formulas not evaluated, "detect special numbers" off;
// the character set the dialog detects from the BOM (UTF-8), and the language of the
// person's locale (French 1036, English 1033). The sheet LibreOffice builds is saved as XLSX
// and read back with excelize: each cell's type (text or number), value, and the absence of
// any formula.
//
// With the dialog's defaults, LibreOffice converts decimal numbers only: dates come as the
// text "22/11/2026 04:34". A person who ticks "Detect special numbers" (LibreOffice keeps it
// ticked for the next files, and Excel always behaves so) gets dates; the test checks that
// case too. In the XLSX export, dates are dates whatever the settings.
func TestOpensInLibreOffice(t *testing.T) {
	soffice := needLibreOffice(t, "no export")
	defaults := csvDialogDefaults(t)
	paris, _ := time.LoadLocation("Europe/Paris")
	defs, cols, clients := testClients()
	dir := t.TempDir()
	write := func(name string, format domain.ExportFormat, d domain.Dialect) string {
		var buf bytes.Buffer
		var w RowWriter
		if format == domain.FormatXLSX {
			w = NewXLSXWriter(&buf, cols, kindsOf(cols, defs), d)
		} else {
			cw, err := NewWriter(&buf, name, cols, kindsOf(cols, defs), d)
			if err != nil {
				t.Fatal(err)
			}
			w = cw
		}
		for _, c := range clients {
			if err := w.Write(c); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		out := buf.Bytes()
		if format == domain.FormatCSV {
			out = readZippedCSV(t, out)
		}
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, out, 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	fr, en := domain.DialectOf("fr", 0, paris), domain.DialectOf("en", 0, paris)
	const date, number, text = "date", "number", "text"
	// What a person sees in each cell of row 2 (the first client) and what the cell is.
	type cell = loCell
	frCells := []cell{
		{"B1", "Prénom", text}, {"M1", `'=HYPERLINK("http://evil.test","x")`, text},
		{"B2", "Hélène", text}, {"C2", "ligne 1\nligne 2, \"citée\"; fin", text},
		{"D2", "\u2060+33612345678", text}, {"E2", "\u206001000", text},
		{"F2", "Prospect", text}, {"G2", "Non", text}, {"I2", "VIP, Île", text},
		{"J2", "1200.5", number}, {"J3", "-3.25", number}, {"K2", "Oui", text},
		{"M2", "Dupont;=1+1", text}, {"C3", "'=cmd|' /C calc'!A0", text}, {"B4", "'@SUM(1)", text},
		{"C4", "'-2+3", text}, {"M4", "'＝1+1", text},
	}
	enCells := []cell{
		{"B1", "First name", text}, {"B2", "Hélène", text}, {"D2", "\u2060+33612345678", text},
		{"E2", "\u206001000", text}, {"G2", "No", text}, {"J2", "1200.5", number}, {"J3", "-3.25", number},
		{"K2", "Yes", text}, {"M2", "Dupont;=1+1", text}, {"C3", "'=cmd|' /C calc'!A0", text},
	}
	for _, tc := range []struct {
		name     string
		format   domain.ExportFormat
		dialect  domain.Dialect
		language string
		special  bool
		cells    []cell
	}{
		{"fr.csv", domain.FormatCSV, fr, "1036", false, append(frCells, cell{"H2", "22/11/2026 04:34", text}, cell{"L2", "31/01/2027", text})},
		{"fr-special-numbers.csv", domain.FormatCSV, fr, "1036", true, append(frCells, cell{"H2", "46348.190277", date}, cell{"L2", "46418", date})},
		{"en.csv", domain.FormatCSV, en, "1033", false, append(enCells, cell{"H2", "2026-11-22 04:34", text})},
		{"en-special-numbers.csv", domain.FormatCSV, en, "1033", true, append(enCells, cell{"H2", "46348.190277", date}, cell{"L2", "46418", date})},
		// A comma file (the separator chosen by the request) opened by a French person: the
		// dialog splits on ";" too, so the cells holding one are quoted.
		{"fr-comma.csv", domain.FormatCSV, domain.DialectOf("fr", ',', paris), "1036", false, frCells},
		{"fr.xlsx", domain.FormatXLSX, fr, "", false, append(xlsxCells(frCells), cell{"H2", "46348.1907175926", date}, cell{"L2", "46418", date})},
		{"en.xlsx", domain.FormatXLSX, en, "", false, append(xlsxCells(enCells), cell{"H2", "46348.1907175926", date}, cell{"L2", "46418", date})},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := write(tc.name, tc.format, tc.dialect)
			filter := ""
			if tc.format == domain.FormatCSV {
				filter = defaults.options(tc.language, tc.special)
			}
			f, raw := openInLibreOffice(t, soffice, path, filter)
			sheet := f.GetSheetList()[0]
			rows, _ := f.GetRows(sheet)
			if len(rows) != 4 || len(rows[0]) != len(cols) {
				t.Fatalf("LibreOffice made %d rows, the header of %d cells: %q", len(rows), len(rows[0]), rows)
			}
			if regexp.MustCompile(`<f[ >]`).Match(sheetXML(t, raw)) {
				t.Fatal("a formula in the sheet LibreOffice made")
			}
			if tc.format == domain.FormatXLSX {
				// LibreOffice understood the layout: it keeps it when it saves.
				checkSheetLayout(t, f, sheet, len(cols), false)
			}
			checkCells(t, f, sheet, tc.cells)
			checkImportReads(t, raw, tc.cells)
		})
	}
}

// checkImportReads reads the workbook LibreOffice saved with the import's own reader (package
// sheet), as a person who saves an export there imports it again: text as LibreOffice holds
// it, a number as the same number, a date as its ISO date (to the minute when it has a time).
func checkImportReads(t *testing.T, xlsx []byte, cells []loCell) {
	t.Helper()
	r, err := sheet.NewXLSX(bytes.NewReader(xlsx), int64(len(xlsx)))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var rows [][]string
	for {
		row, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		rows = append(rows, row.Cells)
	}
	for _, c := range cells {
		col, row, _ := excelize.CellNameToCoordinates(c.ref)
		got := ""
		if row <= len(rows) && col <= len(rows[row-1]) {
			got = rows[row-1][col-1]
		}
		want := c.shows
		switch c.is {
		case "number":
			g, _ := strconv.ParseFloat(got, 64)
			w, _ := strconv.ParseFloat(want, 64)
			if g != w {
				t.Errorf("%s: the import reads %q, want the number %s", c.ref, got, want)
			}
			continue
		case "date":
			var serial float64
			fmt.Sscan(want, &serial)
			at := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).Add(time.Duration(math.Round(serial*86400)) * time.Second).Truncate(time.Minute)
			if want = at.Format(time.DateOnly); serial != float64(int(serial)) {
				want = at.Format("2006-01-02 15:04")
			}
		}
		if got != want && (c.is != "date" || !strings.HasPrefix(got, want)) {
			t.Errorf("%s: the import reads %q, want %q", c.ref, got, want)
		}
	}
}

// needLibreOffice is the path of soffice; without it the test says loudly what it could not
// open (what), and why.
func needLibreOffice(t *testing.T, what string) string {
	t.Helper()
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		t.Skip("SKIPPED: LibreOffice (soffice) is not installed here, so " + what + " was opened in a spreadsheet program. " +
			"`make test` installs Debian's libreoffice-calc-nogui through infra/tools/debian.sh and said why it could not.")
	}
	return soffice
}

// openInLibreOffice opens the file at path in LibreOffice Calc (a CSV with the Text Import
// filter's options), saves what it made as XLSX beside it and reads that back: the workbook,
// and its bytes. The file is closed at the test's end.
func openInLibreOffice(t *testing.T, soffice, path, csvFilter string) (*excelize.File, []byte) {
	t.Helper()
	dir := filepath.Dir(path)
	args := []string{"--headless", "-env:UserInstallation=file://" + filepath.Join(dir, "profile"), "--convert-to", "xlsx", "--outdir", filepath.Join(dir, "out")}
	if csvFilter != "" {
		args = append(args, "--infilter=Text - txt - csv (StarCalc):"+csvFilter)
	}
	if out, err := exec.Command(soffice, append(args, path)...).CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	name := filepath.Base(path)
	raw, err := os.ReadFile(filepath.Join(dir, "out", strings.TrimSuffix(name, filepath.Ext(name))+".xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = f.Close() })
	return f, raw
}

// checkCells compares what LibreOffice has in each cell with what a person should see there,
// and what the cell is (text, number, date).
func checkCells(t *testing.T, f *excelize.File, sheet string, cells []loCell) {
	t.Helper()
	for _, c := range cells {
		value, _ := f.GetCellValue(sheet, c.ref, excelize.Options{RawCellValue: true})
		typ, _ := f.GetCellType(sheet, c.ref)
		is := "text"
		if typ == excelize.CellTypeUnset || typ == excelize.CellTypeNumber {
			is = "number"
			if shown, _ := f.GetCellValue(sheet, c.ref); strings.ContainsAny(shown, "/:") || strings.Count(shown, "-") == 2 {
				is = "date"
			}
		}
		if is != c.is || !sameCell(value, c.shows, c.is) {
			t.Errorf("%s: LibreOffice has %s %q, want %s %q", c.ref, is, value, c.is, c.shows)
		}
	}
}

// An import's failing rows, as a person opens them to fix them (French, ";"): each cell as
// the person typed it in their file — a phone and a postal code kept as text with their +
// and zeros, a number as a number, a formula shown as text, never evaluated — and the
// problems in the last column.
func TestFailingRowsOpenInLibreOffice(t *testing.T) {
	soffice := needLibreOffice(t, "no file of failing rows")
	defaults := csvDialogDefaults(t)
	var buf bytes.Buffer
	headers := []string{"Prénom", "Téléphone", "CP", "Montant", "Note", "erreur"}
	kinds := []domain.CellKind{domain.CellText, domain.CellDigits, domain.CellDigits, domain.CellText, domain.CellText, domain.CellText}
	w, err := NewCSVWriter(&buf, headers, kinds, domain.DialectOf("fr", ';', time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	rows := [][]string{
		{"Hélène", "+33 6 12 34 56 78", "01000", "1 234,50", "=1+1", "«\u00a0E-mail\u00a0»\u00a0: Adresse e-mail invalide."},
		{"Zoé; «\u00a0fille\u00a0»", "0612345678", "", "12,5", "ligne 1\nligne 2", "Même e-mail ou code client que la ligne 2 du fichier."},
	}
	for _, r := range rows {
		if err := w.WriteCells(r...); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "clients-erreurs.csv")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	f, raw := openInLibreOffice(t, soffice, path, defaults.options("1036", false))
	if regexp.MustCompile(`<f[ >]`).Match(sheetXML(t, raw)) {
		t.Fatal("a formula in the sheet LibreOffice made")
	}
	sheet := f.GetSheetList()[0]
	if got, _ := f.GetRows(sheet); len(got) != 3 || len(got[0]) != len(headers) {
		t.Fatalf("LibreOffice made %q", got)
	}
	checkCells(t, f, sheet, []loCell{
		{"A1", "Prénom", "text"}, {"F1", "erreur", "text"},
		{"A2", "Hélène", "text"}, {"B2", "\u2060+33 6 12 34 56 78", "text"}, {"C2", "\u206001000", "text"},
		{"D2", "1234.5", "number"}, {"E2", "'=1+1", "text"}, {"F2", "«\u00a0E-mail\u00a0»\u00a0: Adresse e-mail invalide.", "text"},
		{"A3", "Zoé; «\u00a0fille\u00a0»", "text"}, {"B3", "\u20600612345678", "text"}, {"D3", "12.5", "number"},
		{"E3", "ligne 1\nligne 2", "text"}, {"F3", "Même e-mail ou code client que la ligne 2 du fichier.", "text"},
	})
}

// loCell is what a person sees in a cell and what the cell is (text, number, date).
type loCell struct{ ref, shows, is string }

// xlsxCells are the cells of a CSV as the XLSX has them: text never neutralised (an inline
// string is never a formula) nor led by a word joiner (the cell is text by its type).
func xlsxCells(cells []loCell) []loCell {
	out := make([]loCell, len(cells))
	for i, c := range cells {
		c.shows = strings.TrimPrefix(c.shows, wordJoiner)
		if c.is == "text" && strings.HasPrefix(c.shows, "'") {
			c.shows = c.shows[1:]
		}
		out[i] = c
	}
	return out
}

func sameCell(got, want, is string) bool {
	if is == "date" {
		// A date's serial, to the minute (1/1440 of a day).
		var g, w float64
		fmt.Sscan(got, &g)
		fmt.Sscan(want, &w)
		return g-w < 1.0/1440 && w-g < 1.0/1440
	}
	return got == want
}

func sheetXML(t *testing.T, xlsx []byte) []byte {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(xlsx))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	raw, _ := f.Pkg.Load("xl/worksheets/sheet1.xml")
	b, _ := raw.([]byte)
	return b
}

// csvDefaults are the Text Import dialog's defaults in the installed LibreOffice.
type csvDefaults struct {
	separators, quote                        string
	evaluateFormulas, quotedAsText, trimming bool
}

// csvDialogDefaults reads them from LibreOffice's configuration.
func csvDialogDefaults(t *testing.T) csvDefaults {
	t.Helper()
	var registry []byte
	for _, dir := range []string{"/usr/lib/libreoffice/share/registry", "/opt/libreoffice/share/registry"} {
		if b, err := os.ReadFile(filepath.Join(dir, "main.xcd")); err == nil {
			registry = b
			break
		}
	}
	i := bytes.Index(registry, []byte(`<group oor:name="CSVImport">`))
	if i < 0 {
		t.Fatal("LibreOffice's CSVImport defaults not found in its registry")
	}
	group := registry[i:]
	group = group[:bytes.Index(group, []byte("</group>"))]
	prop := func(name string) string {
		m := regexp.MustCompile(`(?s)oor:name="` + name + `"[^>]*>\s*<value>([^<]*)</value>`).FindSubmatch(group)
		if m == nil {
			t.Fatalf("CSVImport/%s not in LibreOffice's registry", name)
		}
		return string(m[1])
	}
	d := csvDefaults{separators: prop("Separators"), quote: prop("TextSeparators"),
		evaluateFormulas: prop("EvaluateFormulas") == "true", quotedAsText: prop("QuotedFieldAsText") == "true",
		trimming: prop("RemoveSpace") == "true"}
	if prop("DetectSpecialNumbers") != "false" {
		t.Fatal("this LibreOffice detects special numbers by default: the expectations below assume it does not")
	}
	return d
}

// options is the filter's option string (LibreOffice help, "CSV Filter Options"): separators,
// quote, character set (76: UTF-8), first line, column formats, language, quoted field as
// text, detect special numbers, (export tokens 9, 10), trim spaces, (token 12), evaluate
// formulas.
func (d csvDefaults) options(language string, special bool) string {
	var seps []string
	for _, r := range d.separators {
		seps = append(seps, fmt.Sprint(int(r)))
	}
	return fmt.Sprintf("%s,%d,76,1,,%s,%t,%t,false,false,%t,,%t", strings.Join(seps, "/"), d.quote[0], language,
		d.quotedAsText, special, d.trimming, d.evaluateFormulas)
}
