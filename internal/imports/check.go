package imports

import (
	"hash/maphash"
	"strconv"
	"strings"

	"github.com/clientdesk/clientdesk/internal/domain"
	"github.com/clientdesk/clientdesk/internal/sheet"
)

// Mode is what an import may do to the clients.
type Mode string

const (
	// CreateOnly creates a client per row; a row that matches an existing client is in error.
	CreateOnly Mode = domain.ImportCreateOnly
	// UpdateOnly updates the client a row matches; a row that matches none is in error.
	UpdateOnly Mode = domain.ImportUpdateOnly
	// Upsert updates the client a row matches and creates the others.
	Upsert Mode = domain.ImportUpsert
)

// Match is what a row is matched to an existing client on.
type Match string

const (
	MatchEmail Match = domain.ImportMatchEmail
	MatchCode  Match = domain.ImportMatchCode
)

// Codes of the problems a row has beyond its fields' (see domain).
const (
	CodeDuplicateInFile = domain.CodeDuplicateInFile
	CodeNoMatch         = domain.CodeNoMatch
	CodeAlreadyExists   = domain.CodeAlreadyExists
	CodeMatchKeyMissing = domain.CodeMatchKeyMissing
	CodeRowUnreadable   = domain.CodeRowUnreadable
)

// Checked is a row as the check leaves it: its fields when they are valid, its problems
// otherwise, and the keys it is matched on.
type Checked struct {
	Row    int
	Fields *domain.Fields
	Errors []CellError
	// EmailKey and CodeKey are the row's canonical e-mail and code ("" when none).
	EmailKey, CodeKey string
}

// Blank reports a row without any value mapped: skipped, counted apart.
func (c Checked) Blank() bool { return c.Fields == nil && len(c.Errors) == 0 }

// Checker checks a file's rows one by one, in order: each read into client fields by the
// API's rules, and the file's own duplicates found (the same e-mail or code on two rows: the
// later row is in error, naming the first). What it remembers of each row is a 64-bit hash
// of its keys and a row number, so a file of 100,000 rows takes about 3 MB.
type Checker struct {
	Reading Reading
	Mode    Mode
	Match   Match

	seed   maphash.Seed
	emails map[uint64]int32
	codes  map[uint64]int32
}

// NewChecker checks rows read by rd for an import in mode, matched on match.
func NewChecker(rd Reading, mode Mode, match Match) *Checker {
	return &Checker{Reading: rd, Mode: mode, Match: match, seed: maphash.MakeSeed(), emails: map[uint64]int32{}, codes: map[uint64]int32{}}
}

// Column returns the column a target fills (-1 when none).
func (c *Checker) Column(target string) int {
	for _, col := range c.Reading.Columns {
		if col.Target == target {
			return col.Index
		}
	}
	return -1
}

// Check reads one row (readErr is the reader's error for that row, if any).
func (c *Checker) Check(row sheet.Row, readErr error) Checked {
	out := Checked{Row: row.Number}
	if readErr != nil {
		out.Errors = []CellError{{Column: -1, Code: CodeRowUnreadable, Param: sheet.CodeOf(readErr)}}
		return out
	}
	out.Fields, out.Errors = c.Reading.Row(row.Cells)
	if out.Fields == nil {
		return out
	}
	// A value in error has no key: its row is in error already.
	if out.Fields.Email != "" && !hasColumnError(out.Errors, c.Column("email")) {
		out.EmailKey = domain.EmailKey(out.Fields.Email)
	}
	if out.Fields.Code != "" && !hasColumnError(out.Errors, c.Column("code")) {
		out.CodeKey = domain.CodeKey(out.Fields.Code)
	}
	c.duplicate(&out, c.emails, out.EmailKey, "email")
	c.duplicate(&out, c.codes, out.CodeKey, "code")
	if c.Mode != CreateOnly {
		key := out.EmailKey
		if c.Match == MatchCode {
			key = out.CodeKey
		}
		if col := c.Column(string(c.Match)); key == "" && !hasColumnError(out.Errors, col) {
			out.Errors = append(out.Errors, CellError{Column: col, Code: CodeMatchKeyMissing, Param: string(c.Match)})
		}
	}
	if len(out.Errors) > 0 {
		out.Fields = nil
	}
	return out
}

