package sheet

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
)

// What an XLSX may unzip to, and what of it is held in memory. The sheet is streamed; the
// shared strings are held (a cell names one by its index), within their own bounds; every
// other part (the workbook, its relationships, the styles) is small in any real file.
// 100,000 clients of 15 columns unzip to about 100 MB, their shared strings to 20–30 MB of
// text.
const (
	MaxUnzipped      = 512 << 20
	MaxUnzippedPart  = 64 << 20
	MaxSharedText    = 128 << 20
	MaxSharedStrings = 4 << 20
	// maxRun is the most XML read without markup: a cell's text at its longest, every
	// character written as an entity, is well within it.
	maxRun = 1 << 20
	// Excel's own limits on a sheet.
	maxSheetRows    = 1 << 20
	maxSheetColumns = 1 << 14
)

var (
	errCellTooLong = errors.New("cell too long")
	errTooLarge    = errors.New("too large")
)

type xlsxReader struct {
	part     io.ReadCloser
	dec      *tokens
	shared   sharedStrings
	styles   styles
	detected Detected
	// row is the number of the last row returned, next a row read ahead of it (the rows a
	// sheet leaves out come first, without cells), done once the sheet's data has ended;
	// last is the number of the last <row> read, with cells or not, inRow whether it is
	// being read.
	row   int
	next  *Row
	last  int
	inRow bool
	done  bool
	text  bytes.Buffer
}

// NewXLSX reads the first sheet of an XLSX workbook (the first tab, as the workbook orders
// them): text as it is, a formula's last computed value (never computed here), a number as
// its format shows it, written so that it reads the same in French and in English: no
// thousands separator, a decimal point, a date (any date format, the built-in ones showing
// as the reader's locale wants) in ISO 8601, 2024-03-15, with its time when its format shows
// one (2024-03-15 14:30). Booleans are TRUE and FALSE, errors as the sheet shows them (#N/A).
// The rows the sheet leaves out before a row of values come as rows without cells; a row
// only formatted after the last row of values is none.
//
// The workbook is read by its relationships, as Excel and LibreOffice read it, in the
// transitional or the strict namespace, its parts in UTF-8, UTF-16 (with its byte order
// mark), ISO-8859-1 or Windows-1252.
func NewXLSX(r io.ReaderAt, size int64) (Reader, error) { return NewXLSXSheet(r, size, "") }

