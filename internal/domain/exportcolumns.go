package domain

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// ExportColumn is one column of the file: its key (what a request names), its header in each
// language, and how a client fills it.
type ExportColumn struct {
	Key    string
	Header Localized
	// Value is the cell of a client.
	Value func(c *Client) string
}

func address(c *Client) Address {
	if c.Address == nil {
		return Address{}
	}
	return *c.Address
}

func phone(i int) func(*Client) string {
	return func(c *Client) string {
		if i < len(c.Phones) {
			return c.Phones[i]
		}
		return ""
	}
}

func timeText(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// StandardExportColumns are the columns of every export, in order (custom fields follow).
var StandardExportColumns = []ExportColumn{
	{"id", Localized{FR: "Identifiant", EN: "ID"}, func(c *Client) string { return c.ID }},
	{"first_name", Localized{FR: "Prénom", EN: "First name"}, func(c *Client) string { return c.FirstName }},
	{"last_name", Localized{FR: "Nom", EN: "Last name"}, func(c *Client) string { return c.LastName }},
	{"email", Localized{FR: "E-mail", EN: "Email"}, func(c *Client) string { return c.Email }},
	{"phone_1", Localized{FR: "Téléphone 1", EN: "Phone 1"}, phone(0)},
	{"phone_2", Localized{FR: "Téléphone 2", EN: "Phone 2"}, phone(1)},
	{"company_name", Localized{FR: "Entreprise", EN: "Company"}, func(c *Client) string { return c.CompanyName }},
	{"code", Localized{FR: "Code client", EN: "Client code"}, func(c *Client) string { return c.Code }},
	{"notes", Localized{FR: "Notes", EN: "Notes"}, func(c *Client) string { return c.Notes }},
	{"address_line1", Localized{FR: "Adresse", EN: "Address line 1"}, func(c *Client) string { return address(c).Line1 }},
	{"address_line2", Localized{FR: "Complément d’adresse", EN: "Address line 2"}, func(c *Client) string { return address(c).Line2 }},
	{"postal_code", Localized{FR: "Code postal", EN: "Postal code"}, func(c *Client) string { return address(c).PostalCode }},
	{"city", Localized{FR: "Ville", EN: "City"}, func(c *Client) string { return address(c).City }},
	{"region", Localized{FR: "Région", EN: "Region"}, func(c *Client) string { return address(c).Region }},
	{"country", Localized{FR: "Pays", EN: "Country"}, func(c *Client) string { return address(c).Country }},
	{"status", Localized{FR: "Statut", EN: "Status"}, func(c *Client) string { return string(c.Status) }},
	{"archived", Localized{FR: "Archivé", EN: "Archived"}, func(c *Client) string { return strconv.FormatBool(c.Archived) }},
	{"tags", Localized{FR: "Étiquettes", EN: "Tags"}, func(c *Client) string { return strings.Join(c.Tags, ", ") }},
	{"site_ids", Localized{FR: "Identifiants des sites attribués", EN: "Assigned site IDs"}, func(c *Client) string { return strings.Join(c.SiteIDs, ", ") }},
	{"sites_count", Localized{FR: "Nombre de sites", EN: "Number of sites"}, func(c *Client) string { return strconv.Itoa(len(c.SiteIDs)) }},
	{"team_lead", Localized{FR: "Responsable", EN: "Lead"}, func(c *Client) string { return teamLabel(c.Lead()) }},
	{"team_coordinators", Localized{FR: "Coordinateurs", EN: "Coordinators"}, func(c *Client) string {
		var names []string
		for _, m := range c.Team {
			if m.Has(TeamCoordinator) {
				names = append(names, m.label())
			}
		}
		return strings.Join(names, ", ")
	}},
	{"team_contact", Localized{FR: "Contact de l’équipe", EN: "Staff contact"}, func(c *Client) string { return teamLabel(c.StaffContact()) }},
	{"created_at", Localized{FR: "Créé le", EN: "Created at"}, func(c *Client) string { return timeText(c.CreatedAt.Time) }},
	{"updated_at", Localized{FR: "Modifié le", EN: "Updated at"}, func(c *Client) string { return timeText(c.UpdatedAt.Time) }},
}

func teamLabel(m *TeamMember) string {
	if m == nil {
		return ""
	}
	return m.label()
}

// CustomColumnPrefix names a custom field's column: custom_fields.<key>.
const CustomColumnPrefix = "custom_fields."

// ExportColumns are the columns of an export: the standard ones then one per custom field
// definition, narrowed to keys when keys is not empty (in their order). It reports
// the first key that names no column.
func ExportColumns(defs Definitions, keys []string) ([]ExportColumn, string) {
	all := slices.Clone(StandardExportColumns)
	for _, d := range defs {
		key := d.Key
		all = append(all, ExportColumn{Key: CustomColumnPrefix + key, Header: d.Label, Value: func(c *Client) string {
			return customText(c.CustomFields[key])
		}})
	}
	if len(keys) == 0 {
		return all, ""
	}
	out := make([]ExportColumn, 0, len(keys))
	for _, k := range keys {
		i := slices.IndexFunc(all, func(c ExportColumn) bool { return c.Key == k })
		if i < 0 {
			return nil, k
		}
		if !slices.ContainsFunc(out, func(c ExportColumn) bool { return c.Key == k }) {
			out = append(out, all[i])
		}
	}
	return out, ""
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
