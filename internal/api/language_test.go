package api

import "testing"

// Accept-Language as browsers send it, and as they should not.
func TestNegotiateLanguage(t *testing.T) {
	for accept, want := range map[string]string{
		"":                                    "en",
		"fr":                                  "fr",
		"fr-FR,fr;q=0.9,en-US;q=0.8,en;q=0.7": "fr",
		"en-GB,en;q=0.9":                      "en",
		"fr-CA":                               "fr",
		"FR-ch":                               "fr",
		"de-CH,fr;q=0.8,en;q=0.5":             "fr",
		"de, en;q=0.5":                        "en",
		"de":                                  "en",
		"*":                                   "en",
		"en;q=0.5, fr;q=0.9":                  "fr",
		"fr, en":                              "fr",
		"en, fr":                              "en",
		"fr;q=0":                              "en",
		"fr;q=2":                              "en",
		"fr;q=abc, en;q=0.1":                  "en",
		"fr ; q = 0.7 , en ; q = 0.6":         "fr",
		";;;,,,":                              "en",
		"fr_FR":                               "en",
		"es-ES,es;q=0.9,fr;q=0.8,en;q=0.7,*;q=0.5": "fr",
	} {
		if got := negotiateLanguage(accept); got != want {
			t.Errorf("negotiateLanguage(%q) = %s, want %s", accept, got, want)
		}
	}
}
