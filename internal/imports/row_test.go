package imports

import (
	"reflect"
	"slices"
	"testing"

	"github.com/clientdesk/clientdesk/internal/domain"
	"github.com/clientdesk/clientdesk/internal/phone"
)

var rowDefs = domain.Definitions{
	{Key: "budget", Label: domain.Localized{FR: "Budget", EN: "Budget"}, Type: domain.TypeNumber},
	{Key: "depuis", Label: domain.Localized{FR: "Client depuis", EN: "Client since"}, Type: domain.TypeDate},
	{Key: "vip", Label: domain.Localized{FR: "VIP", EN: "VIP"}, Type: domain.TypeBoolean},
	{Key: "taille", Label: domain.Localized{FR: "Taille", EN: "Size"}, Type: domain.TypeSelect, Options: []string{"Petite", "Grande"}},
}

func reading(headers []string, lang, country string) Reading {
	return Reading{Columns: DetectMapping(headers, rowDefs), Definitions: rowDefs, Lang: lang, Country: country, ParsePhone: phone.E164}
}

func TestRowReadsAClient(t *testing.T) {
	rd := reading([]string{"Nom complet", "Société", "E-mail", "Téléphone", "Mobile", "Adresse", "CP", "Ville", "Pays", "Étiquettes",
		"Budget", "Client depuis", "VIP", "Taille"}, "fr", "")
	f, errs := rd.Row([]string{"Hélène  Martin-Dubois", "Atelier", "Helene@Exemple.fr", "06 12 34 56 78", "+44 20 7946 0958", "12 rue X", "75011", "Paris", "fr",
		"vip; export, vip", "1 234,50", "15/03/2024", "oui", "grande"})
	if len(errs) != 0 {
		t.Fatalf("errors %+v", errs)
	}
	want := domain.Fields{FirstName: "Hélène", LastName: "Martin-Dubois", CompanyName: "Atelier", Email: "Helene@Exemple.fr",
		Phones:  []string{"+33612345678", "+442079460958"},
		Address: &domain.Address{Line1: "12 rue X", PostalCode: "75011", City: "Paris", Country: "FR"}, Locale: "fr",
		Tags:         []string{"vip", "export"},
		CustomFields: map[string]any{"budget": 1234.5, "depuis": "2024-03-15", "vip": true, "taille": "Grande"}}
	if !reflect.DeepEqual(*f, want) {
		t.Errorf("got  %+v\nwant %+v", *f, want)
	}
}

func TestRowErrorsNameTheirColumn(t *testing.T) {
	headers := []string{"Prénom", "Nom", "E-mail", "Téléphone", "Pays", "Budget", "Client depuis", "VIP", "Taille", "Étiquettes"}
	tests := []struct {
		name  string
		lang  string
		cells []string
		want  []CellError
	}{
		{"a bad e-mail", "fr", []string{"Anne", "Martin", "anne@", "", "", "", "", "", "", ""},
			[]CellError{{Column: 2, Code: domain.FieldInvalidEmail}}},
		{"a national phone without a country", "fr", []string{"Anne", "", "", "06 12 34 56 78", "", "", "", "", "", ""},
			[]CellError{{Column: 3, Code: domain.FieldPhoneRegion}}},
		{"a phone that is not one in the row's country", "fr", []string{"Anne", "", "", "12", "FR", "", "", "", "", ""},
			[]CellError{{Column: 3, Code: domain.FieldInvalidPhone}}},
		{"no name at all", "fr", []string{"", "", "a@example.com", "", "", "", "", "", "", ""},
			[]CellError{{Column: -1, Code: domain.FieldNameRequired}}},
		{"typed custom values", "fr", []string{"Anne", "", "", "", "", "beaucoup", "31/02/2024", "peut-être", "moyenne", ""},
			[]CellError{{Column: 5, Code: domain.FieldInvalidValue, Param: "number"}, {Column: 6, Code: domain.FieldInvalidValue, Param: "date"},
				{Column: 7, Code: domain.FieldInvalidValue, Param: "boolean"}, {Column: 8, Code: domain.FieldInvalidValue, Param: "Petite, Grande"}}},
		{"an English number and date", "en", []string{"Anne", "", "", "", "", "1,234.5", "03/15/2024", "yes", "", ""}, nil},
		{"a country that is not one", "fr", []string{"Anne", "", "", "", "Narnia", "", "", "", "", ""},
			[]CellError{{Column: 4, Code: domain.FieldInvalidCountry}}},
		{"invisible characters", "fr", []string{"An\u200bne", "", "", "", "", "", "", "", "", ""},
			[]CellError{{Column: 0, Code: domain.FieldInvisibleChars}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errs := reading(headers, tt.lang, "").Row(tt.cells)
			if !slices.Equal(errs, tt.want) {
				t.Errorf("got %+v\nwant %+v", errs, tt.want)
			}
		})
	}
}

func TestRowBlankAndDefaultCountry(t *testing.T) {
	rd := reading([]string{"Nom", "Téléphone", "Inconnue"}, "fr", "FR")
	if f, errs := rd.Row([]string{" ", "", "not mapped"}); f != nil || errs != nil {
		t.Errorf("a blank row: %+v %+v", f, errs)
	}
	if f, errs := rd.Row([]string{"Martin"}); f == nil || errs != nil || f.LastName != "Martin" {
		t.Errorf("a short row: %+v %+v", f, errs)
	}
	f, errs := rd.Row([]string{"Martin", "01 23 45 67 89"})
	if errs != nil || !slices.Equal(f.Phones, []string{"+33123456789"}) {
		t.Errorf("read in the import's country: %+v %+v", f, errs)
	}
}

func TestParseDate(t *testing.T) {
	for _, tt := range []struct{ in, lang, want string }{
		{"2024-03-15", "fr", "2024-03-15"}, {"2024-03-15", "en", "2024-03-15"}, {"15/03/2024", "fr", "2024-03-15"},
		{"15.03.2024", "fr", "2024-03-15"}, {"03/15/2024", "en", "2024-03-15"}, {"15/03/24", "fr", "2024-03-15"},
		{"1/2/49", "fr", "2049-02-01"}, {"1/2/50", "fr", "1950-02-01"}, {"29/02/2023", "fr", ""}, {"15/03/2024", "en", ""},
		{"15/03", "fr", ""}, {"aa/bb/cccc", "fr", ""}, {"15/03/02024", "fr", ""},
		{"2024-03-15 14:30", "fr", "2024-03-15"}, {"2024-03-15 00:00:00", "en", "2024-03-15"}, {"2024-03-15 25:00", "fr", ""}, {"2024-03-15 midi", "fr", ""},
	} {
		got, ok := parseDate(tt.in, tt.lang)
		if s, _ := got.(string); s != tt.want || ok != (tt.want != "") {
			t.Errorf("parseDate(%q, %s) = %v %v", tt.in, tt.lang, got, ok)
		}
	}
}
