// Package imports turns the rows of an uploaded spreadsheet into clients: which column fills
// which field (the mapping), and each row read into client fields by the API's own rules.
package imports

import (
	"slices"
	"strings"
	"unicode"

	"github.com/clientdesk/clientdesk/internal/domain"
)

// Targets a column can fill (see domain.ImportTargets).
const (
	FullName = domain.TargetFullName
	Phone1   = domain.TargetPhone1
	Phone2   = domain.TargetPhone2
)

// writable are the export columns an import fills, in the export's order.
var writable = domain.ImportTargets

// aliases are the headers people write for each target, folded (see headerKey), beyond the
// export's own headers in French and English.
var aliases = map[string][]string{
	FullName:        {"name", "nomcomplet", "fullname", "contact", "nometprenom", "prenometnom", "client"},
	"first_name":    {"prenom", "firstname", "first", "givenname", "forename"},
	"last_name":     {"nom", "nomdefamille", "lastname", "last", "surname", "familyname"},
	"email":         {"email", "mail", "courriel", "adresseemail", "adressemail", "adressecourriel", "emailaddress", "adresseelectronique"},
	Phone1:          {"telephone", "tel", "phone", "phonenumber", "numerodetelephone", "mobile", "portable", "gsm", "cell", "cellphone", "telephoneportable", "tel1"},
	Phone2:          {"telephonefixe", "fixe", "tel2", "telephone2", "phone2", "mobile2", "autretelephone", "otherphone"},
	"company_name":  {"societe", "entreprise", "company", "companyname", "organisation", "organization", "raisonsociale", "business", "nomdelentreprise", "nomdelasociete"},
	"code":          {"code", "codeclient", "clientcode", "customercode", "reference", "ref", "numeroclient", "numerodeclient", "customernumber", "clientnumber", "customerid"},
	"notes":         {"notes", "note", "commentaire", "commentaires", "comment", "comments", "remarque", "remarques", "observations"},
	"address_line1": {"adresse", "address", "adresse1", "adresseligne1", "address1", "addressline1", "rue", "street", "streetaddress", "voie"},
	"address_line2": {"adresse2", "adresseligne2", "complement", "complementdadresse", "address2", "addressline2"},
	"postal_code":   {"cp", "codepostal", "postalcode", "zip", "zipcode", "postcode"},
	"city":          {"ville", "city", "commune", "town", "localite"},
	"region":        {"region", "departement", "state", "province", "county"},
	"country":       {"pays", "country", "countrycode", "codepays"},
	"tags":          {"tags", "tag", "etiquettes", "etiquette", "labels", "label", "categories", "categorie", "groupes", "groups"},
}

// Column is a column of the file and the target it fills ("" when none).
type Column = domain.ImportColumn

// IsTarget reports whether target is one a column can fill, given the tenant's custom fields.
func IsTarget(target string, defs domain.Definitions) bool {
	return domain.IsImportTarget(target, defs)
}

// DetectMapping matches each header to a target, case, accents, spaces and punctuation
// ignored: the export's headers (French and English), the common variants, and each custom
// field's key and labels (which win over a variant). A target fills one column: a second
// "phone" column becomes the second phone, a second column of any other target stays
// unmapped.
func DetectMapping(headers []string, defs domain.Definitions) []Column {
	known := map[string]string{}
	for _, target := range writable {
		for _, a := range aliases[target] {
			known[a] = target
		}
	}
	for _, a := range aliases[FullName] {
		known[a] = FullName
	}
	for _, c := range domain.StandardExportColumns {
		if slices.Contains(writable, c.Key) {
			known[headerKey(c.Header.FR)] = c.Key
			known[headerKey(c.Header.EN)] = c.Key
			known[headerKey(c.Key)] = c.Key
		}
	}
	for _, d := range defs {
		target := domain.CustomColumnPrefix + d.Key
		for _, h := range []string{d.Key, d.Label.FR, d.Label.EN, target} {
			if k := headerKey(h); k != "" {
				known[k] = target
			}
		}
	}
	used := map[string]bool{}
	cols := make([]Column, len(headers))
	for i, h := range headers {
		cols[i] = Column{Index: i, Header: h}
		target := known[headerKey(h)]
		if target == Phone1 && used[Phone1] {
			target = Phone2
		}
		if target == "" || used[target] {
			continue
		}
		// A name column and first/last name columns do not both fill the names.
		if (target == FullName && (used["first_name"] || used["last_name"])) ||
			((target == "first_name" || target == "last_name") && used[FullName]) {
			continue
		}
		used[target] = true
		cols[i].Target = target
	}
	return cols
}

// headerKey folds a header for matching: lower case, no accents, letters and digits only
// ("E-mail" and "email", "Code client" and "codeclient", "Téléphone 1" and "telephone1").
func headerKey(h string) string {
	var b strings.Builder
	for _, r := range domain.Fold(h) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}
