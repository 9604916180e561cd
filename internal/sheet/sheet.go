// Package sheet reads the rows of an uploaded spreadsheet, CSV or XLSX, as a person's program
// wrote it: CSV in UTF-8 (with or without a byte order mark) or in Windows-1252 as French
// Excel saves it (ISO-8859-1 is its subset for every letter), separated by commas, semicolons
// or tabs, quoted per RFC 4180; XLSX's first sheet, streamed from its XML (xlsx.go, the
// number formats in numfmt.go). What it detects is reported, so the import can say how it
// read the file.
//
// The files are untrusted: every limit is checked as the bytes arrive, so a file of a
// million columns, a cell without end, a zip bomb or a sheet of 16,384 columns stops with an
// error naming the row instead of filling the memory.
package sheet

import (
	"errors"
	"fmt"
	"io"
)

// Limits on what one row may hold. A client has fewer than a hundred fields; a cell longer
// than the longest field the API accepts (notes, 10,000 characters, up to 4 bytes each) is
// not a client's.
const (
	MaxColumns   = 500
	MaxCellBytes = 40_000
)

// Format is how a file is written.
type Format string

const (
	FormatCSV  Format = "csv"
	FormatXLSX Format = "xlsx"
)

// Encodings a CSV can be read in.
const (
	EncodingUTF8        = "utf-8"
	EncodingUTF8BOM     = "utf-8-bom"
	EncodingWindows1252 = "windows-1252"
)

// Detected is what the reader found out about a file.
type Detected struct {
	Format Format `json:"format"`
	// Encoding and Separator are the CSV's ("," ";" or "\t").
	Encoding  string `json:"encoding,omitempty"`
	Separator string `json:"separator,omitempty"`
	// Sheet is the XLSX sheet read (the first one unless another was named), Sheets every
	// sheet of the workbook that holds cells, in tab order.
	Sheet  string   `json:"sheet,omitempty"`
	Sheets []string `json:"sheets,omitempty"`
}

// Row is a row of cells, numbered as the spreadsheet numbers it (the first row is 1).
type Row struct {
	Number int
	Cells  []string
}

// Reader reads a file's rows in order; Next returns io.EOF after the last.
type Reader interface {
	Next() (Row, error)
	Detected() Detected
	Close() error
}

// Error codes of a file that cannot be read on.
const (
	CodeTooManyColumns    = "too_many_columns"
	CodeCellTooLong       = "cell_too_long"
	CodeUnterminatedQuote = "unterminated_quote"
	CodeBadEncoding       = "bad_encoding"
	CodeNotXLSX           = "not_xlsx"
	CodeTooLargeUnzipped  = "too_large_unzipped"
	CodeNoSheet           = "no_sheet"
)

// Error is why a file stops being readable, and at which row.
type Error struct {
	Row  int
	Code string
	Err  error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("row %d: %s: %v", e.Row, e.Code, e.Err)
	}
	return fmt.Sprintf("row %d: %s", e.Row, e.Code)
}

func (e *Error) Unwrap() error { return e.Err }

// CodeOf is the code of a reading error, "" for another error.
func CodeOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// Open reads r as format; of an XLSX, the sheet named (by its tab; "" for the first). XLSX
// needs the whole file (a zip is read from its end): size is its length.
func Open(format Format, r io.ReaderAt, size int64, sheet string) (Reader, error) {
	switch format {
	case FormatCSV:
		return NewCSV(io.NewSectionReader(r, 0, size))
	case FormatXLSX:
		return NewXLSXSheet(r, size, sheet)
	}
	return nil, fmt.Errorf("sheet: unknown format %q", format)
}
