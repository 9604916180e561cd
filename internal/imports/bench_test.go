package imports

import (
	"bytes"
	"fmt"
	"io"
	"runtime"
	"testing"

	"github.com/clientdesk/clientdesk/internal/phone"
	"github.com/clientdesk/clientdesk/internal/sheet"
)

// frenchFile is a French Excel CSV of n clients: Windows-1252, ";", CRLF, every column a
// client of an agency has, one row in fifty with a bad e-mail and one in a hundred a duplicate.
func frenchFile(n int) []byte {
	var b bytes.Buffer
	b.WriteString("Pr\xe9nom;Nom;Soci\xe9t\xe9;E-mail;T\xe9l\xe9phone;Code client;Adresse;CP;Ville;Pays;\xc9tiquettes\r\n")
	firsts := []string{"H\xe9l\xe8ne", "Jean", "Marie", "Fran\xe7ois", "Chlo\xe9", "Lucas"}
	lasts := []string{"Martin", "Bernard", "Dubois", "Lef\xe8vre", "Moreau", "Garnier"}
	for i := range n {
		email := fmt.Sprintf("client%d@exemple.fr", i)
		if i%100 == 98 {
			email = fmt.Sprintf("client%d@exemple.fr", i-1)
		}
		if i%50 == 49 {
			email = "pas-une-adresse"
		}
		fmt.Fprintf(&b, "%s;%s;\"Atelier %d; SARL\";%s;06 12 %02d %02d %02d;C-%06d;%d rue de la R\xe9publique;75%03d;Paris;France;vip, export\r\n",
			firsts[i%len(firsts)], lasts[i%len(lasts)], i, email, i%100, (i/100)%100, (i/7)%100, i, i%200+1, i%20+1)
	}
	return b.Bytes()
}

// BenchmarkCheckFile reads and checks a whole file, as the validation run does (without the
// lookups of existing clients): rows a second, and the heap the check holds once the file is
// read (beyond the file itself): a hash and a row number per e-mail and code, about 30 bytes
// a row.
func BenchmarkCheckFile(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		data := frenchFile(n)
		b.Run(fmt.Sprintf("rows=%d", n), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			var heap, base uint64
			runtime.GC()
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			base = m.HeapInuse // the file itself, held by the benchmark
			for b.Loop() {
				r, err := sheet.NewCSV(bytes.NewReader(data))
				if err != nil {
					b.Fatal(err)
				}
				head, err := r.Next()
				if err != nil {
					b.Fatal(err)
				}
				c := NewChecker(Reading{Columns: DetectMapping(head.Cells, nil), Lang: "fr", ParsePhone: phone.E164}, CreateOnly, "")
				bad := 0
				for {
					row, err := r.Next()
					if err == io.EOF {
						break
					}
					ch := c.Check(row, err)
					if action, _ := c.Decide(&ch, nil, nil, nil); action == ActionError {
						bad++
					}
				}
				if want := n/50 + n/100; bad != want {
					b.Fatalf("%d rows in error, want %d", bad, want)
				}
				runtime.GC()
				runtime.ReadMemStats(&m)
				heap = m.HeapInuse - base
				runtime.KeepAlive(c)
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
			b.ReportMetric(float64(heap)/1e6, "heap-MB")
		})
	}
}
