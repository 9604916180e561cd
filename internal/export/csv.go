// Package export writes clients as a zipped CSV streamed to S3, and runs export jobs: the
// worker behind POST /v1/exports.
package export

import (
	"archive/zip"
	"encoding/csv"
	"io"
	"strings"
	"time"

	"github.com/clientdesk/clientdesk/internal/domain"
)

// neutralize defuses spreadsheet formula injection (OWASP "CSV Injection"): a cell that
// starts with = + - @, a tab or a carriage return is prefixed with a quote, so that Excel
// shows it as text instead of evaluating it.
func neutralize(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// Writer writes one CSV file inside a zip stream: UTF-8 with a byte order mark and CRLF line
// ends (Excel opens French accents right), RFC 4180 quoting.
type Writer struct {
	zw      *zip.Writer
	cw      *csv.Writer
	columns []domain.ExportColumn
	record  []string
	Rows    int64
}

// NewWriter starts the zip stream on w with one file, name, and writes its header row in lang.
func NewWriter(w io.Writer, name string, columns []domain.ExportColumn, lang string) (*Writer, error) {
	zw := zip.NewWriter(w)
	f, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: time.Now().UTC()})
	if err != nil {
		return nil, err
	}
	if _, err := io.WriteString(f, "\ufeff"); err != nil {
		return nil, err
	}
	cw := csv.NewWriter(f)
	cw.UseCRLF = true
	ew := &Writer{zw: zw, cw: cw, columns: columns, record: make([]string, len(columns))}
	for i, c := range columns {
		ew.record[i] = c.Header.EN
		if lang == "fr" && c.Header.FR != "" || c.Header.EN == "" {
			ew.record[i] = c.Header.FR
		}
	}
	return ew, cw.Write(ew.record)
}

// Write adds one client as a row.
func (w *Writer) Write(c *domain.Client) error {
	for i, col := range w.columns {
		w.record[i] = neutralize(col.Value(c))
	}
	w.Rows++
	return w.cw.Write(w.record)
}

// Close flushes the CSV and finishes the zip stream (not the underlying writer).
func (w *Writer) Close() error {
	w.cw.Flush()
	if err := w.cw.Error(); err != nil {
		return err
	}
	return w.zw.Close()
}
