package jobs

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/clientdesk/clientdesk/internal/domain"
)

// s3Sink answers the multipart upload calls and discards the bytes: what is measured is our
// path, not an emulator's storage.
func s3Sink(tb testing.TB) *s3.Client {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		q := r.URL.Query()
		switch {
		case r.Method == http.MethodPost && q.Has("uploads"):
			_, _ = io.WriteString(w, `<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>k</Key><UploadId>u1</UploadId></InitiateMultipartUploadResult>`)
		case r.Method == http.MethodPut && q.Has("partNumber"):
			w.Header().Set("ETag", `"etag-`+q.Get("partNumber")+`"`)
		case r.Method == http.MethodPost && q.Has("uploadId"):
			_, _ = io.WriteString(w, `<CompleteMultipartUploadResult><Bucket>b</Bucket><Key>k</Key><ETag>"x"</ETag></CompleteMultipartUploadResult>`)
		case r.Method == http.MethodDelete:
			w.WriteHeader(http.StatusNoContent)
		}
	}))
	tb.Cleanup(srv.Close)
	return s3.New(s3.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), UsePathStyle: true,
		Credentials: credentials.NewStaticCredentialsProvider("a", "b", ""), RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired})
}

// pageSource feeds n clients from pages already in memory: a pool of 1,000 distinct clients,
// made once, cycled. The cycle (~240 KB of CSV) is far wider than deflate's 32 KB window, so
// the repetition does not flatter the compression.
func pageSource(n int, each func(*domain.Client) error) error {
	pool := clientPool()
	for i := range n {
		if err := each(pool[i%len(pool)]); err != nil {
			return err
		}
	}
	return nil
}

var clientPool = sync.OnceValue(func() []*domain.Client {
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	first := []string{"Hélène", "Jean", "Élodie", "James", "Olivia", "Théo", "Chloé"}
	last := []string{"Dufour", "Lefèvre", "Martin", "Smith", "O'Brien", "Garnier", "Roux", "Faure"}
	pool := make([]*domain.Client, 1000)
	for i := range pool {
		pool[i] = &domain.Client{ID: fmt.Sprintf("019b%04x-0000-7000-8000-%012d", i, i*7919),
			Fields: domain.Fields{FirstName: first[i%7], LastName: last[i%8], CompanyName: "Atelier " + last[i%8] + ", Lyon",
				Email: fmt.Sprintf("client%d@example.fr", i*31), Phones: []string{fmt.Sprintf("+336%08d", i*104729)},
				Address: &domain.Address{Line1: fmt.Sprintf("%d rue de la République", i%300), PostalCode: "69002", City: "Lyon", Country: "FR"},
				Tags:    []string{"VIP"}, Notes: "Rappeler « lundi »"},
			Status: domain.StatusActive, Access: domain.Access{Status: domain.AccessActive},
			CreatedAt: domain.At(at.Add(time.Duration(i) * time.Minute)), UpdatedAt: domain.At(at.Add(time.Duration(i) * time.Hour))}
	}
	return pool
})

// benchDialect is the exports' dialect in the benchmarks: French, dates in Paris.
func benchDialect() domain.Dialect {
	paris, _ := time.LoadLocation("Europe/Paris")
	return domain.DialectOf("fr", 0, paris)
}

// exportRows runs the whole path of one file of n rows in a format (the writer, the
// compression, the multipart upload to a sink).
func exportRows(tb testing.TB, client *s3.Client, n int, format domain.ExportFormat) (rows int64, size int64) {
	up, err := NewUpload(context.Background(), client, "b", "k", contentType("x."+string(format)))
	if err != nil {
		tb.Fatal(err)
	}
	cols := domain.StandardExportColumns
	var w RowWriter
	if format == domain.FormatXLSX {
		w = NewXLSXWriter(up, cols, kindsOf(cols, nil), benchDialect())
	} else if w, err = NewWriter(up, "clients.csv", cols, kindsOf(cols, nil), benchDialect()); err != nil {
		tb.Fatal(err)
	}
	if err := pageSource(n, w.Write); err != nil {
		tb.Fatal(err)
	}
	if err := w.Close(); err != nil {
		tb.Fatal(err)
	}
	if err := up.Close(); err != nil {
		tb.Fatal(err)
	}
	return w.Written(), up.Size
}

