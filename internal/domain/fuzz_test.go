package domain_test

import (
	"encoding/json"
	"errors"
	"github.com/clientdesk/clientdesk/internal/domain"
	"testing"
	"time"
)

// FuzzDecodeFields: no body may panic the decoder, and what it accepts must survive
// normalization and a JSON round trip unchanged (normalization is idempotent).
func FuzzDecodeFields(f *testing.F) {
	for _, s := range []string{`{"company_name":"Acme"}`, `{"first_name":"Hélène","phones":["0612345678"],"address":{"country":"FR"}}`,
		`{"tags":["a","A"],"custom_fields":{"x":1,"y":null}}`, `[]`, `null`, `{"address":null}`, `{"a":`, `{"social_links":{"x":"https://a.b"}}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		fields, err := domain.DecodeFields(body)
		if err != nil {
			var de *domain.Error
			if !errors.As(err, &de) {
				t.Fatalf("non-domain error %v", err)
			}
			return
		}
		if errs := fields.Normalize(rules("fr")); len(errs) > 0 {
			return
		}
		again, err := json.Marshal(fields)
		if err != nil {
			t.Fatal(err)
		}
		second, err := domain.DecodeFields(again)
		if err != nil {
			t.Fatalf("re-decoding %s: %v", again, err)
		}
		if errs := second.Normalize(rules("fr")); len(errs) > 0 {
			t.Fatalf("normalized value no longer valid: %s %v", again, errs)
		}
		third, _ := json.Marshal(second)
		if string(third) != string(again) {
			t.Fatalf("normalization not idempotent:\n%s\n%s", again, third)
		}
	})
}

// FuzzApplyPatch: any patch either fails with a domain error or yields a valid next version.
func FuzzApplyPatch(f *testing.F) {
	for _, s := range []string{`{"first_name":"X"}`, `{"address":{"city":null}}`, `{"email":null}`, `{}`, `[]`, `"x"`, `{"tags":null,"notes":"n"}`} {
		f.Add([]byte(s))
	}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, patch []byte) {
		c := domain.NewClient("id", domain.Fields{CompanyName: "Acme", Email: "a@b.fr", Locale: "fr"}, now)
		next, err := domain.ApplyPatch(c, patch, now, rules(""))
		if err != nil {
			var de *domain.Error
			if !errors.As(err, &de) {
				t.Fatalf("non-domain error %v", err)
			}
			return
		}
		if next.Version != 2 || next.FirstName == "" && next.LastName == "" && next.CompanyName == "" {
			t.Fatalf("invalid result %+v", next)
		}
	})
}