// duplicate records key for this row, or reports the earlier row that has it.
func (c *Checker) duplicate(out *Checked, seen map[uint64]int32, key, target string) {
	if key == "" {
		return
	}
	h := maphash.String(c.seed, key)
	if first, ok := seen[h]; ok {
		out.Errors = append(out.Errors, CellError{Column: c.Column(target), Code: CodeDuplicateInFile, Param: strconv.Itoa(int(first))})
		return
	}
	seen[h] = int32(out.Row)
}

// Action is what a checked row does to the clients.
type Action string

const (
	ActionCreate    Action = "create"
	ActionUpdate    Action = "update"
	ActionUnchanged Action = "unchanged"
	ActionError     Action = "error"
	ActionBlank     Action = "blank"
)

// Present lists the targets a row gives a value for: what an update changes (an empty cell
// leaves the client's value as it is).
func (c *Checker) Present(cells []string) []string {
	var out []string
	for _, col := range c.Reading.Columns {
		if col.Target != "" && col.Index < len(cells) && strings.TrimSpace(cells[col.Index]) != "" {
			out = append(out, col.Target)
		}
	}
	return out
}

// Decide settles what a checked row does, given the clients that hold its e-mail and its
// code today (nil when none), and for an update the client's fields once the row is applied.
// A row whose e-mail or code belongs to another client than the one it updates, or to any
// client when it creates, is in error: the uniqueness the API keeps, said before the commit.
func (c *Checker) Decide(ch *Checked, present []string, byEmail, byCode *domain.Client) (Action, *domain.Fields) {
	if ch.Blank() {
		return ActionBlank, nil
	}
	if len(ch.Errors) > 0 {
		return ActionError, nil
	}
	var target *domain.Client
	if c.Mode != CreateOnly {
		target = byEmail
		if c.Match == MatchCode {
			target = byCode
		}
	}
	if target == nil && c.Mode == UpdateOnly {
		ch.Errors = append(ch.Errors, CellError{Column: c.Column(string(c.Match)), Code: CodeNoMatch, Param: string(c.Match)})
		return ActionError, nil
	}
	for _, held := range []struct {
		by     *domain.Client
		target string
	}{{byEmail, "email"}, {byCode, "code"}} {
		if held.by != nil && (target == nil || held.by.ID != target.ID) {
			ch.Errors = append(ch.Errors, CellError{Column: c.Column(held.target), Code: CodeAlreadyExists, Param: held.target})
		}
	}
	if len(ch.Errors) > 0 {
		ch.Fields = nil
		return ActionError, nil
	}
	if target == nil {
		return ActionCreate, ch.Fields
	}
	merged := Apply(target.Fields, *ch.Fields, present)
	if equalFields(merged, target.Fields) {
		return ActionUnchanged, nil
	}
	return ActionUpdate, &merged
}

// Apply sets on base the values a row gives (present: its targets with a value).
func Apply(base, row domain.Fields, present []string) domain.Fields {
	out := cloneFields(base)
	for _, target := range present {
		if to := stringField(&out, target); to != nil {
			*to = *stringField(&row, target)
			continue
		}
		switch target {
		case FullName:
			out.FirstName, out.LastName = row.FirstName, row.LastName
		case "tags":
			out.Tags = row.Tags
		case Phone1, Phone2:
			out.Phones = row.Phones
		default:
			if key, ok := cutCustom(target); ok {
				if out.CustomFields == nil {
					out.CustomFields = map[string]any{}
				}
				out.CustomFields[key] = row.CustomFields[key]
			}
		}
	}
	return out
}

func hasColumnError(errs []CellError, col int) bool {
	for _, e := range errs {
		if e.Column == col {
			return true
		}
	}
	return false
}
