package api_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

// One person, one address: each address collides with its twin typed another way (409), and
// the stored address is what was typed, in NFC.
func TestOneAddressIsOneAddress(t *testing.T) {
	h := newHarness(t)
	for i, tc := range []struct{ first, twin string }{
		{"alice@example.com", "Alice@EXAMPLE.com"},
		{"alice@example.com", "alice@ｅｘａｍｐｌｅ.com"},
		{"álice@example.com", "a\u0301lice@example.com"},
		{"x@bücher.de", "X@xn--bcher-kva.de"},
	} {
		tenant := fmt.Sprintf("t%d", i)
		first := h.create(tenant, fmt.Sprintf(`{"company_name":"A","email":%q}`, tc.first))
		if first.Email != norm.NFC.String(tc.first) {
			t.Errorf("stored %q for %q", first.Email, tc.first)
		}
		resp := h.call(withBody(as(event(t, "create-client"), tenant, "[admin]"), fmt.Sprintf(`{"company_name":"B","email":%q}`, tc.twin)))
		if p := decode[problem](t, resp); resp.StatusCode != 409 || p.Code != "email_taken" {
			t.Errorf("%q after %q: %d %s", tc.twin, tc.first, resp.StatusCode, resp.Body)
		}
	}
	// A decomposed address is stored composed.
	c := h.create("t9", `{"company_name":"C","email":"he\u0301le\u0300ne@example.fr"}`)
	if c.Email != "hélène@example.fr" {
		t.Errorf("stored %q", c.Email)
	}
}

// Invisible and direction-control characters make two names look alike yet differ, or a
// name display as something else: refused in names, company names and addresses.
func TestInvisibleCharactersRefused(t *testing.T) {
	h := newHarness(t)
	for pointer, body := range map[string]string{
		"/first_name":   `{"first_name":"Hé\u200blène"}`,
		"/last_name":    `{"last_name":"Dufour\u202egpj.exe"}`,
		"/company_name": `{"company_name":"Acme\u2066 Corp"}`,
		"/email":        `{"company_name":"X","email":"a\u200d@example.com"}`,
	} {
		resp := h.call(withBody(as(event(t, "create-client"), "agency-1", "[admin]"), body))
		p := decode[problem](t, resp)
		if resp.StatusCode != 422 || len(p.Errors) == 0 || p.Errors[0].Pointer != pointer || p.Errors[0].Code != "invisible_characters" {
			t.Errorf("%s: %d %s", body, resp.StatusCode, resp.Body)
		}
	}
}

// A whole address finds its client, a domain every client of the domain, a phone number in any
// common format its client.
func TestSearchFindsAnAddress(t *testing.T) {
	h := newHarness(t)
	ids := map[string]string{}
	for i := 1; i <= 12; i++ {
		email := fmt.Sprintf("c%d@exemple.fr", i)
		ids[email] = h.create("agency-1", fmt.Sprintf(`{"first_name":"Client %d","email":%q}`, i, email)).ID
	}
	ids["c3@autre.fr"] = h.create("agency-1", `{"first_name":"Autre","email":"c3@autre.fr"}`).ID
	ids["phone"] = h.create("agency-1", `{"first_name":"Phone","phones":["+33 6 12 34 56 78"],"address":{"country":"FR"}}`).ID
	find := func(q string) []string {
		got := h.all(map[string]string{"q": q})
		slices.Sort(got)
		return got
	}
	if got := find("c3@exemple.fr"); !slices.Equal(got, []string{ids["c3@exemple.fr"]}) {
		t.Errorf("q=c3@exemple.fr: %v", got)
	}
	if got := find("C3@EXEMPLE.FR"); !slices.Equal(got, []string{ids["c3@exemple.fr"]}) {
		t.Errorf("q=C3@EXEMPLE.FR: %v", got)
	}
	var domain []string
	for k, id := range ids {
		if strings.HasSuffix(k, "@exemple.fr") {
			domain = append(domain, id)
		}
	}
	slices.Sort(domain)
	if got := find("exemple.fr"); !slices.Equal(got, domain) {
		t.Errorf("q=exemple.fr: %d clients, want %d", len(got), len(domain))
	}
	for _, q := range []string{"0612345678", "06 12 34 56 78", "06.12.34.56.78", "+33 6 12 34 56 78", "0033612345678", "+33612345678"} {
		if got := find(q); !slices.Equal(got, []string{ids["phone"]}) {
			t.Errorf("q=%s: %v", q, got)
		}
	}
}
