package api_test

import (
	"testing"
)

// FuzzCreateClient: whatever body and headers a caller sends, the answer is never a 5xx and
// always fits the contract.
func FuzzCreateClient(f *testing.F) {
	f.Add(`{"company_name":"Acme"}`, "application/json", "fr", "")
	f.Add(`{"first_name":"Hélène","phones":["0612345678"],"address":{"country":"FR"}}`, "application/json; charset=utf-8", "en", "k1")
	f.Add(`{"custom_fields":{"a":[1]},"tags":[null]}`, "application/json", "", "")
	f.Add(`{"email":"a@b.c","social_links":{"x":"https://x"}}`, "text/json", "de", " ")
	f.Add(`{`, "application/json", "*", "k\x00")
	f.Add(`null`, "", "fr-CA;q=2", "")
	h := newHarness(f)
	f.Fuzz(func(t *testing.T, body, contentType, lang, key string) {
		h.t = t
		ev := withHeader(withHeader(withHeader(withBody(event(t, "create-client"), body), "content-type", contentType),
			"accept-language", lang), "idempotency-key", key)
		if resp := h.call(ev); resp.StatusCode >= 500 {
			t.Fatalf("%d for body %q: %s", resp.StatusCode, body, resp.Body)
		}
	})
}
