package sheet

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"
	"unicode/utf16"
)

const (
	nsMain   = `xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"`
	nsStrict = `xmlns="http://purl.oclc.org/ooxml/spreadsheetml/main" xmlns:r="http://purl.oclc.org/ooxml/officeDocument/relationships"`
	relType  = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
)

// handBook writes a workbook by hand, as programs other than Excel write them: the sheets in the
// workbook's order (the first tab first, whatever its part's name), sharedStrings and styles
// as given ("" for none).
func handBook(t testing.TB, ns, workbookPr string, sheets [][2]string, shared, styles string) []byte {
	t.Helper()
	parts := map[string][]byte{
		"[Content_Types].xml": []byte(`<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`),
		"_rels/.rels":         []byte(`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="` + relType + `officeDocument" Target="/xl/workbook.xml"/></Relationships>`),
	}
	var list, rels strings.Builder
	for i, s := range sheets {
		id := "rIdS" + string(rune('a'+i))
		name := "worksheets/sheet" + string(rune('1'+len(sheets)-1-i)) + ".xml" // the first tab in the last part
		typ := "worksheet"
		if s[1] == "chart" {
			typ, name = "chartsheet", "chartsheets/sheet1.xml"
		}
		list.WriteString(`<sheet name="` + s[0] + `" sheetId="` + string(rune('1'+i)) + `" r:id="` + id + `"/>`)
		rels.WriteString(`<Relationship Id="` + id + `" Type="` + relType + typ + `" Target="` + name + `"/>`)
		parts["xl/"+name] = []byte(s[1])
	}
	if shared != "" {
		rels.WriteString(`<Relationship Id="rIdSS" Type="` + relType + `sharedStrings" Target="sharedStrings.xml"/>`)
		parts["xl/sharedStrings.xml"] = []byte(shared)
	}
	if styles != "" {
		rels.WriteString(`<Relationship Id="rIdST" Type="` + relType + `styles" Target="/xl/styles.xml"/>`)
		parts["xl/styles.xml"] = []byte(styles)
	}
	parts["xl/workbook.xml"] = []byte(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook ` + ns + `>` + workbookPr + `<sheets>` + list.String() + `</sheets></workbook>`)
	parts["xl/_rels/workbook.xml.rels"] = []byte(`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` + rels.String() + `</Relationships>`)
	return zipOf(t, parts, nil)
}

func sheetXML(ns, rows string) string {
	return `<?xml version="1.0" encoding="UTF-8"?><worksheet ` + ns + `><dimension ref="A1:C9"/><sheetData>` + rows + `</sheetData><mergeCells count="0"/></worksheet>`
}

func utf16LE(s string) string {
	var b bytes.Buffer
	b.Write([]byte{0xff, 0xfe})
	for _, u := range utf16.Encode([]rune(s)) {
		b.WriteByte(byte(u))
		b.WriteByte(byte(u >> 8))
	}
	return b.String()
}

// The cells of sheets written by hand as other programs write them.
func TestXLSXParts(t *testing.T) {
	styles := `<styleSheet ` + nsMain + `><numFmts count="2"><numFmt numFmtId="164" formatCode="00000"/><numFmt numFmtId="165" formatCode="dd/mm/yyyy"/></numFmts>` +
		`<cellStyleXfs count="1"><xf numFmtId="165"/></cellStyleXfs><cellXfs count="4"><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="165"/><xf numFmtId="14"/></cellXfs>` +
		`<dxfs count="1"><dxf><numFmt numFmtId="164" formatCode="0.00"/></dxf></dxfs></styleSheet>`
	shared := `<sst ` + nsMain + ` count="3" uniqueCount="3"><si><t>Prénom</t></si>` +
		`<si><r><rPr><b/></rPr><t xml:space="preserve">Hél</t></r><r><t>ène</t></r><rPh sb="0" eb="1"><t>ヘレン</t></rPh><phoneticPr fontId="1"/></si>` +
		`<si><t>A &amp; B &lt;SARL&gt;</t></si></sst>`
	tests := []struct {
		name  string
		data  []byte
		sheet string
		want  [][]string
	}{
		{
			name: "cells of every type, rows and cells without references",
			data: handBook(t, nsMain, "", [][2]string{{"Clients", sheetXML(nsMain,
				`<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row>`+
					`<row r="3"><c t="inlineStr"><is><t>inline</t></is></c><c t="b"><v>1</v></c><c t="e"><v>#N/A</v></c><c t="str"><f>A1&amp;"x"</f><v>Prénomx</v></c></row>`+
					`<row><c r="B4" s="1"><v>6000</v></c><c s="2"><v>45366</v></c><c s="3"><v>45366</v></c><c r="F4" t="d"><v>2024-03-15T00:00:00Z</v></c><c r="G4"><f>1+1</f></c></row>`+
					`<row r="5" spans="1:3"><c r="A5" s="2"/><c r="XFD5" s="1"/></row>`)}}, shared, styles),
			sheet: "Clients",
			want: [][]string{
				{"Prénom", "Hélène", "A & B <SARL>"},
				nil,
				{"inline", "TRUE", "#N/A", "Prénomx"},
				{"", "06000", "2024-03-15", "2024-03-15", "", "2024-03-15"},
				// Row 5 is only formatted, and the last: no row.
			},
		},
		{
			name: "the strict namespace, the first tab in another part, a chart sheet before it, dates from 1904",
			data: handBook(t, nsStrict, `<workbookPr date1904="1"/>`, [][2]string{
				{"Graphique", "chart"},
				{"Données", sheetXML(nsStrict, `<row r="2"><c r="A2" s="2"><v>43904</v></c></row>`)},
				{"Autre", sheetXML(nsStrict, `<row r="1"><c r="A1" t="inlineStr"><is><t>no</t></is></c></row>`)},
			}, "", styles),
			sheet: "Données",
			want:  [][]string{nil, {"2024-03-15"}},
		},
		{
			name:  "a sheet in UTF-16, shared strings in Windows-1252",
			data:  handBook(t, nsMain, "", [][2]string{{"S", utf16LE(strings.Replace(sheetXML(nsMain, `<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr"><is><t>Zoë</t></is></c></row>`), "UTF-8", "UTF-16", 1))}}, "<?xml version=\"1.0\" encoding=\"windows-1252\"?><sst><si><t>Fran\xe7oise \x80</t></si></sst>", ""),
			sheet: "S",
			want:  [][]string{{"Françoise €", "Zoë"}},
		},
		{
			name: "rows only formatted, between rows of values and far below them",
			data: handBook(t, nsMain, "", [][2]string{{"S", sheetXML(nsMain, `<row r="1"><c t="inlineStr"><is><t>a</t></is></c></row>`+
				`<row r="2" s="1" customFormat="1"/><row r="3"><c r="B3"><v>1</v></c></row><row r="1000000" s="1" customFormat="1"><c r="A1000000" s="1"/></row>`)}}, "", ""),
			sheet: "S",
			want:  [][]string{{"a"}, nil, {"", "1"}},
		},
		{
			name:  "a sheet without data",
			data:  handBook(t, nsMain, "", [][2]string{{"Vide", `<worksheet ` + nsMain + `><sheetData/></worksheet>`}}, "", ""),
			sheet: "Vide",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := NewXLSX(bytes.NewReader(tt.data), int64(len(tt.data)))
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			if d := r.Detected(); d.Sheet != tt.sheet {
				t.Errorf("sheet %q, want %q", d.Sheet, tt.sheet)
			}
			rows, err := readAll(t, r)
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != len(tt.want) {
				t.Fatalf("%d rows %v, want %q", len(rows), rows, tt.want)
			}
			for i, row := range rows {
				if row.Number != i+1 || !slices.Equal(row.Cells, tt.want[i]) {
					t.Errorf("row %d: %d %q, want %q", i+1, row.Number, row.Cells, tt.want[i])
				}
			}
		})
	}
}

