package imports

import (
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/clientdesk/clientdesk/internal/domain"
)

// Reading is how a file's rows are read into clients.
type Reading struct {
	Columns     []Column
	Definitions domain.Definitions
	// Lang is the file's language: "fr" reads 1 234,5 and 15/03/2024, "en" 1,234.5 and
	// 03/15/2024 (ISO dates in both).
	Lang string
	// Country is the country a phone without one is read in when the row gives no country
	// ("" for none: such a phone must then be international).
	Country string
	// ParsePhone reads phones (see package phone).
	ParsePhone domain.PhoneParser
}

// CellError is a problem with one cell: its column (-1 for the row as a whole) and the
// field error's code and parameter.
type CellError struct {
	Column int         `json:"column"`
	Code   domain.Code `json:"code"`
	Param  string      `json:"param,omitempty"`
}

// Row reads a row into client fields and validates them by the API's rules (Fields.Normalize),
// each error named by the column it comes from. A row without any mapped value is blank:
// nil fields, no error.
func (rd Reading) Row(cells []string) (*domain.Fields, []CellError) {
	f := &domain.Fields{}
	var errs []CellError
	origin := map[string]int{} // pointer of a value → its column
	blank := true
	for _, c := range rd.Columns {
		if c.Target == "" || c.Index >= len(cells) {
			continue
		}
		v := unprotect(strings.TrimSpace(cells[c.Index]))
		if v == "" {
			continue
		}
		blank = false
		switch c.Target {
		case FullName:
			first, last, _ := strings.Cut(strings.Join(strings.Fields(v), " "), " ")
			if last == "" {
				first, last = "", first
			}
			f.FirstName, f.LastName = first, last
			origin["/first_name"], origin["/last_name"] = c.Index, c.Index
		case "first_name", "last_name", "company_name", "email", "code", "notes",
			"address_line1", "address_line2", "postal_code", "city", "region", "country":
			if c.Target == "country" {
				if code := CountryCode(v); code != "" {
					v = code
				}
			}
			*stringField(f, c.Target) = v
		case Phone1, Phone2:
			origin["/phones/"+strconv.Itoa(len(f.Phones))] = c.Index
			f.Phones = append(f.Phones, v)
		case "tags":
			for _, tag := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ';' }) {
				if tag = strings.TrimSpace(tag); tag != "" {
					origin["/tags/"+strconv.Itoa(len(f.Tags))] = c.Index
					f.Tags = append(f.Tags, tag)
				}
			}
		default:
			key, _ := strings.CutPrefix(c.Target, domain.CustomColumnPrefix)
			d, ok := rd.Definitions.Get(key)
			if !ok {
				continue
			}
			value, ok := rd.customValue(d, v)
			if !ok {
				errs = append(errs, CellError{Column: c.Index, Code: domain.FieldInvalidValue, Param: string(d.Type)})
				continue
			}
			if f.CustomFields == nil {
				f.CustomFields = map[string]any{}
			}
			f.CustomFields[key] = value
		}
		if _, ok := origin[pointerOf(c.Target)]; !ok {
			origin[pointerOf(c.Target)] = c.Index
		}
	}
	if blank {
		return nil, nil
	}
	// A national phone number is read in the row's country, else the import's.
	if rd.Country != "" && (f.Address == nil || f.Address.Country == "") && rd.ParsePhone != nil {
		for i, p := range f.Phones {
			if e164, code := rd.ParsePhone(p, rd.Country); code == "" {
				f.Phones[i] = e164
			}
		}
	}
	for _, e := range f.Normalize(domain.Rules{DefaultLocale: rd.Lang, ParsePhone: rd.ParsePhone, Fields: rd.Definitions}) {
		col, ok := origin[e.Pointer]
		if !ok {
			col = -1
		}
		errs = append(errs, CellError{Column: col, Code: e.Code, Param: e.Param})
	}
	return f, errs
}

// stringField is the member of f a target that is one string fills (nil for the others:
// the full name, phones, tags, custom values); an address target gives f an address.
func stringField(f *domain.Fields, target string) *string {
	switch target {
	case "first_name":
		return &f.FirstName
	case "last_name":
		return &f.LastName
	case "company_name":
		return &f.CompanyName
	case "email":
		return &f.Email
	case "code":
		return &f.Code
	case "notes":
		return &f.Notes
	}
	if _, ok := addressMembers[target]; !ok {
		return nil
	}
	if f.Address == nil {
		f.Address = &domain.Address{}
	}
	a := f.Address
	return map[string]*string{"address_line1": &a.Line1, "address_line2": &a.Line2, "postal_code": &a.PostalCode,
		"city": &a.City, "region": &a.Region, "country": &a.Country}[target]
}