// NewXLSXSheet reads the sheet of a workbook its tab names (any case; "" for the first), as
// NewXLSX reads the first.
func NewXLSXSheet(r io.ReaderAt, size int64, name string) (Reader, error) {
	z, err := zip.NewReader(r, size)
	if err != nil {
		return nil, &Error{Code: CodeNotXLSX, Err: err}
	}
	parts := map[string]*zip.File{}
	var total uint64
	for _, f := range z.File {
		total += f.UncompressedSize64
		name := strings.ToLower(strings.ReplaceAll(f.Name, `\`, "/"))
		big := strings.HasPrefix(name, "xl/worksheets/") || name == "xl/sharedstrings.xml"
		if total > MaxUnzipped || (!big && f.UncompressedSize64 > MaxUnzippedPart) {
			return nil, &Error{Code: CodeTooLargeUnzipped}
		}
		parts[name] = f
	}
	// Each part read is read to its end, where archive/zip checks its declared size and its
	// CRC-32 (a part that holds more than it declares fails where it passes its size): the
	// small parts by walk, the sheet by readRow, which reads on past its data (end). A
	// damaged part is never taken for a shorter sheet, and no part is inflated twice.
	book, err := openBook(parts, name)
	if err != nil {
		return nil, err
	}
	x := &xlsxReader{detected: Detected{Format: FormatXLSX, Sheet: book.sheet, Sheets: book.sheets}}
	x.styles.date1904 = book.date1904
	if f := parts[book.styles]; f != nil {
		if err := readPart(f, x.styles.read); err != nil {
			return nil, err
		}
	}
	if f := parts[book.sharedStrings]; f != nil {
		if err := readPart(f, x.shared.read); err != nil {
			return nil, err
		}
	}
	f := parts[book.sheetPart]
	if f == nil {
		return nil, &Error{Code: CodeNotXLSX, Err: fmt.Errorf("no part %s", book.sheetPart)}
	}
	rc, dec, err := decoder(f)
	if err != nil {
		return nil, err
	}
	x.part, x.dec = rc, dec
	return x, nil
}

func (x *xlsxReader) Detected() Detected { return x.detected }

// Next returns the next row; the rows the sheet leaves out come as rows without cells.
func (x *xlsxReader) Next() (Row, error) {
	if x.next == nil && !x.done {
		row, err := x.readRow()
		if err != nil {
			x.done = true
			at := x.last + 1 // between rows: the next one
			if x.inRow {
				at = x.last
			}
			return Row{}, &Error{Row: at, Code: partCode(err), Err: err}
		}
		x.next = row
	}
	if x.next == nil {
		return Row{}, io.EOF
	}
	x.row++
	if x.next.Number > x.row {
		return Row{Number: x.row}, nil
	}
	row := *x.next
	x.next = nil
	return row, nil
}

func (x *xlsxReader) Close() error { return x.part.Close() }

var errTooManyColumns = errors.New("too many columns")

// readRow reads the sheet on to its next <row> that shows something: nil once its data has
// ended. A <row> of no value (a row only formatted: a person who formatted row 1,000,000 has
// Excel write it) is passed over: empty rows come before a row of values, as the gap before
// it, never after the last.
func (x *xlsxReader) readRow() (*Row, error) {
	for {
		tok, err := x.dec.Token()
		if err == io.EOF {
			return nil, x.end()
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local == "row" {
				if row, err := x.parseRow(t); err != nil || len(row.Cells) > 0 {
					return row, err
				}
			}
		case xml.EndElement:
			if t.Name.Local == "sheetData" {
				return nil, x.end()
			}
		}
	}
}

// end reads the sheet's part on to its end (what follows its data), where archive/zip checks
// its size and CRC-32: the rows read came from an intact part.
func (x *xlsxReader) end() error {
	x.done = true
	_, err := io.Copy(io.Discard, x.part)
	return err
}

func (x *xlsxReader) parseRow(start xml.StartElement) (*Row, error) {
	number := x.last + 1
	if r, ok := attr(start, "r"); ok {
		n, err := strconv.Atoi(r)
		if err != nil || n < number || n > maxSheetRows {
			return nil, fmt.Errorf("row %q after row %d", r, number-1)
		}
		number = n
	}
	x.last, x.inRow = number, true
	row := &Row{Number: number}
	column := 0
	for {
		tok, err := x.dec.Token()
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local != "c" {
				if err := x.dec.Skip(); err != nil {
					return nil, err
				}
				continue
			}
			column++
			if ref, ok := attr(t, "r"); ok {
				if column, ok = columnOf(ref); !ok {
					return nil, fmt.Errorf("cell %q", ref)
				}
			}
			v, err := x.cell(t)
			if err != nil {
				return nil, err
			}
			if v == "" {
				continue
			}
			if column > MaxColumns {
				return nil, errTooManyColumns
			}
			for len(row.Cells) < column {
				row.Cells = append(row.Cells, "")
			}
			row.Cells[column-1] = v
		case xml.EndElement:
			if t.Name.Local == "row" {
				x.inRow = false
				return row, nil
			}
		}
	}
}

// cell reads a <c> element to its end: what the cell shows.
func (x *xlsxReader) cell(start xml.StartElement) (string, error) {
	typ, _ := attr(start, "t")
	style := -1
	if s, ok := attr(start, "s"); ok {
		style, _ = strconv.Atoi(s)
	}
	var value string
	for {
		tok, err := x.dec.Token()
		if err != nil {
			return "", err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "v":
				x.text.Reset()
				if err := readText(x.dec, &x.text, false); err != nil {
					return "", err
				}
				value = x.text.String()
			case "is":
				x.text.Reset()
				if err := readText(x.dec, &x.text, true); err != nil {
					return "", err
				}
				value = x.text.String()
			default: // a formula (its value is in <v>), extensions
				if err := x.dec.Skip(); err != nil {
					return "", err
				}
			}
		case xml.EndElement:
			if t.Name.Local == "c" {
				return x.show(typ, style, value)
			}
		}
	}
}

// show is what a cell of type typ holding value shows.
func (x *xlsxReader) show(typ string, style int, value string) (string, error) {
	switch typ {
	case "inlineStr", "str", "e":
		return value, nil
	case "s":
		i, err := strconv.Atoi(strings.TrimSpace(value))
		if err != nil {
			return "", fmt.Errorf("shared string %q", value)
		}
		return x.shared.get(i)
	case "b":
		switch strings.TrimSpace(value) {
		case "1", "true":
			return "TRUE", nil
		case "0", "false":
			return "FALSE", nil
		}
		return value, nil
	case "d": // an ISO 8601 date, in the strict format's files
		return isoDate(value), nil
	}
	value = strings.TrimSpace(value)
	if value == "" {
		return "", nil
	}
	n, err := strconv.ParseFloat(value, 64)
	if err != nil {
		return value, nil
	}
	return x.styles.show(style, n), nil
}

// isoDate writes a strict workbook's date (2024-03-15T14:30:00) as a date cell shows.
func isoDate(v string) string {
	v = strings.TrimSpace(v)
	date, clock, ok := strings.Cut(v, "T")
	if !ok {
		return v
	}
	clock = strings.TrimSuffix(clock, "Z")
	if clock == "00:00:00" || clock == "00:00" || clock == "" {
		return date
	}
	if len(clock) > 8 {
		clock = clock[:8]
	}
	return date + " " + clock
}

// readText reads an element's text to its end: in rich text (<si>, <is>) only its <t> and
// its runs' <t>, not the phonetic guides (<rPh>).
func readText(d *tokens, buf *bytes.Buffer, rich bool) error {
	depth, inT := 1, !rich
	for {
		tok, err := d.Token()
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if rich && (t.Name.Local == "rPh" || t.Name.Local == "rPr") {
				if err := d.Skip(); err != nil {
					return err
				}
				continue
			}
			depth++
			if rich && t.Name.Local == "t" {
				inT = true
			}
		case xml.EndElement:
			depth--
			if depth == 0 {
				return nil
			}
			if rich && t.Name.Local == "t" {
				inT = false
			}
		case xml.CharData:
			if inT {
				if buf.Len()+len(t) > MaxCellBytes {
					return errCellTooLong
				}
				buf.Write(t)
			}
		}
	}
}

// columnOf is the column of a cell reference (A1 is 1, XFD1 16,384).
func columnOf(ref string) (int, bool) {
	n, i := 0, 0
	for ; i < len(ref); i++ {
		c := ref[i] &^ 0x20 // upper case
		if c < 'A' || c > 'Z' {
			break
		}
		if n = n*26 + int(c-'A'+1); n > maxSheetColumns {
			return 0, false
		}
	}
	if i == 0 {
		return 0, false
	}
	for ; i < len(ref); i++ {
		if ref[i] < '0' || ref[i] > '9' {
			return 0, false
		}
	}
	return n, true
}

func attr(e xml.StartElement, local string) (string, bool) {
	for _, a := range e.Attr {
		if a.Name.Local == local {
			return a.Value, true
		}
	}
	return "", false
}

// sharedStrings holds a workbook's shared strings end to end in one buffer.
type sharedStrings struct {
	text []byte
	ends []uint32
	// long are the strings longer than a cell may be, kept out.
	long map[int]bool
}

func (s *sharedStrings) get(i int) (string, error) {
	if i < 0 || i >= len(s.ends) {
		return "", fmt.Errorf("no shared string %d", i)
	}
	if s.long[i] {
		return "", errCellTooLong
	}
	start := uint32(0)
	if i > 0 {
		start = s.ends[i-1]
	}
	return string(s.text[start:s.ends[i]]), nil
}

func (s *sharedStrings) read(d *tokens) error {
	var buf bytes.Buffer
	return walk(d, func(start xml.StartElement, _ string) error {
		if start.Name.Local != "si" {
			return nil
		}
		buf.Reset()
		err := readText(d, &buf, true)
		if errors.Is(err, errCellTooLong) {
			if s.long == nil {
				s.long = map[int]bool{}
			}
			s.long[len(s.ends)] = true
			buf.Reset()
			err = d.Skip()
		}
		if err != nil {
			return err
		}
		if len(s.text)+buf.Len() > MaxSharedText || len(s.ends) >= MaxSharedStrings {
			return errTooLarge
		}
		s.text = append(s.text, buf.Bytes()...)
		s.ends = append(s.ends, uint32(len(s.text)))
		return nil
	})
}

// maxStyles bounds a workbook's cell styles and number formats together (Excel keeps at most
// 64,000 styles), and its sheets and relationships each: what a part other than the sheet
// holds in memory stays small whatever its size.
const maxStyles = 1 << 16

// styles are the number formats of a workbook's cell styles.
type styles struct {
	date1904 bool
	// formats are the custom formats by id, xfs the format id of each cell style.
	formats map[int]string
	xfs     []int
	parsed  map[int]*numberFormat
}

func (s *styles) read(d *tokens) error {
	s.formats = map[int]string{}
	return walk(d, func(t xml.StartElement, parent string) error {
		switch {
		case len(s.xfs)+len(s.formats) > maxStyles:
			return errTooLarge
		case t.Name.Local == "numFmt" && parent == "numFmts":
			id, _ := attr(t, "numFmtId")
			code, _ := attr(t, "formatCode")
			if n, err := strconv.Atoi(id); err == nil {
				s.formats[n] = code
			}
		case t.Name.Local == "xf" && parent == "cellXfs":
			id, _ := attr(t, "numFmtId")
			n, _ := strconv.Atoi(id)
			s.xfs = append(s.xfs, n)
		}
		return nil
	})
}

// show writes n as the cell style's number format shows it.
func (s *styles) show(style int, n float64) string {
	id := 0
	if style >= 0 && style < len(s.xfs) {
		id = s.xfs[style]
	}
	f := s.parsed[id]
	if f == nil {
		code, ok := s.formats[id]
		if !ok {
			code = builtinFormats[id]
		}
		f = parseFormat(code)
		if s.parsed == nil {
			s.parsed = map[int]*numberFormat{}
		}
		s.parsed[id] = f
	}
	return f.show(n, s.date1904)
}

// book is where a workbook's parts are: the sheet's, the shared strings', the styles'; and
// its sheets' names, in tab order.
type book struct {
	sheet, sheetPart      string
	sheets                []string
	sharedStrings, styles string
	date1904              bool
}

type relationship struct{ typ, target string }

// openBook finds the parts by the package's relationships (_rels/.rels names the workbook,
// the workbook's own name its sheets and the rest), the sheet's by its name ("" for the
// first).
func openBook(parts map[string]*zip.File, name string) (book, error) {
	var b book
	workbook := "xl/workbook.xml"
	if f := parts["_rels/.rels"]; f != nil {
		rels, err := readRels(f, "")
		if err != nil {
			return b, err
		}
		for _, r := range rels {
			if strings.HasSuffix(r.typ, "/officeDocument") {
				workbook = r.target
				break
			}
		}
	}
	wf := parts[workbook]
	if wf == nil {
		return b, &Error{Code: CodeNotXLSX, Err: errors.New("no workbook")}
	}
	rels := map[string]relationship{}
	if f := parts[path.Join(path.Dir(workbook), "_rels", path.Base(workbook)+".rels")]; f != nil {
		var err error
		if rels, err = readRels(f, path.Dir(workbook)); err != nil {
			return b, err
		}
	}
	for _, r := range rels {
		switch {
		case strings.HasSuffix(r.typ, "/sharedStrings"):
			b.sharedStrings = r.target
		case strings.HasSuffix(r.typ, "/styles"):
			b.styles = r.target
		}
	}
	type sheet struct{ name, rel string }
	var sheets []sheet
	err := readPart(wf, func(d *tokens) error {
		return walk(d, func(t xml.StartElement, _ string) error {
			switch t.Name.Local {
			case "workbookPr":
				v, _ := attr(t, "date1904")
				b.date1904 = v == "1" || v == "true"
			case "sheet":
				name, _ := attr(t, "name")
				id, _ := attr(t, "id")
				if len(sheets) == maxStyles {
					return errTooLarge
				}
				sheets = append(sheets, sheet{name, id})
			}
			return nil
		})
	})
	if err != nil {
		return b, err
	}
	// The sheets that hold cells (a chart sheet holds none): the one named (Excel's names
	// differ in more than their case), or the first.
	for _, s := range sheets {
		r, ok := rels[s.rel]
		if !ok || !strings.HasSuffix(r.typ, "/worksheet") {
			continue
		}
		b.sheets = append(b.sheets, s.name)
		if b.sheetPart == "" && (name == "" || strings.EqualFold(s.name, name)) {
			b.sheet, b.sheetPart = s.name, r.target
		}
	}
	if b.sheetPart == "" {
		return b, &Error{Code: CodeNoSheet, Err: fmt.Errorf("no sheet %q among %q", name, b.sheets)}
	}
	return b, nil
}

// readRels reads a relationships part; the targets are resolved from dir to the package's
// lower-case names.
func readRels(f *zip.File, dir string) (map[string]relationship, error) {
	rels := map[string]relationship{}
	err := readPart(f, func(d *tokens) error {
		return walk(d, func(t xml.StartElement, _ string) error {
			if mode, _ := attr(t, "TargetMode"); t.Name.Local != "Relationship" || mode == "External" {
				return nil
			}
			id, _ := attr(t, "Id")
			typ, _ := attr(t, "Type")
			target, _ := attr(t, "Target")
			target = strings.ReplaceAll(target, `\`, "/")
			if strings.HasPrefix(target, "/") {
				target = path.Clean(target[1:])
			} else {
				target = path.Join(dir, target)
			}
			if len(rels) == maxStyles {
				return errTooLarge
			}
			rels[id] = relationship{typ, strings.ToLower(target)}
			return nil
		})
	})
	return rels, err
}

// partCode is the code of what stopped the reading of a part.
func partCode(err error) string {
	switch {
	case errors.Is(err, errCellTooLong):
		return CodeCellTooLong
	case errors.Is(err, errTooManyColumns):
		return CodeTooManyColumns
	case errors.Is(err, errTooLarge):
		return CodeTooLargeUnzipped
	}
	return CodeNotXLSX
}

// walk reads a part to its end, calling start for each element it opens with its parent's
// name. start may read the element through (its text, say): walk follows where it left the
// part.
func walk(d *tokens, start func(e xml.StartElement, parent string) error) error {
	var open []string // at most maxDepth
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			parent := ""
			if len(open) > 0 {
				parent = open[len(open)-1]
			}
			depth := d.depth
			if err := start(t, parent); err != nil {
				return err
			}
			if d.depth == depth { // still open
				open = append(open, t.Name.Local)
			}
		case xml.EndElement:
			open = open[:len(open)-1]
		}
	}
}

// readPart reads a whole part with read.
func readPart(f *zip.File, read func(*tokens) error) error {
	rc, d, err := decoder(f)
	if err != nil {
		return err
	}
	defer rc.Close()
	if err := read(d); err != nil {
		var e *Error
		if errors.As(err, &e) {
			return e
		}
		return &Error{Code: partCode(err), Err: fmt.Errorf("%s: %w", f.Name, err)}
	}
	return nil
}

// decoder opens a part for reading as XML, in the encoding its byte order mark or its
// declaration says, never reading a run of more than maxRun bytes without markup.
func decoder(f *zip.File) (io.ReadCloser, *tokens, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, nil, &Error{Code: CodeNotXLSX, Err: err}
	}
	br := bufio.NewReaderSize(rc, 64<<10)
	var src io.Reader = br
	if head, _ := br.Peek(2); len(head) == 2 && (head[0] == 0xff && head[1] == 0xfe || head[0] == 0xfe && head[1] == 0xff) {
		_, _ = br.Discard(2)
		src = utf16Reader(br, head[0] == 0xfe)
	}
	d := xml.NewDecoder(&runLimit{r: src})
	d.CharsetReader = func(label string, in io.Reader) (io.Reader, error) {
		switch strings.ToLower(label) {
		case "utf-16", "utf-16le", "utf-16be", "utf16": // transcoded above
			return in, nil
		case "windows-1252", "cp1252", "iso-8859-1", "latin1", "iso_8859-1", "us-ascii", "ascii":
			// As browsers read them: ISO-8859-1 and ASCII labels mean Windows-1252.
			return windows1252Reader(in), nil
		}
		return nil, fmt.Errorf("encoding %q", label)
	}
	return rc, &tokens{Decoder: d}, nil
}

// maxDepth is the deepest a part's elements may nest: SpreadsheetML nests a few levels, and
// the XML decoder keeps every element open, so a part of nothing but openings would hold
// twenty times its size in memory.
const maxDepth = 64

var errTooDeep = errors.New("elements nested too deep")

// tokens reads a part's XML tokens, no deeper than maxDepth.
type tokens struct {
	*xml.Decoder
	depth int
}

func (t *tokens) Token() (xml.Token, error) {
	tok, err := t.Decoder.Token()
	switch tok.(type) {
	case xml.StartElement:
		if t.depth++; t.depth > maxDepth {
			return nil, errTooDeep
		}
	case xml.EndElement:
		t.depth--
	}
	return tok, err
}

// Skip reads on to the end of the element just started, as xml.Decoder's does, through
// Token.
func (t *tokens) Skip() error {
	depth := 0
	for {
		tok, err := t.Token()
		if err != nil {
			return err
		}
		switch tok.(type) {
		case xml.StartElement:
			depth++
		case xml.EndElement:
			if depth == 0 {
				return nil
			}
			depth--
		}
	}
}

// runLimit fails a read past maxRun bytes without a '<': no text, attribute or name of a
// workbook is that long, and the XML decoder would hold it whole.
type runLimit struct {
	r   io.Reader
	run int
}

func (l *runLimit) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	if i := bytes.LastIndexByte(p[:n], '<'); i >= 0 {
		l.run = n - i - 1
	} else {
		l.run += n
	}
	if l.run > maxRun {
		return n, errCellTooLong
	}
	return n, err
}
