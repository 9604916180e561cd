package sheet

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// workbook writes an XLSX as a spreadsheet program saves one: the client sheet first, with a
// header, text, a number, a date in a French format, a formula with its computed value, a
// row left out, and a second sheet that is not read.
func workbook(t testing.TB) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sheet := "Clients"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		t.Fatal(err)
	}
	rows := [][]any{
		{"Prénom", "Nom", "E-mail", "Code client", "Chiffre d'affaires", "Client depuis", "Total"},
		{"Hélène", "Martin", "helene@exemple.fr", "C-0001", 1234.5, time.Date(2024, 3, 15, 0, 0, 0, 0, time.UTC)},
	}
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(sheet, cell, &row); err != nil {
			t.Fatal(err)
		}
	}
	style, _ := f.NewStyle(&excelize.Style{CustomNumFmt: ptr("dd/mm/yyyy")})
	_ = f.SetCellStyle(sheet, "F2", "F2", style)
	_ = f.SetCellFormula(sheet, "G2", "E2*2")
	_ = f.SetCellValue(sheet, "G2", 2469) // the value the program computed and saved
	// Row 3 left out; row 4 holds a formula-looking text.
	_ = f.SetSheetRow(sheet, "A4", &[]any{"=HYPERLINK(\"http://x\")", "Dupont"})
	if _, err := f.NewSheet("Notes"); err != nil {
		t.Fatal(err)
	}
	_ = f.SetCellValue("Notes", "A1", "not read")
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func ptr[T any](v T) *T { return &v }

func TestXLSXFirstSheet(t *testing.T) {
	data := workbook(t)
	r, err := Open(FormatXLSX, bytes.NewReader(data), int64(len(data)), "")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if d := r.Detected(); d.Format != FormatXLSX || d.Sheet != "Clients" || !slices.Equal(d.Sheets, []string{"Clients", "Notes"}) {
		t.Errorf("detected %+v", d)
	}
	rows, err := readAll(t, r)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"Prénom", "Nom", "E-mail", "Code client", "Chiffre d'affaires", "Client depuis", "Total"},
		{"Hélène", "Martin", "helene@exemple.fr", "C-0001", "1234.5", "2024-03-15", "2469"},
		nil,
		{"=HYPERLINK(\"http://x\")", "Dupont"},
	}
	if len(rows) != len(want) {
		t.Fatalf("%d rows: %v", len(rows), rows)
	}
	for i, row := range rows {
		if row.Number != i+1 || !slices.Equal(row.Cells, want[i]) {
			t.Errorf("row %d: %d %q, want %q", i+1, row.Number, row.Cells, want[i])
		}
	}
}

// A sheet named by its tab is read instead of the first, whatever the case of its name; a
// name no tab has is no_sheet.
func TestXLSXNamedSheet(t *testing.T) {
	data := workbook(t)
	r, err := Open(FormatXLSX, bytes.NewReader(data), int64(len(data)), "notes")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	rows, err := readAll(t, r)
	if d := r.Detected(); err != nil || d.Sheet != "Notes" || len(rows) != 1 || !slices.Equal(rows[0].Cells, []string{"not read"}) {
		t.Fatalf("%v %+v %v", err, d, rows)
	}
	if _, err := Open(FormatXLSX, bytes.NewReader(data), int64(len(data)), "Feuil1"); CodeOf(err) != CodeNoSheet {
		t.Fatalf("a sheet no tab has: %v", err)
	}
}

