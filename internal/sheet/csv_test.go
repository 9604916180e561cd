package sheet

import (
	"bytes"
	"errors"
	"io"
	"os"
	"slices"
	"strings"
	"testing"
)

func readAll(t testing.TB, r Reader) ([]Row, error) {
	t.Helper()
	var rows []Row
	for {
		row, err := r.Next()
		if err == io.EOF {
			return rows, nil
		}
		if err != nil && CodeOf(err) != CodeBadEncoding {
			return rows, err
		}
		rows = append(rows, row)
	}
}

func TestCSVAsProgramsWriteThem(t *testing.T) {
	tests := []struct {
		file      string
		encoding  string
		separator string
		want      [][]string
	}{
		// French Excel's "CSV (séparateur : point-virgule)": Windows-1252, CRLF, a quoted
		// separator and line break, œ and the curly apostrophe from the 0x80–0x9F range.
		{"excel-fr.csv", EncodingWindows1252, ";", [][]string{
			{"Prénom", "Nom", "Société", "E-mail", "Téléphone", "Adresse"},
			{"Hélène", "Martin", "Atelier; Bois & Cie", "helene@exemple.fr", "06 12 34 56 78", "12 rue de l’Église\r\n2e étage"},
			{"José", "Nœ", "", "jose@exemple.fr", "", ""},
		}},
		// UTF-8 with a byte order mark, commas, a doubled quote, a blank line.
		{"utf8-bom.csv", EncodingUTF8BOM, ",", [][]string{
			{"First name", "Last name", "Email", "Tags"},
			{"Anne", "O\"Brien", "anne@example.com", "vip, export"},
			nil,
			{"Bruno", "Smith", "bruno@example.com", ""},
		}},
		// UTF-8 without a mark, tabs, LF, no line break at the end.
		{"utf8-tab.csv", EncodingUTF8, "\t", [][]string{
			{"code", "name", "city"},
			{"C-1", "Émile Zola", "Médan"},
			{"C-2", "Tab\there", "Paris"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile("testdata/" + tt.file)
			if err != nil {
				t.Fatal(err)
			}
			r, err := NewCSV(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			if d := r.Detected(); d.Encoding != tt.encoding || d.Separator != tt.separator || d.Format != FormatCSV {
				t.Errorf("detected %+v", d)
			}
			rows, err := readAll(t, r)
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != len(tt.want) {
				t.Fatalf("%d rows: %v", len(rows), rows)
			}
			for i, row := range rows {
				if row.Number != i+1 || !slices.Equal(row.Cells, tt.want[i]) {
					t.Errorf("row %d: %d %q, want %q", i+1, row.Number, row.Cells, tt.want[i])
				}
			}
		})
	}
}

func TestCSVSeparatorDetection(t *testing.T) {
	tests := []struct{ text, want string }{
		{"a;b;c\n1;2;3\n", ";"},
		{"a,b,c\n1,2,3\n", ","},
		{"a\tb\n1\t2\n", "\t"},
		// Commas inside quoted values and in the text do not make commas the separator.
		{"nom;adresse;note\n\"Martin, Anne\";\"1, rue X\";ok, merci\n\"Dupont, B\";\"2, rue Y\";bien, merci\n", ";"},
		// Semicolons inside a comma file's cells.
		{"name,notes\nAnne,\"a;b;c;d\"\nBruno,\"e;f;g\"\n", ","},
		// One column: nothing splits it; the French default is reported.
		{"email\na@example.com\nb@example.com\n", ";"},
		// A header with more columns than every row beats one that splits nothing.
		{"a;b;c\n1;2\n", ";"},
	}
	for _, tt := range tests {
		r, err := NewCSV(strings.NewReader(tt.text))
		if err != nil {
			t.Fatal(err)
		}
		if got := r.Detected().Separator; got != tt.want {
			t.Errorf("%q: separator %q, want %q", tt.text, got, tt.want)
		}
	}
}

// Hostile files stop at the row that breaks a limit, without holding what follows.
func TestCSVHostileFiles(t *testing.T) {
	tests := []struct {
		name string
		data string
		row  int
		code string
	}{
		{"a million columns", strings.Repeat("x;", 1_000_000) + "\n", 1, CodeTooManyColumns},
		{"a cell without end", "a;b\n1;\"" + strings.Repeat("z", 10<<20), 2, CodeCellTooLong},
		{"a huge unquoted cell", "a;b\n1;" + strings.Repeat("z", MaxCellBytes+1) + "\n", 2, CodeCellTooLong},
		{"a quote never closed", "a;b\n1;2\n3;\"4\n5;6\n", 3, CodeUnterminatedQuote},
		{"one more column than allowed", strings.Repeat("x;", MaxColumns) + "x\n", 1, CodeTooManyColumns},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := NewCSV(strings.NewReader(tt.data))
			if err != nil {
				t.Fatal(err)
			}
			_, err = readAll(t, r)
			var e *Error
			if !errors.As(err, &e) || e.Code != tt.code || e.Row != tt.row {
				t.Fatalf("got %v, want %s at row %d", err, tt.code, tt.row)
			}
		})
	}
	// Exactly at the limits is fine.
	r, _ := NewCSV(strings.NewReader(strings.Repeat("x;", MaxColumns-1) + "x\n1;" + strings.Repeat("z", MaxCellBytes) + "\n"))
	if rows, err := readAll(t, r); err != nil || len(rows) != 2 || len(rows[0].Cells) != MaxColumns {
		t.Fatalf("at the limits: %d rows, %v", len(rows), err)
	}
}

