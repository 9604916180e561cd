// Package export writes clients as a zipped CSV streamed to S3, and runs export jobs: the
// worker behind POST /v1/exports.
package export

import (
	"archive/zip"
	"bufio"
	"io"
	"strings"
	"time"

	"github.com/clientdesk/clientdesk/internal/domain"
)

// neutralize defuses spreadsheet formula injection (OWASP "CSV Injection"): a cell that
// starts with = + - @, a tab or a carriage return is prefixed with a quote, so that Excel
// shows it as text instead of evaluating it.
func neutralize(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

// needsQuotes reports whether an RFC 4180 field must be quoted.
func needsQuotes(f string) bool {
	if f == "" {
		return false
	}
	if f[0] == ' ' || f[0] == '\t' {
		return true
	}
	for i := 0; i < len(f); i++ {
		switch f[i] {
		case '"', ',', '\r', '\n':
			return true
		}
	}
	return false
}

// Writer writes one CSV file inside a zip stream: UTF-8 with a byte order mark and CRLF line
// ends (Excel opens French accents right), RFC 4180 quoting. Rows are formatted on the
// caller's goroutine while another compresses and uploads the previous ones: the two halves
// of the work overlap on two cores, through a bounded buffer (memory stays flat).
type Writer struct {
	zw      *zip.Writer
	line    []byte
	buf     *bufio.Writer
	pipe    *io.PipeWriter
	done    chan error
	columns []domain.ExportColumn
	record  []string
	Rows    int64
}

// handoff is the size of the chunks passed from formatting to compression.
const handoff = 256 << 10

// NewWriter starts the zip stream on w with one file, name, and writes its header row in lang.
func NewWriter(w io.Writer, name string, columns []domain.ExportColumn, lang string) (*Writer, error) {
	zw := zip.NewWriter(w)
	f, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: time.Now().UTC()})
	if err != nil {
		return nil, err
	}
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		_, err := io.Copy(f, pr)
		pr.CloseWithError(err) // a failed upload stops the formatting side too
		done <- err
	}()
	buf := bufio.NewWriterSize(pw, handoff)
	if _, err := buf.WriteString("\ufeff"); err != nil {
		return nil, err
	}
	ew := &Writer{zw: zw, buf: buf, pipe: pw, done: done, columns: columns, record: make([]string, len(columns))}
	for i, c := range columns {
		ew.record[i] = c.Header.EN
		if lang == "fr" && c.Header.FR != "" || c.Header.EN == "" {
			ew.record[i] = c.Header.FR
		}
	}
	return ew, ew.writeRecord()
}

// writeRecord writes w.record as one RFC 4180 line ending in CRLF: a field is quoted only
// when it holds a quote, a comma, a line break or leading space, its quotes doubled.
func (w *Writer) writeRecord() error {
	line := w.line[:0]
	for i, f := range w.record {
		if i > 0 {
			line = append(line, ',')
		}
		if !needsQuotes(f) {
			line = append(line, f...)
			continue
		}
		line = append(line, '"')
		for {
			j := strings.IndexByte(f, '"')
			if j < 0 {
				break
			}
			line = append(line, f[:j+1]...)
			line = append(line, '"')
			f = f[j+1:]
		}
		line = append(line, f...)
		line = append(line, '"')
	}
	line = append(line, '\r', '\n')
	w.line = line
	_, err := w.buf.Write(line)
	return err
}

// Write adds one client as a row.
func (w *Writer) Write(c *domain.Client) error {
	for i, col := range w.columns {
		w.record[i] = neutralize(col.Value(c))
	}
	w.Rows++
	return w.writeRecord()
}

// Close flushes the CSV and finishes the zip stream (not the underlying writer).
func (w *Writer) Close() error {
	err := w.buf.Flush()
	w.pipe.CloseWithError(err)
	if cerr := <-w.done; err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return w.zw.Close()
}
