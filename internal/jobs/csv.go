// Package jobs runs the long work of the service from its queue, on one job model (see
// domain.Job): exports (clients as a zipped CSV streamed to S3), bulk changes, site clean-ups;
// and the tasks a request leaves (a removed client's events to reduce).
package jobs

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
	chunks  *chunks
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
	ch := newChunks(f)
	buf := bufio.NewWriterSize(ch, handoff)
	if _, err := buf.WriteString("\ufeff"); err != nil {
		return nil, err
	}
	ew := &Writer{zw: zw, buf: buf, chunks: ch, columns: columns, record: make([]string, len(columns))}
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

// WriteRow adds a row of plain values (a job's per-client results), one per column.
func (w *Writer) WriteRow(values ...string) error {
	for i := range w.record {
		w.record[i] = ""
		if i < len(values) {
			w.record[i] = neutralize(values[i])
		}
	}
	w.Rows++
	return w.writeRecord()
}

// Close flushes the CSV and finishes the zip stream (not the underlying writer).
func (w *Writer) Close() error {
	err := w.buf.Flush()
	if cerr := w.chunks.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return w.zw.Close()
}

// chunks hands full buffers from the formatting goroutine to a goroutine that compresses and
// uploads them, through a ring of a few buffers: both sides work at once, and memory is
// bounded by the ring. A failure on the far side stops the near side at its next write.
type chunks struct {
	full     chan []byte
	free     chan []byte
	failed   chan error    // the far side's first error, sent at once
	finished chan struct{} // closed when the far side has drained the ring
	err      error
}

const ringSize = 4

func newChunks(dst io.Writer) *chunks {
	c := &chunks{full: make(chan []byte, ringSize), free: make(chan []byte, ringSize), failed: make(chan error, 1), finished: make(chan struct{})}
	for range ringSize {
		c.free <- make([]byte, 0, handoff)
	}
	go func() {
		defer close(c.finished)
		var err error
		for b := range c.full {
			if err == nil {
				if _, err = dst.Write(b); err != nil {
					c.failed <- err // at once, so the formatting side stops at its next write
				}
			}
			c.free <- b[:0]
		}
	}()
	return c
}

// Write is called by bufio with whole buffers; it copies p into a free ring buffer.
func (c *chunks) Write(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	select {
	case err := <-c.failed:
		c.err = err
		return 0, err
	default:
	}
	b := append(<-c.free, p...)
	c.full <- b
	return len(p), nil
}

// Close waits for the far side to finish and returns its error.
func (c *chunks) Close() error {
	close(c.full)
	<-c.finished
	if c.err != nil {
		return c.err
	}
	select {
	case err := <-c.failed:
		return err
	default:
		return nil
	}
}
