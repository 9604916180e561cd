package domain

import (
	"path"
	"slices"
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

// Where an import stands: awaiting_file (just created) → checking (a check run reads every
// row: PUT …/mapping starts one) → checked (its report ready; a new mapping checks again), or
// unreadable (the file is missing or cannot be read: problem says why; a new upload and
// mapping check again).
const (
	ImportAwaitingFile ImportStatus = "awaiting_file"
	ImportChecking     ImportStatus = "checking"
	ImportChecked      ImportStatus = "checked"
	ImportUnreadable   ImportStatus = "unreadable"
	// ImportCancelled: its job was cancelled: a check (a new mapping checks again), a commit
	// (what it wrote stays; a revert undoes it) or a revert (a revert again finishes it).
	ImportCancelled ImportStatus = "cancelled"
	// ImportCommitting: POST …/commit writes its rows (job_id); ImportCommitted: done, its
	// result says what each row did. Neither takes a new mapping.
	ImportCommitting ImportStatus = "committing"
	ImportCommitted  ImportStatus = "committed"
	// ImportFailed: its commit or its revert failed for good after its attempts (what it
	// wrote or undid stays, its result or reverted says how far it went; a revert may start).
	ImportFailed ImportStatus = "failed"
	// ImportReverting: POST …/revert undoes what its commit wrote; ImportReverted: done,
	// reverted says what came of each write.
	ImportReverting ImportStatus = "reverting"
	ImportReverted  ImportStatus = "reverted"
)

// ImportPhaseStatus is an import's status while a job of each phase runs.
var ImportPhaseStatus = map[string]ImportStatus{
	ImportPhaseCheck: ImportChecking, ImportPhaseCommit: ImportCommitting, ImportPhaseRevert: ImportReverting,
}

// Starts says whether the import, as it stands, may start a job of phase, or why not: a check
// (a new mapping) until a commit has written rows; a commit once a check has ended well; a
// revert once a commit has ended (done, failed, or cancelled midway), and once.
func (im *Import) Starts(phase string) error {
	wrote := im.Result != nil // a commit started: it may have written rows
	switch phase {
	case ImportPhaseCheck:
		if wrote {
			return &Error{Code: CodeImportCommitted}
		}
	case ImportPhaseCommit:
		if wrote {
			return &Error{Code: CodeImportCommitted}
		}
		if im.Status != ImportChecked {
			return &Error{Code: CodeImportNotChecked}
		}
	case ImportPhaseRevert:
		// Once a commit has ended; again after a revert that was cancelled or failed, which
		// the next one takes up where it stopped.
		ended := im.Status == ImportCommitted || im.Status == ImportFailed || im.Status == ImportCancelled
		if !wrote || !ended {
			return &Error{Code: CodeImportNotCommitted}
		}
	}
	return nil
}

// Stop is the import once a job of it ended without its run recording so: failed for good,
// or cancelled before a run saw the request (status says which). What the job did stays; its
// counts are the job's last report (a commit failed before its first batch keeps the empty
// result it started with). A check that failed leaves the import checking, and a new mapping
// starts another; a commit cancelled before any run took it up leaves the import checked, to
// be committed again. Stop reports whether it changed the import.
func (im *Import) Stop(job *Job, status ImportStatus) bool {
	if job.Import == nil || (job.Import.Phase == ImportPhaseCheck && status != ImportCancelled) {
		return false
	}
	im.Status = status
	if job.Import.Phase == ImportPhaseCommit && status == ImportCancelled && job.Attempt == 0 {
		// Cancelled before any run took it up: nothing written, the import checked as before.
		im.Status, im.Result = ImportChecked, nil
		return true
	}
	if r := job.Resume; r != nil {
		switch {
		case job.Import.Phase == ImportPhaseCommit && r.Result != nil:
			im.Result = r.Result
		case job.Import.Phase == ImportPhaseRevert && r.Reverted != nil:
			im.Reverted = r.Reverted
		}
	}
	return true
}

// ImportWrite is what a commit writes for a row, recorded before the write: the client it
// creates, or the one it updates with the fields it had; Version is the client's version once
// written (1 for a creation).
type ImportWrite struct {
	Row      int     `json:"row"`
	ClientID string  `json:"client_id"`
	Action   Action  `json:"action"`
	Version  int64   `json:"version"`
	Before   *Fields `json:"before,omitempty"`
}

// ImportRevertResult counts what a revert did with a commit's writes: clients deleted,
// clients given back their fields, writes with nothing to undo (never made, or the client
// deleted by someone since), and clients that changed since (listed, left as they are).
type ImportRevertResult struct {
	Deleted      int `json:"deleted"`
	Restored     int `json:"restored"`
	Untouched    int `json:"untouched"`
	ChangedSince int `json:"changed_since"`
}

// Codes of an import that cannot do what is asked in its state.
const (
	// CodeImportNotChecked: a commit of an import whose check has not ended well.
	CodeImportNotChecked Code = "import_not_checked"
	// CodeImportCommitted: a new mapping of an import committed or being committed.
	CodeImportCommitted Code = "import_committed"
	// CodeImportNotCommitted: a revert of an import whose commit has not ended.
	CodeImportNotCommitted Code = "import_not_committed"
)

// ImportResult counts what a commit did with the rows.
type ImportResult struct {
	Rows      int `json:"rows"`
	Created   int `json:"created"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
	Errors    int `json:"in_error"`
	Blank     int `json:"blank"`
}

// What an import may do to the clients (Mode), and what a row is matched on (Match).
const (
	ImportCreateOnly = "create"
	ImportUpdateOnly = "update"
	ImportUpsert     = "create_or_update"
	ImportMatchEmail = "email"
	ImportMatchCode  = "code"
)

// ImportModes and ImportMatches are the choices a mapping takes.
var (
	ImportModes   = []string{ImportCreateOnly, ImportUpdateOnly, ImportUpsert}
	ImportMatches = []string{ImportMatchEmail, ImportMatchCode}
)

// Targets a column of an import can fill: the keys of the export's columns that a person may
// write (an export re-imports as it is), and full_name, a "Name" column split into first and
// last name; and custom_fields.<key> for each custom field.
const (
	TargetFullName = "full_name"
	TargetPhone1   = "phone_1"
	TargetPhone2   = "phone_2"
)

// ImportTargets are the export columns an import fills, in the export's order.
var ImportTargets = []string{"first_name", "last_name", "email", TargetPhone1, TargetPhone2, "company_name", "code", "notes",
	"address_line1", "address_line2", "postal_code", "city", "region", "country", "tags"}

// IsImportTarget reports whether target is one a column can fill, given the tenant's custom
// fields.
func IsImportTarget(target string, defs Definitions) bool {
	if key, ok := strings.CutPrefix(target, CustomColumnPrefix); ok {
		_, found := defs.Get(key)
		return found
	}
	return target == TargetFullName || slices.Contains(ImportTargets, target)
}

// ImportColumn is a column of the file (by its position from 0 and its header) and the
// target it fills: a client field's export key, full_name, phone_1, phone_2, or custom_fields.<key>;
// "" leaves the column unread.
type ImportColumn struct {
	Index  int    `json:"index"`
	Header string `json:"header"`
	Target string `json:"target,omitempty"`
}

// ImportReport counts what a file's rows would do.
type ImportReport struct {
	Rows      int `json:"rows"`
	Create    int `json:"to_create"`
	Update    int `json:"to_update"`
	Unchanged int `json:"unchanged"`
	Errors    int `json:"in_error"`
	Blank     int `json:"blank"`
}

// ImportRead is how the file was read: its format, and a CSV's encoding and separator, or
// the XLSX sheet read and the workbook's sheets (at most MaxImportSheets, in tab order).
type ImportRead struct {
	Format    string   `json:"format"`
	Encoding  string   `json:"encoding,omitempty"`
	Separator string   `json:"separator,omitempty"`
	Sheet     string   `json:"sheet,omitempty"`
	Sheets    []string `json:"sheets,omitempty"`
}

// MaxImportSheets is the most sheet names an import lists, and MaxSheetNameBytes the longest
// it lists or a mapping names (Excel's own names are at most 31 characters): what an
// import's item holds stays small whatever the workbook.
const (
	MaxImportSheets   = 100
	MaxSheetNameBytes = 255
)

// SheetsListed are the names of sheets an import lists: the first MaxImportSheets of those
// at most MaxSheetNameBytes long.
func SheetsListed(sheets []string) []string {
	var out []string
	for _, s := range sheets {
		if len(out) == MaxImportSheets {
			break
		}
		if len(s) <= MaxSheetNameBytes {
			out = append(out, s)
		}
	}
	return out
}

// ImportRowError is a problem of one row of the file: its number as the spreadsheet shows
// it, its column (-1: the row as a whole) and header, the problem's code and parameter.
type ImportRowError struct {
	Row    int    `json:"row"`
	Column int    `json:"column"`
	Header string `json:"header,omitempty"`
	Code   Code   `json:"code"`
	Param  string `json:"param,omitempty"`
}

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

	// The mapping: what the import does (Mode, Match), the country a phone without one is read
	// in (Country), the XLSX sheet read (Sheet, by its tab's name; "" for the first), and each
	// column's target. Columns are the check's detection until a
	// mapping sets them (ColumnsSet).
	Mode       string         `json:"mode,omitempty"`
	Match      string         `json:"match,omitempty"`
	Country    string         `json:"default_country,omitempty"`
	Sheet      string         `json:"sheet,omitempty"`
	Columns    []ImportColumn `json:"columns,omitempty"`
	ColumnsSet bool           `json:"columns_set,omitempty"`

	// What the last check found: how the file was read, the report, why the file could not be
	// read (Problem, a code, at ProblemRow when a row says it), the job that checks it now or
	// did, and the file of its failing rows (never shown: a signed link is).
	Read       *ImportRead   `json:"read,omitempty"`
	Report     *ImportReport `json:"report,omitempty"`
	Problem    string        `json:"problem,omitempty"`
	ProblemRow int           `json:"problem_row,omitempty"`
	JobID      string        `json:"job_id,omitempty"`
	ErrorsFile *JobFile      `json:"errors_file,omitempty"`
	// Result is what the commit did (so far, while it runs); Reverted what the revert did.
	Result   *ImportResult       `json:"result,omitempty"`
	Reverted *ImportRevertResult `json:"reverted,omitempty"`
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
