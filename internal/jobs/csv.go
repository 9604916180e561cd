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
	"unicode/utf8"

	"github.com/clientdesk/clientdesk/internal/domain"
)

// neutralize defuses spreadsheet formula injection (OWASP "CSV Injection"): a cell that
// starts with = + - @ (or their full-width forms, which spreadsheets fold), a tab or a
// carriage return is prefixed with a quote, so that it shows as text instead of being
// evaluated.
func neutralize(s string) string {
	if s == "" {
		return s
	}
	r, _ := utf8.DecodeRuneInString(s)
	switch r {
	case '=', '+', '-', '@', '\t', '\r', '＝', '＋', '－', '＠':
		return "'" + s
	}
	return s
}

// wordJoiner is U+2060, an invisible character that joins what it stands between.
const wordJoiner = "\u2060"

// digits writes text that a spreadsheet would otherwise turn into a number or a formula (a
// phone "+33612345678", a postal code "01000"): led by an invisible word joiner, it is
// neither (no apostrophe shows, the + and the zeros stay), and it reads the same.
func digits(s string) string {
	if s == "" {
		return s
	}
	if c := s[0]; c == '+' || c == '-' || c >= '0' && c <= '9' {
		return wordJoiner + s
	}
	return neutralize(s)
}

// needsQuotes reports whether a field must be quoted: it holds a quote, a line break, or
// any of the separators a spreadsheet may split on (";", ",", tab), whichever the file's
// (a French Excel splits a comma file on ";", so "Dupont;=1+1" unquoted would be two cells,
// the second a formula), or starts with a space.
func needsQuotes(f string) bool {
	if f == "" {
		return false
	}
	if f[0] == ' ' || f[0] == '\t' {
		return true
	}
	for i := 0; i < len(f); i++ {
		switch f[i] {
		case '"', '\r', '\n', ';', ',', '\t':
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
	kinds   []domain.CellKind
	dialect domain.Dialect
	record  []string
	Rows    int64
}

// handoff is the size of the chunks passed from formatting to compression.
const handoff = 256 << 10

// NewWriter starts the zip stream on w with one file, name, and writes its header row in the
// dialect's language; kinds says how each column's values are written (nil: as text).
func NewWriter(w io.Writer, name string, columns []domain.ExportColumn, kinds []domain.CellKind, dialect domain.Dialect) (*Writer, error) {
	zw := zip.NewWriter(w)
	f, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: time.Now().UTC()})
	if err != nil {
		return nil, err
	}
	headers := make([]string, len(columns))
	for i, c := range columns {
		headers[i] = dialect.Pick(c.Header)
	}
	ew, err := newWriter(f, headers, kinds, dialect)
	if err != nil {
		return nil, err
	}
	ew.zw, ew.columns = zw, columns
	return ew, nil
}

// NewCSVWriter writes a plain CSV on w (not zipped), in the same way: a file a person opens,
// fixes and uploads again (an import's failing rows), headed by headers.
func NewCSVWriter(w io.Writer, headers []string, kinds []domain.CellKind, dialect domain.Dialect) (*Writer, error) {
	return newWriter(w, headers, kinds, dialect)
}

func newWriter(dst io.Writer, headers []string, kinds []domain.CellKind, dialect domain.Dialect) (*Writer, error) {
	ch := newChunks(dst)
	buf := bufio.NewWriterSize(ch, handoff)
	if _, err := buf.WriteString("\ufeff"); err != nil {
		return nil, err
	}
	if kinds == nil {
		kinds = make([]domain.CellKind, len(headers))
	}
	ew := &Writer{buf: buf, chunks: ch, kinds: kinds, dialect: dialect, record: make([]string, len(headers))}
	for i, h := range headers {
		// A header is a custom field's label, which an admin writes: neutralised as a cell.
		ew.record[i] = neutralize(h)
	}
	return ew, ew.writeRecord()
}

// writeRecord writes w.record as one RFC 4180 line ending in CRLF, fields split by the
// dialect's separator: a field is quoted only when it must be (needsQuotes), its quotes
// doubled.
func (w *Writer) writeRecord() error {
	line := w.line[:0]
	for i, f := range w.record {
		if i > 0 {
			line = append(line, w.dialect.Separator)
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

// Write adds one client as a row: each cell in the dialect, numbers as numbers, digits kept
// as text, everything else neutralised.
func (w *Writer) Write(c *domain.Client) error {
	for i, col := range w.columns {
		raw, kind := col.Value(c), w.kinds[i]
		switch cell := w.dialect.Cell(kind, raw); {
		case domain.Numeric(kind, raw):
			w.record[i] = cell
		case kind == domain.CellDigits:
			w.record[i] = digits(cell)
		default:
			w.record[i] = neutralize(cell)
		}
	}
	w.Rows++
	return w.writeRecord()
}

// Written is the rows written so far, header aside.
func (w *Writer) Written() int64 { return w.Rows }

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

// WriteCells adds a row of cells as a person typed them, one per column: a column of digits
// (kinds) kept as text, the others neutralised.
func (w *Writer) WriteCells(cells ...string) error {
	for i := range w.record {
		w.record[i] = ""
		if i >= len(cells) {
			continue
		}
		if w.kinds[i] == domain.CellDigits && cells[i] != "" {
			w.record[i] = digits(cells[i])
		} else {
			w.record[i] = neutralize(cells[i])
		}
	}
	w.Rows++
	return w.writeRecord()
}

// Close flushes the CSV and finishes the zip stream, if any (not the underlying writer).
func (w *Writer) Close() error {
	err := w.buf.Flush()
	if cerr := w.chunks.Close(); err == nil {
		err = cerr
	}
	if err != nil || w.zw == nil {
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