// A file detected as UTF-8 on its first 64 KB whose later row is not: that row says so, the
// others are read.
func TestCSVBadBytesLaterInAUTF8File(t *testing.T) {
	var b strings.Builder
	b.WriteString("nom;ville\n")
	for b.Len() < 70_000 {
		b.WriteString("Hélène;Orléans\n")
	}
	b.WriteString("Jos\xe9;Paris\nAnne;Lyon\n")
	r, _ := NewCSV(strings.NewReader(b.String()))
	if r.Detected().Encoding != EncodingUTF8 {
		t.Fatalf("detected %+v", r.Detected())
	}
	var bad []int
	var last Row
	for {
		row, err := r.Next()
		if err == io.EOF {
			break
		}
		if CodeOf(err) == CodeBadEncoding {
			bad = append(bad, row.Number)
			if row.Cells[0] != "Jos\uFFFD" {
				t.Errorf("cells %q", row.Cells)
			}
		} else if err != nil {
			t.Fatal(err)
		}
		last = row
	}
	if len(bad) != 1 || last.Cells[0] != "Anne" || last.Number != bad[0]+1 {
		t.Errorf("bad rows %v, last %+v", bad, last)
	}
}

// FuzzCSV reads anything: no panic, the limits hold, and what was read, written back as RFC
// 4180 with the detected separator and read again, reads the same.
func FuzzCSV(f *testing.F) {
	for _, name := range []string{"excel-fr.csv", "utf8-bom.csv", "utf8-tab.csv"} {
		data, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range []string{"", "\n", "\"", "\"\"\"", "a;\"b\"c;d\r", "\r\r\n\n", "a,b\n\"x\ny\",z", "\xef\xbb\xbf", "\xff\xfe", "=1+1;@SUM(A1)", "a\x00b;c"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := NewCSV(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := readAll(t, r)
		for _, row := range rows {
			if len(row.Cells) > MaxColumns {
				t.Fatalf("%d columns", len(row.Cells))
			}
			for _, c := range row.Cells {
				if len(c) > MaxCellBytes+utf8Max {
					t.Fatalf("cell of %d bytes", len(c))
				}
			}
		}
		if err != nil || r.Detected().Encoding == EncodingWindows1252 {
			return
		}
		var out strings.Builder
		sep := r.Detected().Separator
		for _, row := range rows {
			for i, c := range row.Cells {
				if i > 0 {
					out.WriteString(sep)
				}
				out.WriteString(`"` + strings.ReplaceAll(c, `"`, `""`) + `"`)
			}
			out.WriteString("\r\n")
		}
		again := &csvReader{src: strings.NewReader(out.String()), sep: []rune(sep)[0]}
		rows2, err := readAll(t, again)
		if err != nil {
			t.Fatalf("written back: %v\n%q", err, out.String())
		}
		if len(rows2) != len(rows) {
			t.Fatalf("%d rows read back, %d read", len(rows2), len(rows))
		}
		for i := range rows {
			a, b := rows[i].Cells, rows2[i].Cells
			if len(a) == 0 {
				a = []string{""}
			}
			if len(b) == 0 {
				b = []string{""}
			}
			if !slices.Equal(a, b) {
				t.Fatalf("row %d: %q read back as %q", i+1, a, b)
			}
		}
	})
}

const utf8Max = 4
