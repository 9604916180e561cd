package imports

import (
	"slices"
	"testing"

	"github.com/clientdesk/clientdesk/internal/domain"
)

var defs = domain.Definitions{
	{Key: "budget", Label: domain.Localized{FR: "Budget annuel", EN: "Yearly budget"}, Type: domain.TypeNumber},
	{Key: "secteur", Label: domain.Localized{FR: "Secteur d’activité", EN: "Industry"}, Type: domain.TypeText},
	// A custom field whose label is also a variant of a standard field's header wins it.
	{Key: "ref_interne", Label: domain.Localized{FR: "Référence", EN: "Internal reference"}, Type: domain.TypeText},
}

func targets(cols []Column) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = c.Target
	}
	return out
}

func TestDetectMapping(t *testing.T) {
	tests := []struct {
		name    string
		headers []string
		want    []string
	}{
		{"a French Excel file", []string{"Prénom", "NOM", "Société", "E-mail", "Téléphone", "Code client", "Adresse", "CP", "Ville", "Pays", "Étiquettes"},
			[]string{"first_name", "last_name", "company_name", "email", Phone1, "code", "address_line1", "postal_code", "city", "country", "tags"}},
		{"an English CRM export", []string{"First Name", "Last Name", "Company Name", "Email Address", "Phone Number", "Mobile", "Street Address", "Zip Code", "City", "State", "Country", "Notes"},
			[]string{"first_name", "last_name", "company_name", "email", Phone1, Phone2, "address_line1", "postal_code", "city", "region", "country", "notes"}},
		{"Workstaff's three columns", []string{"Name", "Code", "Address"}, []string{FullName, "code", "address_line1"}},
		{"spaces, case and punctuation", []string{"  e_mail ", "TÉL.", "code-postal", "Complément d'adresse", "Nom de famille"},
			[]string{"email", Phone1, "postal_code", "address_line2", "last_name"}},
		{"a second column of a target stays unmapped", []string{"Email", "Courriel", "Téléphone", "Portable", "Fixe"},
			[]string{"email", "", Phone1, Phone2, ""}},
		{"a name column after first and last names", []string{"Prénom", "Nom", "Nom complet"}, []string{"first_name", "last_name", ""}},
		{"first and last names after a name column", []string{"Full name", "First name"}, []string{FullName, ""}},
		{"custom fields by label, key or column key", []string{"Budget annuel", "industry", "custom_fields.secteur", "Référence"},
			[]string{"custom_fields.budget", "custom_fields.secteur", "", "custom_fields.ref_interne"}},
		{"what is not a client's field", []string{"Identifiant", "Statut", "Créé le", "", "Couleur préférée"}, []string{"", "", "", "", ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cols := DetectMapping(tt.headers, defs)
			if got := targets(cols); !slices.Equal(got, tt.want) {
				t.Errorf("%q\n got %q\nwant %q", tt.headers, got, tt.want)
			}
			for i, c := range cols {
				if c.Index != i || c.Header != tt.headers[i] {
					t.Errorf("column %d: %+v", i, c)
				}
			}
		})
	}
}

// An export, French or English, imports back: each column a person may write maps to its own
// key, the others to none.
func TestExportHeadersMapBack(t *testing.T) {
	cols, _ := domain.ExportColumns(defs, nil)
	for _, lang := range []string{"fr", "en"} {
		headers := make([]string, len(cols))
		for i, c := range cols {
			headers[i] = c.Header.Pick(lang)
		}
		got := DetectMapping(headers, defs)
		for i, c := range cols {
			want := ""
			if IsTarget(c.Key, defs) {
				want = c.Key
			}
			if got[i].Target != want {
				t.Errorf("%s %q: %q, want %q", lang, headers[i], got[i].Target, want)
			}
		}
	}
}

func TestIsTarget(t *testing.T) {
	for target, want := range map[string]bool{"email": true, FullName: true, Phone2: true, "custom_fields.budget": true,
		"custom_fields.nope": false, "status": false, "id": false, "": false, "address": false} {
		if IsTarget(target, defs) != want {
			t.Errorf("IsTarget(%q) = %v", target, !want)
		}
	}
}
