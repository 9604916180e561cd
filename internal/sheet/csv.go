package sheet

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strings"
	"unicode/utf8"
)

// sniffBytes is how much of a CSV is looked at to detect its encoding and separator.
const sniffBytes = 64 << 10

// separators are the ones detected, in the order a tie is settled: French Excel writes ";".
var separators = []rune{';', ',', '\t'}

type csvReader struct {
	src      io.RuneScanner
	sep      rune
	detected Detected
	row      int
	// badBytes counts the bytes that were not UTF-8 in the row being read.
	badBytes int
}

// NewCSV reads a CSV: its encoding and separator are detected on its first 64 KB.
func NewCSV(r io.Reader) (Reader, error) {
	br := bufio.NewReaderSize(r, sniffBytes)
	head, err := br.Peek(sniffBytes)
	if err != nil && err != io.EOF && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, err
	}
	truncated := len(head) == sniffBytes
	c := &csvReader{detected: Detected{Format: FormatCSV}}
	var text string
	switch {
	case bytes.HasPrefix(head, []byte("\xef\xbb\xbf")):
		c.detected.Encoding = EncodingUTF8BOM
		_, _ = br.Discard(3)
		text = string(head[3:])
		c.src = br
	case validUTF8Prefix(head):
		c.detected.Encoding = EncodingUTF8
		text = string(head)
		c.src = br
	default:
		c.detected.Encoding = EncodingWindows1252
		text = string(appendWindows1252(nil, head))
		c.src = bufio.NewReaderSize(windows1252Reader(br), sniffBytes)
	}
	c.sep = detectSeparator(text, truncated)
	c.detected.Separator = string(c.sep)
	return c, nil
}

func (c *csvReader) Detected() Detected { return c.detected }

func (c *csvReader) Close() error { return nil }

// Next reads the next record. A blank line is a row without cells; a row that held bytes that
// are not UTF-8 (in a file detected as UTF-8) comes with a bad_encoding error that concerns
// that row only (its cells hold U+FFFD where the bytes were), and reading can go on.
func (c *csvReader) Next() (Row, error) {
	c.row++
	c.badBytes = 0
	cells, err := c.record()
	if err != nil {
		if err != io.EOF {
			var e *Error
			if errors.As(err, &e) {
				e.Row = c.row
			}
		}
		return Row{}, err
	}
	if len(cells) == 1 && cells[0] == "" {
		cells = nil
	}
	row := Row{Number: c.row, Cells: cells}
	if c.badBytes > 0 {
		return row, &Error{Row: c.row, Code: CodeBadEncoding}
	}
	return row, nil
}

// record reads one RFC 4180 record: fields separated by sep, records by CRLF, LF or CR,
// quoted fields with doubled quotes and line breaks inside. As spreadsheets do, a quote
// inside an unquoted field, or text after a closing quote, is kept as text.
func (c *csvReader) record() ([]string, error) {
	return readRecord(c.src, c.sep, &c.badBytes)
}

func readRecord(src io.RuneScanner, sep rune, badBytes *int) ([]string, error) {
	var (
		cells   []string
		cell    strings.Builder
		quoted  bool
		started bool // a quote opened the current cell
		read    bool
	)
	add := func() error {
		if len(cells) == MaxColumns {
			return &Error{Code: CodeTooManyColumns}
		}
		cells = append(cells, cell.String())
		cell.Reset()
		started = false
		return nil
	}
	for {
		r, size, err := src.ReadRune()
		if err == io.EOF {
			if quoted {
				return nil, &Error{Code: CodeUnterminatedQuote}
			}
			if !read {
				return nil, io.EOF
			}
			if err := add(); err != nil {
				return nil, err
			}
			return cells, nil
		}
		if err != nil {
			return nil, err
		}
		read = true
		if r == utf8.RuneError && size == 1 && badBytes != nil {
			*badBytes++
		}
		if quoted {
			if r != '"' {
				cell.WriteRune(r)
			} else if next, _, err := src.ReadRune(); err == nil && next == '"' {
				cell.WriteByte('"')
			} else {
				if err == nil {
					_ = src.UnreadRune()
				}
				quoted = false
			}
		} else {
			switch r {
			case '"':
				if cell.Len() == 0 && !started {
					quoted, started = true, true
				} else {
					cell.WriteByte('"')
				}
			case sep:
				if err := add(); err != nil {
					return nil, err
				}
			case '\r', '\n':
				if r == '\r' {
					if next, _, err := src.ReadRune(); err == nil && next != '\n' {
						_ = src.UnreadRune()
					}
				}
				if err := add(); err != nil {
					return nil, err
				}
				return cells, nil
			default:
				cell.WriteRune(r)
			}
		}
		if cell.Len() > MaxCellBytes {
			return nil, &Error{Code: CodeCellTooLong}
		}
	}
}

// detectSeparator finds the separator that splits the first records (at most 20) into the
// same number of fields, more than one, most often: the file's columns. When the sniffed
// text was cut, its last record may be cut too and is not counted.
func detectSeparator(text string, truncated bool) rune {
	best, bestScore, bestFields := separators[0], 0, 0
	for _, sep := range separators {
		src := strings.NewReader(text)
		var counts []int
		for len(counts) < 21 {
			cells, err := readRecord(src, sep, nil)
			if err != nil {
				break
			}
			if len(cells) > 1 || cells[0] != "" {
				counts = append(counts, len(cells))
			}
		}
		if truncated && len(counts) > 1 {
			counts = counts[:len(counts)-1]
		}
		if len(counts) == 0 {
			continue
		}
		// The score: how many records have the first record's number of fields.
		score := 0
		for _, n := range counts {
			if n == counts[0] {
				score++
			}
		}
		if counts[0] > 1 && (score > bestScore || (score == bestScore && counts[0] > bestFields)) {
			best, bestScore, bestFields = sep, score, counts[0]
		}
	}
	return best
}

// validUTF8Prefix reports whether b is UTF-8, but for a sequence cut at its end.
func validUTF8Prefix(b []byte) bool {
	for i := 0; i < len(b); {
		r, w := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && w == 1 {
			return !utf8.FullRune(b[i:]) && len(b)-i < utf8.UTFMax
		}
		i += w
	}
	return true
}