// BenchmarkExport1M: rows per second of the whole path (CSV, zip, multipart upload) for one
// million rows, and its time against the physical floor measured in the same run: the same
// CSV bytes compressed with zip (deflate) and with gzip -6; then the XLSX path for the same
// rows, and its time against the CSV path's.
func BenchmarkExport1M(b *testing.B) {
	const n = 1_000_000
	client := s3Sink(b)
	var csvBytes bytes.Buffer
	csvOnly(b, n, &csvBytes)
	var full, zipT, gzipT, xlsxT time.Duration
	var size, xlsxSize int64
	for b.Loop() {
		start := time.Now()
		_, size = exportRows(b, client, n, domain.FormatCSV)
		full += time.Since(start)

		start = time.Now()
		_, xlsxSize = exportRows(b, client, n, domain.FormatXLSX)
		xlsxT += time.Since(start)

		start = time.Now()
		zw := zip.NewWriter(io.Discard)
		f, _ := zw.Create("x.csv")
		_, _ = f.Write(csvBytes.Bytes())
		_ = zw.Close()
		zipT += time.Since(start)

		start = time.Now()
		gw, _ := gzip.NewWriterLevel(io.Discard, 6)
		_, _ = gw.Write(csvBytes.Bytes())
		_ = gw.Close()
		gzipT += time.Since(start)
	}
	iters := float64(b.N)
	b.ReportMetric(n*iters/full.Seconds(), "rows/s")
	b.ReportMetric(float64(csvBytes.Len())/1e6, "csv-MB")
	b.ReportMetric(float64(size)/1e6, "zip-MB")
	b.ReportMetric(full.Seconds()/zipT.Seconds(), "ratio-to-zip")
	b.ReportMetric(full.Seconds()/gzipT.Seconds(), "ratio-to-gzip6")
	b.ReportMetric(n*iters/xlsxT.Seconds(), "xlsx-rows/s")
	b.ReportMetric(float64(xlsxSize)/1e6, "xlsx-MB")
	b.ReportMetric(xlsxT.Seconds()/full.Seconds(), "xlsx-ratio-to-csv")
}

func csvOnly(tb testing.TB, n int, out *bytes.Buffer) {
	// The file's CSV bytes, without the zip: the Writer's own code, into a zip whose entry
	// is stored, then read back.
	var z bytes.Buffer
	zw := zip.NewWriter(&z)
	f, _ := zw.CreateHeader(&zip.FileHeader{Name: "x.csv", Method: zip.Store})
	_, _ = io.WriteString(f, "\ufeff")
	bw := bufio.NewWriter(f)
	cols := domain.StandardExportColumns
	w := &Writer{buf: bw, columns: cols, kinds: kindsOf(cols, nil), dialect: benchDialect(), record: make([]string, len(cols))}
	if err := pageSource(n, w.Write); err != nil {
		tb.Fatal(err)
	}
	_ = bw.Flush()
	_ = zw.Close()
	zr, _ := zip.NewReader(bytes.NewReader(z.Bytes()), int64(z.Len()))
	rc, _ := zr.File[0].Open()
	_, _ = io.Copy(out, rc)
}

// BenchmarkExportMemory runs the whole path for 100,000 and for 1,000,000 rows in child
// processes, CSV then XLSX, and reports each one's peak resident memory (VmHWM): flat means
// independent of the row count.
func BenchmarkExportMemory(b *testing.B) {
	var peaks [4]float64
	for b.Loop() {
		for i, run := range []struct {
			n      int
			format domain.ExportFormat
		}{{100_000, domain.FormatCSV}, {1_000_000, domain.FormatCSV}, {100_000, domain.FormatXLSX}, {1_000_000, domain.FormatXLSX}} {
			cmd := exec.Command(os.Args[0], "-test.run=^TestExportMemoryChild$", "-test.v")
			cmd.Env = append(os.Environ(), "EXPORT_CHILD_ROWS="+strconv.Itoa(run.n), "EXPORT_CHILD_FORMAT="+string(run.format))
			out, err := cmd.CombinedOutput()
			if err != nil {
				b.Fatalf("%v: %s", err, out)
			}
			_, rest, ok := strings.Cut(string(out), "VmHWM_KB=")
			if !ok {
				b.Fatalf("no VmHWM in %s", out)
			}
			kb, _ := strconv.Atoi(strings.Fields(rest)[0])
			peaks[i] = float64(kb) / 1024
		}
	}
	b.ReportMetric(peaks[0], "csv-RSS-MB-100k")
	b.ReportMetric(peaks[1], "csv-RSS-MB-1M")
	b.ReportMetric(peaks[1]-peaks[0], "csv-RSS-MB-difference")
	b.ReportMetric(peaks[2], "xlsx-RSS-MB-100k")
	b.ReportMetric(peaks[3], "xlsx-RSS-MB-1M")
	b.ReportMetric(peaks[3]-peaks[2], "xlsx-RSS-MB-difference")
}

// TestExportMemoryChild is BenchmarkExportMemory's child; it does nothing on its own.
func TestExportMemoryChild(t *testing.T) {
	n, err := strconv.Atoi(os.Getenv("EXPORT_CHILD_ROWS"))
	if err != nil {
		t.Skip("run by BenchmarkExportMemory")
	}
	rows, _ := exportRows(t, s3Sink(t), n, domain.ExportFormat(os.Getenv("EXPORT_CHILD_FORMAT")))
	status, _ := os.ReadFile("/proc/self/status")
	for _, line := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			fmt.Printf("rows=%d VmHWM_KB=%s\n", rows, strings.Fields(v)[0])
		}
	}
}
