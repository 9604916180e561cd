package domain

import (
	"strings"
	"testing"
	"unicode"

	"golang.org/x/text/language"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
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

// foldAsXText is Fold as it was written with x/text's transformer chain (NFD, remove Mn,
// NFC), which Fold now does in three plain passes.
func foldAsXText(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, ligatures.Replace(s))
	if err != nil {
		out = s
	}
	return strings.ToLower(out)
}

func FuzzFoldAsXText(f *testing.F) {
	for _, s := range []string{"Hélène", "HÉLÈNE", "Ærøskøbing", "straße", "Œuvre", "Łódź", "İstanbul", "ı", "e\u0301", "\u1e9b\u0323",
		"한국어", "ﬁ", "Ａｂｃ", "a\xffb\xc3", "\xe2\x82", "Đorđe", "ñandú", "\u0301start", "x\u20dd", "\xe0\u08e3\xa3\xa3", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := Fold(s), foldAsXText(s); got != want {
			t.Errorf("Fold(%q) = %q, x/text: %q", s, got, want)
		}
	})
}
