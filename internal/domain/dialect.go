package domain

import (
	"strconv"
	"strings"
	"time"
)

// A CSV export is written in the dialect of the spreadsheet its reader opens it with: a
// French Excel or LibreOffice splits on ';' and reads "1 200,5", "22/11/2026 04:34", "Oui";
// an English one splits on ',' and reads "1200.5", "2026-11-22 04:34", "Yes". Each column
// has a kind that says how its raw value (as the API writes it) becomes a cell.

// CellKind is how a column's values are written.
type CellKind int

const (
	CellText CellKind = iota
	// CellNumber is a number: decimal comma in French.
	CellNumber
	// CellBool is Oui/Non, Yes/No.
	CellBool
	// CellTime is an instant, written in the reader's time zone to the minute.
	CellTime
	// CellDate is a calendar date.
	CellDate
	// CellStatus is a client's status, in words.
	CellStatus
	// CellDigits is text that a spreadsheet would take for a number (a phone, a postal
	// code): it must keep its + and its leading zeros, and never be evaluated.
	CellDigits
)

var standardKinds = map[string]CellKind{
	"phone_1": CellDigits, "phone_2": CellDigits, "postal_code": CellDigits, "code": CellDigits,
	"status": CellStatus, "archived": CellBool, "sites_count": CellNumber,
	"created_at": CellTime, "updated_at": CellTime,
}

// KindOf is the kind of a column's values: a custom field's from its type.
func KindOf(col ExportColumn, defs Definitions) CellKind {
	if key, ok := strings.CutPrefix(col.Key, CustomColumnPrefix); ok {
		d, found := defs.Get(key)
		if !found {
			return CellText
		}
		switch d.Type {
		case TypeNumber:
			return CellNumber
		case TypeBoolean:
			return CellBool
		case TypeDate:
			return CellDate
		case TypePhone:
			return CellDigits
		}
		return CellText
	}
	return standardKinds[col.Key]
}

// Dialect is how an export writes its cells: the reader's language, the separator, the time
// zone of its dates.
type Dialect struct {
	Locale    string
	Separator byte
	Zone      *time.Location
}

// Pick is a text in the dialect's language.
func (d Dialect) Pick(l Localized) string { return l.Pick(d.Locale) }

// Separators a request may ask for.
var Separators = map[string]byte{";": ';', ",": ',', "tab": '\t'}

// DialectOf is the dialect of a locale (";" in French, "," otherwise), separator overriding
// the locale's when not zero.
func DialectOf(locale string, separator byte, zone *time.Location) Dialect {
	d := Dialect{Locale: locale, Separator: ',', Zone: zone}
	if locale == "fr" {
		d.Separator = ';'
	}
	if separator != 0 {
		d.Separator = separator
	}
	if d.Zone == nil {
		d.Zone = time.UTC
	}
	return d
}

// SeparatorName names a separator as a request and a reader say it.
func SeparatorName(sep byte) string {
	switch sep {
	case ';':
		return ";"
	case '\t':
		return "tab"
	}
	return ","
}

var statusLabels = map[Status]Localized{
	StatusProspect:     {FR: "Prospect", EN: "Prospect"},
	StatusSiteAssigned: {FR: "Site attribué", EN: "Site assigned"},
	StatusInvited:      {FR: "Invité", EN: "Invited"},
	StatusActive:       {FR: "Actif", EN: "Active"},
	StatusSuspended:    {FR: "Suspendu", EN: "Suspended"},
}

// StatusLabel is a status in words.
func StatusLabel(s Status) Localized {
	if l, ok := statusLabels[s]; ok {
		return l
	}
	return Localized{FR: string(s), EN: string(s)}
}

// Cell writes a raw value (as the API writes it) in the dialect. The result is what the
// reader should see; the CSV writer still neutralises and quotes it.
func (d Dialect) Cell(kind CellKind, raw string) string {
	if raw == "" {
		return ""
	}
	switch kind {
	case CellNumber:
		if _, err := strconv.ParseFloat(raw, 64); err == nil && d.Locale == "fr" {
			return strings.Replace(raw, ".", ",", 1)
		}
	case CellBool:
		switch raw {
		case "true":
			return d.Pick(Localized{FR: "Oui", EN: "Yes"})
		case "false":
			return d.Pick(Localized{FR: "Non", EN: "No"})
		}
	case CellTime:
		if t, err := time.Parse(time.RFC3339Nano, raw); err == nil {
			if d.Locale == "fr" {
				return t.In(d.Zone).Format("02/01/2006 15:04")
			}
			return t.In(d.Zone).Format("2006-01-02 15:04")
		}
	case CellDate:
		if t, err := time.Parse(time.DateOnly, raw); err == nil && d.Locale == "fr" {
			return t.Format("02/01/2006")
		}
	case CellStatus:
		return d.Pick(StatusLabel(Status(raw)))
	}
	return raw
}

// Numeric reports whether a cell of kind holds a plain number a spreadsheet should read as
// one (neither neutralised nor kept as text).
func Numeric(kind CellKind, raw string) bool {
	if kind != CellNumber {
		return false
	}
	_, err := strconv.ParseFloat(raw, 64)
	return err == nil
}

// ExportFormat is an export's file: a zipped CSV (the default) or an XLSX workbook.
type ExportFormat string

const (
	FormatCSV  ExportFormat = "csv"
	FormatXLSX ExportFormat = "xlsx"
)

// ExportFormats are the formats a request may ask for.
var ExportFormats = []ExportFormat{FormatCSV, FormatXLSX}

// SeparatorLabel says a separator in words, as the e-mail tells the reader.
func SeparatorLabel(name string) Localized {
	switch name {
	case ";":
		return Localized{FR: "point-virgule (;)", EN: "semicolon (;)"}
	case "tab":
		return Localized{FR: "tabulation", EN: "tab"}
	}
	return Localized{FR: "virgule (,)", EN: "comma (,)"}
}
