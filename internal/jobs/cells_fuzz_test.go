package jobs

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"encoding/xml"
	"io"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/clientdesk/clientdesk/internal/domain"
)

// Whatever a client's text holds (names and notes are free text from the API), the CSV reads
// back as one cell, neutralised, and the XLSX is well-formed XML whose cell holds the text.
func FuzzCells(f *testing.F) {
	for _, seed := range []string{"Hélène", "=1+1", "＝1+1", "Dupont;=1+1", "a\r\nb", "a\rb", "\"q\"", " lead", "trail ",
		"<b>&amp;</b>", "\x00\x01\x1f", "\uFFFE", "\xff\xfe", "+33612345678", "-2+3", "\t=cmd", "@SUM(1)", "\n"} {
		f.Add(seed)
	}
	cols, _ := domain.ExportColumns(nil, []string{"id", "notes"})
	f.Fuzz(func(t *testing.T, s string) {
		c := &domain.Client{ID: "1", Fields: domain.Fields{Notes: s}}
		for _, sep := range []byte{';', ',', '\t'} {
			var z bytes.Buffer
			w, err := NewWriter(&z, "x.csv", cols, nil, domain.DialectOf("fr", sep, nil))
			if err != nil {
				t.Fatal(err)
			}
			if err := w.Write(c); err != nil {
				t.Fatal(err)
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			raw := readZippedCSV(t, z.Bytes())
			r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(raw, []byte("\ufeff"))))
			r.Comma, r.FieldsPerRecord = rune(sep), 2
			rows, err := r.ReadAll()
			if err != nil {
				t.Fatalf("%q: %v\n%q", s, err, raw)
			}
			// (Go's reader drops a CR before a LF, in quoted fields too.)
			want := strings.ReplaceAll(neutralize(s), "\r\n", "\n")
			if len(rows) != 2 || rows[1][1] != want && !(s == "" && len(rows) == 2) {
				t.Fatalf("%q: read back %q", s, rows)
			}
		}
		var buf bytes.Buffer
		x := NewXLSXWriter(&buf, cols, nil, domain.DialectOf("fr", 0, nil))
		if err := x.Write(c); err != nil {
			t.Fatal(err)
		}
		if err := x.Close(); err != nil {
			t.Fatal(err)
		}
		zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
		if err != nil {
			t.Fatal(err)
		}
		for _, file := range zr.File {
			rc, _ := file.Open()
			body, _ := io.ReadAll(rc)
			d := xml.NewDecoder(bytes.NewReader(body))
			var texts []string
			for {
				tok, err := d.Token()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatalf("%s is not XML for %q: %v", file.Name, s, err)
				}
				if cd, ok := tok.(xml.CharData); ok {
					texts = append(texts, string(cd))
				}
			}
			if file.Name == "xl/worksheets/sheet1.xml" && s != "" && !strings.Contains(strings.Join(texts, "\x00"), xmlSafe(s)) {
				t.Fatalf("%q not in the sheet: %q", s, texts)
			}
		}
	})
}

// xmlSafe is s as XML 1.0 can hold it: what the writer keeps.
func xmlSafe(s string) string {
	var b strings.Builder
	for i, r := range s {
		_, size := utf8.DecodeRuneInString(s[i:])
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == utf8.RuneError && size == 1 || r == 0xFFFE || r == 0xFFFF {
			r = '\uFFFD'
		}
		b.WriteRune(r)
	}
	return b.String()
}
