package domain

import (
	"testing"

	"golang.org/x/text/language"
)

// TestCountriesAsXText: ValidCountry accepts exactly the two-letter codes x/text reads as a
// country, written as given.
func TestCountriesAsXText(t *testing.T) {
	for a := 'A'; a <= 'Z'; a++ {
		for b := 'A'; b <= 'Z'; b++ {
			code := string([]rune{a, b})
			r, err := language.ParseRegion(code)
			want := err == nil && r.IsCountry() && r.String() == code
			if got := ValidCountry(code); got != want {
				t.Errorf("ValidCountry(%q) = %v, x/text: %v", code, got, want)
			}
		}
	}
	for _, s := range []string{"", "F", "fr", "FRA", "F1", "001"} {
		if ValidCountry(s) {
			t.Errorf("ValidCountry(%q) = true", s)
		}
	}
}
