// Package export writes clients as a zipped CSV streamed to S3, and runs export jobs: the
// worker behind POST /v1/exports.
package export

import (
	"archive/zip"
	"encoding/csv"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/clientdesk/clientdesk/internal/domain"
)

// Column is one column of the file: its key (what a request names), its header in each
// language, and how a client fills it.
type Column struct {
	Key    string
	Header domain.Localized
	value  func(c *domain.Client) string
}

func address(c *domain.Client) domain.Address {
	if c.Address == nil {
		return domain.Address{}
	}
	return *c.Address
}

func phone(i int) func(*domain.Client) string {
	return func(c *domain.Client) string {
		if i < len(c.Phones) {
			return c.Phones[i]
		}
		return ""
	}
}

func timeText(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// StandardColumns are the columns of every export, in order (custom fields follow).
var StandardColumns = []Column{
	{"id", domain.Localized{FR: "Identifiant", EN: "ID"}, func(c *domain.Client) string { return c.ID }},
	{"first_name", domain.Localized{FR: "Prénom", EN: "First name"}, func(c *domain.Client) string { return c.FirstName }},
	{"last_name", domain.Localized{FR: "Nom", EN: "Last name"}, func(c *domain.Client) string { return c.LastName }},
	{"email", domain.Localized{FR: "E-mail", EN: "Email"}, func(c *domain.Client) string { return c.Email }},
	{"phone_1", domain.Localized{FR: "Téléphone 1", EN: "Phone 1"}, phone(0)},
	{"phone_2", domain.Localized{FR: "Téléphone 2", EN: "Phone 2"}, phone(1)},
	{"company_name", domain.Localized{FR: "Entreprise", EN: "Company"}, func(c *domain.Client) string { return c.CompanyName }},
	{"code", domain.Localized{FR: "Code client", EN: "Client code"}, func(c *domain.Client) string { return c.Code }},
	{"notes", domain.Localized{FR: "Notes", EN: "Notes"}, func(c *domain.Client) string { return c.Notes }},
	{"address_line1", domain.Localized{FR: "Adresse", EN: "Address line 1"}, func(c *domain.Client) string { return address(c).Line1 }},
	{"address_line2", domain.Localized{FR: "Complément d’adresse", EN: "Address line 2"}, func(c *domain.Client) string { return address(c).Line2 }},
	{"postal_code", domain.Localized{FR: "Code postal", EN: "Postal code"}, func(c *domain.Client) string { return address(c).PostalCode }},
	{"city", domain.Localized{FR: "Ville", EN: "City"}, func(c *domain.Client) string { return address(c).City }},
	{"region", domain.Localized{FR: "Région", EN: "Region"}, func(c *domain.Client) string { return address(c).Region }},
	{"country", domain.Localized{FR: "Pays", EN: "Country"}, func(c *domain.Client) string { return address(c).Country }},
	{"status", domain.Localized{FR: "Statut", EN: "Status"}, func(c *domain.Client) string { return string(c.Status) }},
	{"archived", domain.Localized{FR: "Archivé", EN: "Archived"}, func(c *domain.Client) string { return strconv.FormatBool(c.Archived) }},
	{"tags", domain.Localized{FR: "Étiquettes", EN: "Tags"}, func(c *domain.Client) string { return strings.Join(c.Tags, ", ") }},
	{"created_at", domain.Localized{FR: "Créé le", EN: "Created at"}, func(c *domain.Client) string { return timeText(c.CreatedAt) }},
	{"updated_at", domain.Localized{FR: "Modifié le", EN: "Updated at"}, func(c *domain.Client) string { return timeText(c.UpdatedAt) }},
}

// CustomPrefix names a custom field's column: custom_fields.<key>.
const CustomPrefix = "custom_fields."

// Columns are the columns of an export: the standard ones then one per custom field
// definition, narrowed to keys when keys is not empty (in the standard order). It reports
// the first key that names no column.
func Columns(defs domain.Definitions, keys []string) ([]Column, string) {
	all := slices.Clone(StandardColumns)
	for _, d := range defs {
		key := d.Key
		all = append(all, Column{Key: CustomPrefix + key, Header: d.Label, value: func(c *domain.Client) string {
			return customText(c.CustomFields[key])
		}})
	}
	if len(keys) == 0 {
		return all, ""
	}
	for _, k := range keys {
		if !slices.ContainsFunc(all, func(c Column) bool { return c.Key == k }) {
			return nil, k
		}
	}
	return slices.DeleteFunc(all, func(c Column) bool { return !slices.Contains(keys, c.Key) }), ""
}

func customText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	default:
		return ""
	}
}

// neutralize defuses spreadsheet formula injection (OWASP "CSV Injection"): a cell that
// starts with = + - @, a tab or a carriage return is prefixed with a quote, so that Excel
// shows it as text instead of evaluating it.
func neutralize(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// Writer writes one CSV file inside a zip stream: UTF-8 with a byte order mark and CRLF line
// ends (Excel opens French accents right), RFC 4180 quoting.
type Writer struct {
	zw      *zip.Writer
	cw      *csv.Writer
	columns []Column
	record  []string
	Rows    int64
}

// NewWriter starts the zip stream on w with one file, name, and writes its header row in lang.
func NewWriter(w io.Writer, name string, columns []Column, lang string) (*Writer, error) {
	zw := zip.NewWriter(w)
	f, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: time.Now().UTC()})
	if err != nil {
		return nil, err
	}
	if _, err := io.WriteString(f, "\ufeff"); err != nil {
		return nil, err
	}
	cw := csv.NewWriter(f)
	cw.UseCRLF = true
	ew := &Writer{zw: zw, cw: cw, columns: columns, record: make([]string, len(columns))}
	for i, c := range columns {
		ew.record[i] = c.Header.EN
		if lang == "fr" && c.Header.FR != "" || c.Header.EN == "" {
			ew.record[i] = c.Header.FR
		}
	}
	return ew, cw.Write(ew.record)
}

// Write adds one client as a row.
func (w *Writer) Write(c *domain.Client) error {
	for i, col := range w.columns {
		w.record[i] = neutralize(col.value(c))
	}
	w.Rows++
	return w.cw.Write(w.record)
}

// Close flushes the CSV and finishes the zip stream (not the underlying writer).
func (w *Writer) Close() error {
	w.cw.Flush()
	if err := w.cw.Error(); err != nil {
		return err
	}
	return w.zw.Close()
}
