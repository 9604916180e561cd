package domain_test

import (
	"reflect"
	"testing"

	"github.com/clientdesk/clientdesk/internal/domain"
)

func TestFold(t *testing.T) {
	for in, want := range map[string]string{"Hélène": "helene", "ŒUVRE Ærø": "oeuvre aero", "Straße": "strasse", "Łódź": "lodz", "ÇA": "ca", "İstanbul": "istanbul"} {
		if got := domain.Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSearchTerms(t *testing.T) {
	c := &domain.Client{Fields: domain.Fields{FirstName: "Hélène", LastName: "Dufour", CompanyName: "Atelier Dufour & Fils",
		Email: "h.dufour@atelier-dufour.co.uk", Phones: []string{"+33612345678", "+16502530000"}, Code: "C-0042",
		Tags: []string{"VIP", "Île-de-France"}, CustomFields: map[string]any{"siret": "123 456", "secret": "hidden", "n": 3.0}}}
	got := domain.SearchTerms(c, func(k string) bool { return k == "siret" })
	want := []string{"0042", "0612345678", "123456", "16502530000", "33612345678", "456", "6502530000", "atelier-dufour.co.uk",
		"co", "de", "dufour", "fils", "france", "h.dufour@atelier-dufour.co.uk", "helene", "ile", "vip"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got  %v\nwant %v", got, want)
	}
	// The whole address and the whole domain are filed; "h" begins "helene", "c" begins "co",
	// "123" begins "123456" (the number filed whole), "atelier" begins "atelier-dufour.co.uk":
	// all four are dropped.
}

// Addresses are one address however they are typed: the canonical key collides for each pair,
// and the stored form is what was typed, in NFC.
func TestEmailKey(t *testing.T) {
	nfd := "a\u0301lice@example.com" // á decomposed
	for a, b := range map[string]string{
		"alice@example.com": "Alice@EXAMPLE.com",
		"bob@example.com":   "bob@ｅｘａｍｐｌｅ.com", // full-width domain
		nfd:                 "álice@example.com",
		"x@bücher.de":       "X@xn--bcher-kva.de",
		" c@example.org ":   "c@Example.Org",
	} {
		if domain.EmailKey(a) != domain.EmailKey(b) {
			t.Errorf("%q and %q differ: %q, %q", a, b, domain.EmailKey(a), domain.EmailKey(b))
		}
	}
	if domain.EmailKey("alice@example.com") == domain.EmailKey("alice@example.org") || domain.EmailKey("alice@x.fr") == domain.EmailKey("alicé@x.fr") {
		t.Error("different addresses collide")
	}
	if got := domain.EmailSearchForm("X@xn--bcher-kva.de"); got != "x@bücher.de" {
		t.Errorf("search form %q", got)
	}
}

func TestQueryWords(t *testing.T) {
	for q, want := range map[string][]string{
		"helene duf":       {"duf", "helene"},
		"  HÉLÈNE  ":       {"helene"},
		"du dufour":        {"dufour"},
		"06 12 34 56 78":   {"0612345678"},
		"+33 6 12":         {"33612"},
		"0033 612":         {"33612"},
		"(650) 253-0000":   {"6502530000"},
		"c-0042":           {"0042", "c"},
		"jean-pierre@x.fr": {"jean-pierre@x.fr"},
		"C3@Exemple.FR":    {"c3@exemple.fr"},
		"c3@exe":           {"c3@exe"},
		"exemple.fr":       {"exemple.fr"},
		"Bücher.de martin": {"bucher.de", "martin"},
		"xn--bcher-kva.de": {"bucher.de"},
		"":                 nil,
		"  ":               nil,
		"--":               nil,
	} {
		got := domain.QueryWords(q)
		if len(got) == 0 && len(want) == 0 {
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("QueryWords(%q) = %v, want %v", q, got, want)
		}
	}
}

func TestPhoneForms(t *testing.T) {
	for in, want := range map[string][]string{
		"+33612345678":  {"33612345678", "0612345678"},
		"+16502530000":  {"16502530000", "6502530000"},
		"+442079460958": {"442079460958", "02079460958"},
		"+35312345678":  {"35312345678", "012345678"},
		"+7":            {"7"},
		"garbage":       nil,
	} {
		if got := domain.PhoneForms(in); !reflect.DeepEqual(got, want) {
			t.Errorf("PhoneForms(%q) = %v, want %v", in, got, want)
		}
	}
}