// addressMembers name the address's member each address target fills.
var addressMembers = map[string]string{"address_line1": "line1", "address_line2": "line2",
	"postal_code": "postal_code", "city": "city", "region": "region", "country": "country"}

// pointerOf is the JSON pointer of the field a target fills.
func pointerOf(target string) string {
	if m, ok := addressMembers[target]; ok {
		return "/address/" + m
	}
	if key, ok := strings.CutPrefix(target, domain.CustomColumnPrefix); ok {
		return "/custom_fields/" + key
	}
	return "/" + target
}

// customValue reads a cell as a custom field of its type wants it; false when it cannot.
func (rd Reading) customValue(d *domain.FieldDefinition, v string) (any, bool) {
	switch d.Type {
	case domain.TypeNumber:
		return parseNumber(v, rd.Lang)
	case domain.TypeBoolean:
		switch strings.ToLower(domain.Fold(v)) {
		case "oui", "vrai", "yes", "true", "1", "x", "o", "y":
			return true, true
		case "non", "faux", "no", "false", "0", "n":
			return false, true
		}
		return nil, false
	case domain.TypeDate:
		return parseDate(v, rd.Lang)
	case domain.TypeSelect:
		for _, o := range d.Options {
			if domain.Fold(o) == domain.Fold(v) {
				return o, true
			}
		}
		return v, true // refused with the options listed by validation
	}
	return v, true
}

// parseNumber reads a number as a spreadsheet in lang writes it: French 1 234,5 (spaces,
// narrow no-break spaces or dots between thousands), English 1,234.5; a plain 1234.5 in both.
func parseNumber(v, lang string) (any, bool) {
	s := strings.Map(func(r rune) rune {
		if r == ' ' || r == '\u00a0' || r == '\u202f' {
			return -1
		}
		return r
	}, v)
	if lang == "fr" && strings.Contains(s, ",") {
		s = strings.ReplaceAll(strings.ReplaceAll(s, ".", ""), ",", ".")
	} else if lang != "fr" {
		s = strings.ReplaceAll(s, ",", "")
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return nil, false
	}
	return f, true
}

// parseDate reads a date as YYYY-MM-DD (the stored form): ISO in both languages (its time
// of day, as an XLSX date cell with a time shows it, left aside), else day/month/year in
// French and month/day/year in English, with / . or - and a two-digit year read in
// 1950–2049.
func parseDate(v, lang string) (any, bool) {
	if t, err := time.Parse(time.DateOnly, v); err == nil {
		return t.Format(time.DateOnly), true
	}
	if date, clock, ok := strings.Cut(v, " "); ok && len(date) == len(time.DateOnly) {
		if _, err := time.Parse("15:04", clock); err != nil {
			if _, err = time.Parse("15:04:05", clock); err != nil {
				return nil, false
			}
		}
		return parseDate(date, lang)
	}
	parts := strings.FieldsFunc(v, func(r rune) bool { return r == '/' || r == '.' || r == '-' })
	if len(parts) != 3 {
		return nil, false
	}
	n := make([]int, 3)
	for i, p := range parts {
		x, err := strconv.Atoi(p)
		if err != nil {
			return nil, false
		}
		n[i] = x
	}
	day, month, year := n[0], n[1], n[2]
	if lang != "fr" {
		day, month = n[1], n[0]
	}
	if len(parts[2]) == 2 {
		year += 1900
		if year < 1950 {
			year += 100
		}
	} else if len(parts[2]) != 4 {
		return nil, false
	}
	t := time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
	if t.Day() != day || int(t.Month()) != month {
		return nil, false
	}
	return t.Format(time.DateOnly), true
}

// unprotect takes off what this service's own files put before a cell so that a spreadsheet
// shows it as text (package jobs): the invisible word joiner before digits ("\u2060+33…"),
// the apostrophe before what would be a formula ("'=…", "'+…", "'-…", "'@…"). An export, or a
// file of failing rows, imports again as it is.
func unprotect(v string) string {
	if rest, ok := strings.CutPrefix(v, "\u2060"); ok {
		return rest
	}
	if rest, ok := strings.CutPrefix(v, "'"); ok && rest != "" {
		switch r, _ := utf8.DecodeRuneInString(rest); r {
		case '=', '+', '-', '@', '＝', '＋', '－', '＠':
			return rest
		}
	}
	return v
}
