package sheet

import (
	"bytes"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// BenchmarkXLSX reads a workbook as Excel saves one: 15 columns of text in shared strings
// (every name, e-mail and address its own), a postal code and a phone in number cells with
// their formats, a date. It reports rows a second and the live heap halfway through (the
// shared strings are held; the sheet is streamed).
func BenchmarkXLSX(b *testing.B) {
	for _, rows := range []int{10_000, 100_000} {
		data := excelLike(b, rows)
		b.Run(fmt.Sprintf("rows=%d", rows), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			var live uint64
			for b.Loop() {
				runtime.GC()
				r, err := NewXLSX(bytes.NewReader(data), int64(len(data)))
				if err != nil {
					b.Fatal(err)
				}
				n := 0
				for {
					row, err := r.Next()
					if err == io.EOF {
						break
					}
					if err != nil {
						b.Fatal(err)
					}
					if n++; n == rows/2 {
						b.StopTimer()
						runtime.GC()
						var m runtime.MemStats
						runtime.ReadMemStats(&m)
						live = m.HeapAlloc
						b.StartTimer()
					}
					if n == 2 && row.Cells[12] != "06000" {
						b.Fatalf("row 2: %q", row.Cells)
					}
				}
				r.Close()
				if n != rows+1 {
					b.Fatalf("%d rows", n)
				}
			}
			b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
			b.ReportMetric(float64(live)/1e6, "live-heap-MB")
			b.ReportMetric(float64(len(data))/1e6, "file-MB")
		})
	}
}

func excelLike(b *testing.B, rows int) []byte {
	var sheet, shared strings.Builder
	headers := []string{"Prénom", "Nom", "Société", "E-mail", "Téléphone fixe", "Adresse", "Complément", "Ville", "Pays", "Code client", "Étiquettes", "Notes", "CP", "Mobile", "Client depuis"}
	strs := 0
	str := func(s string) string {
		shared.WriteString("<si><t>" + s + "</t></si>")
		strs++
		return strconv.Itoa(strs - 1)
	}
	sheet.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet ` + nsMain + `><sheetData>`)
	for r := 1; r <= rows+1; r++ {
		sheet.WriteString(`<row r="` + strconv.Itoa(r) + `" spans="1:15">`)
		for c := range 15 {
			ref := string(rune('A'+c)) + strconv.Itoa(r)
			switch {
			case r == 1:
				sheet.WriteString(`<c r="` + ref + `" t="s"><v>` + str(headers[c]) + `</v></c>`)
			case c == 12:
				sheet.WriteString(`<c r="` + ref + `" s="1"><v>6000</v></c>`)
			case c == 13:
				sheet.WriteString(`<c r="` + ref + `" s="2"><v>6` + fmt.Sprintf("%08d", r) + `</v></c>`)
			case c == 14:
				sheet.WriteString(`<c r="` + ref + `" s="3"><v>` + strconv.Itoa(40000+r%5000) + `</v></c>`)
			default:
				sheet.WriteString(`<c r="` + ref + `" t="s"><v>` + str(fmt.Sprintf("%s %d &amp; é", headers[c], r)) + `</v></c>`)
			}
		}
		sheet.WriteString(`</row>`)
	}
	sheet.WriteString(`</sheetData></worksheet>`)
	styles := `<styleSheet ` + nsMain + `><numFmts count="2"><numFmt numFmtId="164" formatCode="00000"/><numFmt numFmtId="165" formatCode="0#&quot; &quot;##&quot; &quot;##&quot; &quot;##&quot; &quot;##"/></numFmts>` +
		`<cellXfs count="4"><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="165"/><xf numFmtId="14"/></cellXfs></styleSheet>`
	return handBook(b, nsMain, "", [][2]string{{"Clients", sheet.String()}}, `<sst `+nsMain+`>`+shared.String()+`</sst>`, styles)
}