// zipOf writes a zip of the given parts; declared overrides an entry's declared size (and
// gives it a checksum, 1, that is not its content's).
func zipOf(t testing.TB, parts map[string][]byte, declared map[string]uint64) []byte {
	t.Helper()
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	names := make([]string, 0, len(parts))
	for n := range parts {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, name := range names {
		data := parts[name]
		if size, ok := declared[name]; ok {
			var c bytes.Buffer
			fw, _ := flate.NewWriter(&c, flate.BestCompression)
			_, _ = fw.Write(data)
			_ = fw.Close()
			w, err := z.CreateRaw(&zip.FileHeader{Name: name, Method: zip.Deflate, CompressedSize64: uint64(c.Len()), UncompressedSize64: size, CRC32: 1})
			if err != nil {
				t.Fatal(err)
			}
			_, _ = w.Write(c.Bytes())
			continue
		}
		w, err := z.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = w.Write(data)
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// The parts of a workbook as excelize wrote it.
func partsOf(t testing.TB, data []byte) map[string][]byte {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	parts := map[string][]byte{}
	for _, f := range z.File {
		rc, _ := f.Open()
		parts[f.Name], _ = io.ReadAll(rc)
		rc.Close()
	}
	return parts
}

func TestXLSXHostileFiles(t *testing.T) {
	parts := partsOf(t, workbook(t))
	sheet := "xl/worksheets/sheet1.xml"
	wide := bytes.Replace(parts[sheet], []byte(`<c r="A1"`), []byte(`<c r="WZZ1" t="str"><v>x</v></c><c r="A1"`), 1)
	// 200,000 more rows inside the sheet, in a part that declares the size of the original.
	longer := bytes.Replace(parts[sheet], []byte("</sheetData>"), append(bytes.Repeat([]byte(`<row><c t="inlineStr"><is><t>x</t></is></c></row>`), 200_000), "</sheetData>"...), 1)
	tests := []struct {
		name string
		data []byte
		code string
	}{
		{"not a zip", []byte("Prénom;Nom\nAnne;Martin\n"), CodeNotXLSX},
		{"a zip without a workbook", zipOf(t, map[string][]byte{"hello.txt": []byte("hi")}, nil), CodeNotXLSX},
		{"a sheet declared at 1 GB", zipOf(t, parts, map[string]uint64{sheet: 1 << 30}), CodeTooLargeUnzipped},
		{"another part of 80 MB", zipOf(t, parts, map[string]uint64{"xl/styles.xml": 80 << 20}), CodeTooLargeUnzipped},
		{"a sheet larger than it says", zipOf(t, merge(parts, sheet, longer), map[string]uint64{sheet: uint64(len(parts[sheet]))}), CodeNotXLSX},
		// Parts of their declared size whose checksum (1) is not their content's: read to
		// their end, they fail there.
		{"a damaged sheet", zipOf(t, parts, map[string]uint64{sheet: uint64(len(parts[sheet]))}), CodeNotXLSX},
		{"damaged shared strings", zipOf(t, parts, map[string]uint64{"xl/sharedStrings.xml": uint64(len(parts["xl/sharedStrings.xml"]))}), CodeNotXLSX},
		{"a cell in column 16,000", zipOf(t, merge(parts, sheet, wide), nil), CodeTooManyColumns},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := readXLSX(t, tt.data)
			var e *Error
			if !errors.As(err, &e) || e.Code != tt.code {
				t.Fatalf("got %v, want %s", err, tt.code)
			}
		})
	}
}

func merge(parts map[string][]byte, name string, data []byte) map[string][]byte {
	out := map[string][]byte{}
	for k, v := range parts {
		out[k] = v
	}
	out[name] = data
	return out
}

// FuzzXLSX opens anything as a workbook: an error or rows within the limits, never a panic.
func FuzzXLSX(f *testing.F) {
	data := workbook(f)
	f.Add(data)
	f.Add(data[:len(data)/2])
	f.Add([]byte("PK\x03\x04"))
	f.Add([]byte(strings.Repeat("PK", 100)))
	f.Fuzz(readWithinLimits)
}

// readXLSX opens data as a workbook and reads it to its end: what stopped it (nil at its
// end).
func readXLSX(t testing.TB, data []byte) error {
	t.Helper()
	r, err := NewXLSX(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return err
	}
	defer r.Close()
	_, err = readAll(t, r)
	return err
}

// readWithinLimits reads the first 10,000 rows of anything as a workbook: an error or rows
// within the limits, never a panic.
func readWithinLimits(t *testing.T, data []byte) {
	r, err := NewXLSX(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return
	}
	defer r.Close()
	for range 10_000 {
		row, err := r.Next()
		if err != nil {
			return
		}
		if len(row.Cells) > MaxColumns {
			t.Fatalf("%d columns", len(row.Cells))
		}
	}
}