// A workbook that cannot be read stops with the code that says why, at the row it concerns.
func TestXLSXPartsRefused(t *testing.T) {
	long := strings.Repeat("é", MaxCellBytes/2+1)
	shared := `<sst><si><t>ok</t></si><si><t>` + long + `</t></si></sst>`
	sheet := func(rows string) [][2]string { return [][2]string{{"S", sheetXML(nsMain, rows)}} }
	tests := []struct {
		name string
		data []byte
		row  int
		code string
	}{
		{"a long shared string, where a cell shows it", handBook(t, nsMain, "", sheet(`<row r="1"><c t="s"><v>0</v></c></row><row r="2"><c t="s"><v>1</v></c></row>`), shared, ""), 2, CodeCellTooLong},
		{"a long inline string", handBook(t, nsMain, "", sheet(`<row r="1"><c t="inlineStr"><is><t>`+long+`</t></is></c></row>`), "", ""), 1, CodeCellTooLong},
		{"a text of 2 MB", handBook(t, nsMain, "", sheet(`<row r="1"><c><v>`+strings.Repeat("1", 2<<20)+`</v></c></row>`), "", ""), 1, CodeCellTooLong},
		{"rows out of order", handBook(t, nsMain, "", sheet(`<row r="2"/><row r="1"/>`), "", ""), 3, CodeNotXLSX},
		{"a row past Excel's last", handBook(t, nsMain, "", sheet(`<row r="1048577"/>`), "", ""), 1, CodeNotXLSX},
		{"a cell past XFD", handBook(t, nsMain, "", sheet(`<row r="1"><c r="XFE1"><v>1</v></c></row>`), "", ""), 1, CodeNotXLSX},
		{"a value in column 501", handBook(t, nsMain, "", sheet(`<row r="1"><c r="SG1"><v>1</v></c></row>`), "", ""), 1, CodeTooManyColumns},
		{"a shared string that is not there", handBook(t, nsMain, "", sheet(`<row r="1"><c t="s"><v>7</v></c></row>`), shared, ""), 1, CodeNotXLSX},
		{"a sheet cut short", handBook(t, nsMain, "", [][2]string{{"S", sheetXML(nsMain, `<row r="1"><c><v>1</v></c></row><row r="2"><c><v>1</v>`)[:200]}}, "", ""), 1, CodeNotXLSX},
		{"an unknown encoding", handBook(t, nsMain, "", [][2]string{{"S", `<?xml version="1.0" encoding="EBCDIC"?><worksheet/>`}}, "", ""), 1, CodeNotXLSX},
		{"no sheet", handBook(t, nsMain, "", nil, "", ""), 0, CodeNoSheet},
		// 300,000 elements opened in a cell, in its formula, in the styles: the decoder would
		// hold 20 times the part.
		{"elements nested without end in a cell", handBook(t, nsMain, "", sheet(`<row r="1"><c><v>1</v><x>`+strings.Repeat("<x>", 300_000)+`</x></c></row>`), "", ""), 1, CodeNotXLSX},
		{"elements nested without end in a formula", handBook(t, nsMain, "", sheet(`<row r="1"><c><f>`+strings.Repeat("<x>", 300_000)+`</f></c></row>`), "", ""), 1, CodeNotXLSX},
		{"70,000 cell styles", handBook(t, nsMain, "", sheet(""), "", "<styleSheet><cellXfs>"+strings.Repeat(`<xf numFmtId="14"/>`, 70_000)+"</cellXfs></styleSheet>"), 0, CodeTooLargeUnzipped},
		{"elements nested without end in the styles", handBook(t, nsMain, "", sheet(""), "", "<styleSheet>"+strings.Repeat("<x>", 300_000)), 0, CodeNotXLSX},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := readXLSX(t, tt.data)
			var e *Error
			if !errors.As(err, &e) || e.Code != tt.code || e.Row != tt.row {
				t.Fatalf("got %v, want %s at row %d", err, tt.code, tt.row)
			}
			if strings.HasPrefix(tt.name, "elements nested") && !errors.Is(err, errTooDeep) {
				t.Fatalf("read to the end: %v", err)
			}
		})
	}
}

