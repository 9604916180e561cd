package domain

import (
	"path"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// An import brings clients from a spreadsheet the staff upload: the file goes straight to S3
// through a presigned PUT, never through the API (CreateImport), then is read and checked
// row by row before anything is written.

// MaxImportBytes is the largest file an import takes (100 MB): the upload's signature fixes
// the file's length, which may not exceed it.
const MaxImportBytes = 100 << 20

// MaxImportFileNameLen bounds the name the file is known by, in characters.
const MaxImportFileNameLen = 255

// ImportStatus is where an import stands.
type ImportStatus string

// ImportAwaitingFile is an import just created: its file is not read yet.
const ImportAwaitingFile ImportStatus = "awaiting_file"

// Import is an import of clients from one file.
type Import struct {
	ID string `json:"id"`
	// FileName is the name the person's file had; Format how it is written (csv, xlsx);
	// Size its length in bytes, as the upload must send it.
	FileName  string       `json:"file_name"`
	Format    string       `json:"format"`
	Size      int64        `json:"size"`
	Status    ImportStatus `json:"status"`
	Version   int64        `json:"version"`
	CreatedBy string       `json:"created_by"`
	CreatedAt Time         `json:"created_at"`
	UpdatedAt Time         `json:"updated_at"`
}

// ObjectKey is where the import's file is uploaded: the tenant's prefix, the import's own.
func (im *Import) ObjectKey(tenant string) string {
	return "imports/" + tenant + "/" + im.ID + "/file." + im.Format
}

// ContentType is the media type the upload sends (and its signature fixes).
func (im *Import) ContentType() string {
	if im.Format == "xlsx" {
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	return "text/csv"
}

// ImportFormats are the formats an import reads.
var ImportFormats = []string{"csv", "xlsx"}

// CheckImportFile checks what an import is created with: a file name (a line without control
// or invisible characters, at most 255 characters), a format (csv or xlsx; when absent, the
// name's extension tells it) and a size (1 byte to 100 MB). It returns the name (trimmed, in
// NFC) and the format.
func CheckImportFile(name, format string, size int64) (string, string, []FieldError) {
	var errs []FieldError
	name = norm.NFC.String(strings.TrimSpace(name))
	switch {
	case name == "":
		errs = append(errs, FieldError{Pointer: "/file_name", Code: FieldRequired})
	case strings.IndexFunc(name, invisible) >= 0:
		errs = append(errs, FieldError{Pointer: "/file_name", Code: FieldInvisibleChars})
	case strings.ContainsFunc(name, func(r rune) bool { return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) }):
		errs = append(errs, FieldError{Pointer: "/file_name", Code: FieldControlChars})
	case utf8.RuneCountInString(name) > MaxImportFileNameLen:
		errs = append(errs, FieldError{Pointer: "/file_name", Code: FieldTooLong, Param: strconv.Itoa(MaxImportFileNameLen)})
	}
	if format == "" {
		format = strings.TrimPrefix(strings.ToLower(path.Ext(name)), ".")
		if format != "csv" && format != "xlsx" {
			format = ""
			if len(errs) == 0 {
				errs = append(errs, FieldError{Pointer: "/format", Code: FieldRequired})
			}
		}
	} else if format != "csv" && format != "xlsx" {
		errs = append(errs, FieldError{Pointer: "/format", Code: FieldInvalidValue, Param: "csv, xlsx"})
	}
	switch {
	case size < 1:
		errs = append(errs, FieldError{Pointer: "/size", Code: FieldOutOfRange, Param: "1–" + strconv.Itoa(MaxImportBytes)})
	case size > MaxImportBytes:
		errs = append(errs, FieldError{Pointer: "/size", Code: FieldTooLarge, Param: "100 MB"})
	}
	return name, format, errs
}

// CodeImportNotFound is the code of an import the caller's tenant does not have.
const CodeImportNotFound Code = "import_not_found"

// ErrImportNotFound is CodeImportNotFound as an error.
var ErrImportNotFound = &Error{Code: CodeImportNotFound}
