package sheet

import (
	"archive/zip"
	"errors"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"
)

// What an XLSX may unzip to. excelize keeps a worksheet or the shared strings in a
// temporary file past 16 MB, and every other part in memory: the whole is bounded, and each
// other part too. 100,000 clients of 15 columns unzip to about 100 MB.
const (
	MaxUnzipped     = 512 << 20
	MaxUnzippedPart = 64 << 20
	xmlInMemory     = 16 << 20
)

type xlsxReader struct {
	f        *excelize.File
	rows     *excelize.Rows
	detected Detected
	row      int
}

// NewXLSX reads the first sheet of an XLSX workbook: the cells as the sheet shows them
// (numbers and dates in their format), a formula's last computed value (never computed
// here).
func NewXLSX(r io.ReaderAt, size int64) (Reader, error) {
	z, err := zip.NewReader(r, size)
	if err != nil {
		return nil, &Error{Code: CodeNotXLSX, Err: err}
	}
	var total uint64
	for _, f := range z.File {
		total += f.UncompressedSize64
		name := strings.ToLower(strings.ReplaceAll(f.Name, `\`, "/"))
		part := !strings.HasPrefix(name, "xl/worksheets/") && name != "xl/sharedstrings.xml"
		if total > MaxUnzipped || (part && f.UncompressedSize64 > MaxUnzippedPart) {
			return nil, &Error{Code: CodeTooLargeUnzipped}
		}
	}
	// Every part is inflated once, to its declared size and checksum, before excelize reads
	// it: excelize stops at a part's first error as at its end, so a part that holds more
	// than it declares (archive/zip stops there) or is damaged would be read as a shorter
	// sheet, silently.
	for _, f := range z.File {
		if err := intact(f); err != nil {
			return nil, &Error{Code: CodeNotXLSX, Err: err}
		}
	}
	f, err := excelize.OpenReader(io.NewSectionReader(r, 0, size), excelize.Options{UnzipSizeLimit: MaxUnzipped, UnzipXMLSizeLimit: xmlInMemory})
	if err != nil {
		return nil, &Error{Code: CodeNotXLSX, Err: err}
	}
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		_ = f.Close()
		return nil, &Error{Code: CodeNoSheet}
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		_ = f.Close()
		return nil, &Error{Code: CodeNotXLSX, Err: err}
	}
	return &xlsxReader{f: f, rows: rows, detected: Detected{Format: FormatXLSX, Sheet: sheets[0]}}, nil
}

func (x *xlsxReader) Detected() Detected { return x.detected }

// Next returns the next row; the rows the sheet leaves out come as rows without cells.
func (x *xlsxReader) Next() (Row, error) {
	if !x.rows.Next() {
		if err := x.rows.Error(); err != nil {
			return Row{}, &Error{Row: x.row + 1, Code: CodeNotXLSX, Err: err}
		}
		return Row{}, io.EOF
	}
	x.row++
	cells, err := x.rows.Columns()
	if err != nil {
		return Row{}, &Error{Row: x.row, Code: CodeNotXLSX, Err: err}
	}
	if len(cells) > MaxColumns {
		return Row{}, &Error{Row: x.row, Code: CodeTooManyColumns}
	}
	for _, c := range cells {
		if len(c) > MaxCellBytes {
			return Row{}, &Error{Row: x.row, Code: CodeCellTooLong}
		}
	}
	return Row{Number: x.row, Cells: cells}, nil
}

func (x *xlsxReader) Close() error {
	return errors.Join(x.rows.Close(), x.f.Close())
}

// intact reads a part to its end: archive/zip checks the declared size and the CRC-32.
func intact(f *zip.File) error {
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	_, err = io.Copy(io.Discard, rc)
	return err
}