// FuzzXLSXSheet reads anything as a sheet's XML in a well-made workbook (readWithinLimits).
func FuzzXLSXSheet(f *testing.F) {
	f.Add(sheetXML(nsMain, `<row r="1"><c r="A1" t="s"><v>0</v></c><c t="inlineStr"><is><r><t>a</t></r><rPh><t>b</t></rPh></is></c></row><row r="4"><c s="1"><v>6000</v></c><c s="2"><v>45366.5</v></c><c t="b"><v>1</v></c><c t="d"><v>2024-03-15T10:00:00</v></c></row>`))
	f.Add(`<worksheet><sheetData><row><c r="ZZ9"><v>-1e308</v></c></row></sheetData></worksheet>`)
	styles := `<styleSheet><numFmts><numFmt numFmtId="164" formatCode="00000"/><numFmt numFmtId="165" formatCode="[h]:mm:ss"/></numFmts><cellXfs><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="165"/></cellXfs></styleSheet>`
	f.Fuzz(func(t *testing.T, sheet string) {
		readWithinLimits(t, handBook(t, nsMain, "", [][2]string{{"S", sheet}}, `<sst><si><t>x</t></si></sst>`, styles))
	})
}

// FuzzNumberFormat shows any number by any format code: never a panic.
func FuzzNumberFormat(f *testing.F) {
	for _, c := range []string{"General", "0.00", `0#" "##`, "dd/mm/yyyy hh:mm", "[h]:mm", `#,##0_);(#,##0);"-"`, "[$€-40C]0", "0%", "\\", `"`, "["} {
		f.Add(c, 1234.5)
	}
	f.Fuzz(func(t *testing.T, code string, v float64) {
		_ = parseFormat(code).show(v, false)
		_ = parseFormat(code).show(v, true)
	})
}
