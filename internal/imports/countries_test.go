package imports

import (
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"github.com/clientdesk/clientdesk/internal/domain"
)

// The table is CLDR's names, as x/text gives them, of every country ValidCountry accepts and
// that is not deprecated.
func TestCountryNamesAreCLDRs(t *testing.T) {
	var want []countryName
	for a := 'A'; a <= 'Z'; a++ {
		for b := 'A'; b <= 'Z'; b++ {
			code := string([]rune{a, b})
			if !domain.ValidCountry(code) {
				continue
			}
			r := language.MustParseRegion(code)
			if c, _ := r.Canonicalize(), 0; c.String() != code {
				continue
			}
			for _, n := range []string{display.French.Regions().Name(r), display.English.Regions().Name(r)} {
				if k := headerKey(n); k != "" && !slices.Contains(want, countryName{k, code}) {
					want = append(want, countryName{k, code})
				}
			}
		}
	}
	slices.SortFunc(want, func(a, b countryName) int { return strings.Compare(a.key, b.key) })
	if !slices.Equal(countryNames, want) {
		t.Errorf("countryNames differ from CLDR's (%d, want %d)", len(countryNames), len(want))
	}
	for k, code := range countryAliases {
		if !domain.ValidCountry(code) || headerKey(k) != k {
			t.Errorf("alias %q → %q", k, code)
		}
	}
}

func TestCountryCode(t *testing.T) {
	for in, want := range map[string]string{"France": "FR", "FRANCE": "FR", "fr": "FR", "Royaume-Uni": "GB", "United Kingdom": "GB",
		"UK": "GB", "USA": "US", "États-Unis": "US", "Allemagne": "DE", "Côte d’Ivoire": "CI", "Cote d'Ivoire": "CI", "Suisse": "CH",
		"Belgique": "BE", "Nouvelle-Calédonie": "NC", "Narnia": "", "": ""} {
		if got := CountryCode(in); got != want {
			t.Errorf("CountryCode(%q) = %q, want %q", in, got, want)
		}
	}
}
