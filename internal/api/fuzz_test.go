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

// FuzzListClients: no query string makes the list answer a 5xx, and every answer fits the
// contract; a 400 always names the parameter at fault.
func FuzzListClients(f *testing.F) {
	f.Add("helene duf", "prospect,invited", "false", "vip", "2026-01-01", "2027-01-01T00:00:00Z", "-created_at", "first_name,status", "25", "")
	f.Add("0612", "", "true", "", "", "", "name", "", "1", "e30")
	f.Add("", "lead", "maybe", "", "yesterday", "", "email", "password", "0", "!!!")
	f.Add("é\x00\xff", ",", "", " ", "9999-12-31", "2000-01-01", "-name", ",,", "100", "eyJ2IjoyLCJmIjoiIiwicCI6eyJQSyI6IngifX0")
	f.Add("+33 6", "suspended", "false", "Île", "", "", "created_at", "custom_fields", "3", "")
	h := newHarness(f)
	h.create("agency-1", `{"first_name":"Hélène","last_name":"Dufour","tags":["vip"],"phones":["+33612345678"]}`)
	h.create("agency-1", `{"company_name":"Acme"}`)
	f.Fuzz(func(t *testing.T, q, status, archived, tag, after, before, sort, fields, limit, cursor string) {
		h.t = t
		params := map[string]string{}
		for k, v := range map[string]string{"q": q, "status": status, "archived": archived, "tag": tag, "created_after": after,
			"created_before": before, "sort": sort, "fields": fields, "limit": limit, "cursor": cursor} {
			if v != "" {
				params[k] = v
			}
		}
		resp := h.call(withQuery(event(t, "list-clients"), params))
		if resp.StatusCode >= 500 {
			t.Fatalf("%d for %v: %s", resp.StatusCode, params, resp.Body)
		}
		if resp.StatusCode == 400 {
			if p := decode[problem](t, resp); p.Param == "" {
				t.Fatalf("400 without the parameter named: %s", resp.Body)
			}
		}
	})
}
