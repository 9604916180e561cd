package domain_test

import (
	"encoding/json"
	"errors"
	"github.com/clientdesk/clientdesk/internal/domain"
	"github.com/clientdesk/clientdesk/internal/phone"
	"reflect"
	"strings"
	"testing"
	"time"
)

func fieldCodes(t *testing.T, err error) map[string]domain.Code {
	t.Helper()
	if err == nil {
		return nil
	}
	var de *domain.Error
	if !errors.As(err, &de) {
		t.Fatalf("not a domain error: %v", err)
	}
	out := map[string]domain.Code{}
	for _, f := range de.Fields {
		out[f.Pointer] = f.Code
	}
	if de.Code != domain.CodeValidation {
		out["!"] = de.Code
	}
	return out
}

// testFields are the custom field definitions the tests' tenant has.
var testFields = domain.Definitions{
	{Key: "budget", Type: domain.TypeNumber},
	{Key: "vat", Type: domain.TypeText, Searchable: true},
	{Key: "vip", Type: domain.TypeBoolean},
	{Key: "gone", Type: domain.TypeText},
	{Key: "n", Type: domain.TypeNumber},
	{Key: "a", Type: domain.TypeNumber},
	{Key: "b", Type: domain.TypeText},
	{Key: "x", Type: domain.TypeText},
}

func rules(locale string) domain.Rules {
	return domain.Rules{DefaultLocale: locale, ParsePhone: phone.E164, Fields: testFields}
}

func decodeAndNormalize(body string) (domain.Fields, error) {
	f, err := domain.DecodeFields([]byte(body))
	if err != nil {
		return f, err
	}
	return f, domain.Invalid(f.Normalize(rules("en")))
}

func TestDecodeAndNormalize(t *testing.T) {
	tests := []struct {
		name string
		body string
		want map[string]domain.Code // pointer -> code; nil means valid
	}{
		{"company only", `{"company_name":"Acme"}`, nil},
		{"first name only", `{"first_name":"Hélène"}`, nil},
		{"no name", `{"email":"a@b.fr"}`, map[string]domain.Code{"": domain.FieldNameRequired}},
		{"blank names", `{"first_name":"  ","company_name":""}`, map[string]domain.Code{"": domain.FieldNameRequired}},
		{"malformed", `{"first_name":`, map[string]domain.Code{"!": domain.CodeMalformedJSON}},
		{"not an object", `[1,2]`, map[string]domain.Code{"": domain.FieldInvalidType}},
		{"null body", `null`, map[string]domain.Code{"": domain.FieldInvalidType}},
		{"wrong types", `{"first_name":12,"tags":"vip","address":"x","company_name":"A"}`,
			map[string]domain.Code{"/first_name": domain.FieldInvalidType, "/tags": domain.FieldInvalidType, "/address": domain.FieldInvalidType}},
		{"unknown and read-only", `{"company_name":"A","nickname":"x","status":"active","id":"1"}`,
			map[string]domain.Code{"/nickname": domain.FieldUnknown, "/status": domain.FieldReadOnly, "/id": domain.FieldReadOnly}},
		{"unknown address member", `{"company_name":"A","address":{"street":"x"}}`, map[string]domain.Code{"/address/street": domain.FieldUnknown}},
		{"too long", `{"first_name":"` + strings.Repeat("é", domain.MaxNameLen+1) + `"}`, map[string]domain.Code{"/first_name": domain.FieldTooLong}},
		{"control chars", `{"company_name":"A\u0007"}`, map[string]domain.Code{"/company_name": domain.FieldControlChars}},
		{"notes allow newlines", `{"company_name":"A","notes":"line 1\nline 2\ttab"}`, nil},
		{"bad email", `{"company_name":"A","email":"not-an-email"}`, map[string]domain.Code{"/email": domain.FieldInvalidEmail}},
		{"email with name", `{"company_name":"A","email":"Bob <bob@x.fr>"}`, map[string]domain.Code{"/email": domain.FieldInvalidEmail}},
		{"email without dot", `{"company_name":"A","email":"bob@localhost"}`, map[string]domain.Code{"/email": domain.FieldInvalidEmail}},
		{"bad country", `{"company_name":"A","address":{"country":"XX"}}`, map[string]domain.Code{"/address/country": domain.FieldInvalidCountry}},
		{"macro region", `{"company_name":"A","address":{"country":"EU"}}`, map[string]domain.Code{"/address/country": domain.FieldInvalidCountry}},
		{"national phone without country", `{"company_name":"A","phones":["06 12 34 56 78"]}`, map[string]domain.Code{"/phones/0": domain.FieldPhoneRegion}},
		{"national phone with country", `{"company_name":"A","phones":["06 12 34 56 78"],"address":{"country":"fr"}}`, nil},
		{"invalid phone", `{"company_name":"A","phones":["+33 1"]}`, map[string]domain.Code{"/phones/0": domain.FieldInvalidPhone}},
		{"three phones", `{"company_name":"A","phones":["+33612345678","+33612345679","+33612345670"]}`, map[string]domain.Code{"/phones": domain.FieldTooMany}},
		{"duplicate phone", `{"company_name":"A","phones":["+33612345678","06 12 34 56 78"],"address":{"country":"FR"}}`, map[string]domain.Code{"/phones/1": domain.FieldDuplicate}},
		{"bad locale", `{"company_name":"A","locale":"de"}`, map[string]domain.Code{"/locale": domain.FieldInvalidValue}},
		{"tag with comma", `{"company_name":"A","tags":["a,b"]}`, map[string]domain.Code{"/tags/0": domain.FieldInvalidValue}},
		{"empty tag", `{"company_name":"A","tags":[" "]}`, map[string]domain.Code{"/tags/0": domain.FieldRequired}},
		{"bad social key", `{"company_name":"A","social_links":{"Bad Key":"https://x.fr"}}`, map[string]domain.Code{"/social_links/Bad Key": domain.FieldInvalidKey}},
		{"bad social url", `{"company_name":"A","social_links":{"linkedin":"javascript:alert(1)"}}`, map[string]domain.Code{"/social_links/linkedin": domain.FieldInvalidURL}},
		{"custom field object", `{"company_name":"A","custom_fields":{"x":{"a":1}}}`, map[string]domain.Code{"/custom_fields/x": domain.FieldInvalidType}},
		{"custom field unknown", `{"company_name":"A","custom_fields":{"a/b":1}}`, map[string]domain.Code{"/custom_fields/a~1b": domain.FieldUnknown}},
		{"custom field wrong type", `{"company_name":"A","custom_fields":{"budget":"12","vip":1}}`, map[string]domain.Code{"/custom_fields/budget": domain.FieldInvalidType, "/custom_fields/vip": domain.FieldInvalidType}},
		{"custom field scalars", `{"company_name":"A","custom_fields":{"budget":12.5,"vat":"FR123","vip":true,"gone":null}}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := decodeAndNormalize(tt.body)
			got := fieldCodes(t, err)
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestNormalizeCanonicalForms(t *testing.T) {
	f, err := decodeAndNormalize(`{"first_name":"  Hélène ","last_name":"Dufour","email":" Helene@Example.FR ",
		"phones":["06 12 34 56 78","+44 20 7946 0958"],"address":{"city":"Lyon","country":"fr"},
		"tags":["VIP","vip","Agence"],"custom_fields":{"gone":null,"n":3}}`)
	if err != nil {
		t.Fatal(err)
	}
	if f.FirstName != "Hélène" || f.Email != "Helene@Example.FR" || f.Address.Country != "FR" {
		t.Fatalf("not trimmed or upper-cased: %+v", f)
	}
	if !reflect.DeepEqual(f.Phones, []string{"+33612345678", "+442079460958"}) {
		t.Fatalf("phones %v", f.Phones)
	}
	if !reflect.DeepEqual(f.Tags, []string{"VIP", "Agence"}) {
		t.Fatalf("tags %v", f.Tags)
	}
	if f.Locale != "en" {
		t.Fatalf("default locale not applied: %q", f.Locale)
	}
	if _, ok := f.CustomFields["gone"]; ok || f.CustomFields["n"] != 3.0 {
		t.Fatalf("custom fields %v", f.CustomFields)
	}
	if domain.EmailKey(f.Email) != "helene@example.fr" {
		t.Fatal(domain.EmailKey(f.Email))
	}
}

// The examples of RFC 7396 Appendix A.
func TestMergePatchRFC7396(t *testing.T) {
	tests := []struct{ target, patch, want string }{
		{`{"a":"b"}`, `{"a":"c"}`, `{"a":"c"}`},
		{`{"a":"b"}`, `{"b":"c"}`, `{"a":"b","b":"c"}`},
		{`{"a":"b"}`, `{"a":null}`, `{}`},
		{`{"a":"b","b":"c"}`, `{"a":null}`, `{"b":"c"}`},
		{`{"a":["b"]}`, `{"a":"c"}`, `{"a":"c"}`},
		{`{"a":"c"}`, `{"a":["b"]}`, `{"a":["b"]}`},
		{`{"a":{"b":"c"}}`, `{"a":{"b":"d","c":null}}`, `{"a":{"b":"d"}}`},
		{`{"a":[{"b":"c"}]}`, `{"a":[1]}`, `{"a":[1]}`},
		{`["a","b"]`, `["c","d"]`, `["c","d"]`},
		{`{"a":"b"}`, `["c"]`, `["c"]`},
		{`{"a":"foo"}`, `null`, `null`},
		{`{"a":"foo"}`, `"bar"`, `"bar"`},
		{`{"e":null}`, `{"a":1}`, `{"a":1,"e":null}`},
		{`[1,2]`, `{"a":"b","c":null}`, `{"a":"b"}`},
		{`{}`, `{"a":{"bb":{"ccc":null}}}`, `{"a":{"bb":{}}}`},
	}
	for _, tt := range tests {
		var target, patch, want any
		for _, p := range []struct {
			s string
			v *any
		}{{tt.target, &target}, {tt.patch, &patch}, {tt.want, &want}} {
			if err := json.Unmarshal([]byte(p.s), p.v); err != nil {
				t.Fatal(err)
			}
		}
		before, _ := json.Marshal(target)
		got := domain.MergePatch(target, patch)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("MergePatch(%s, %s) = %v, want %s", tt.target, tt.patch, got, tt.want)
		}
		if after, _ := json.Marshal(target); string(after) != string(before) {
			t.Errorf("target modified: %s -> %s", before, after)
		}
	}
}

func TestApplyPatch(t *testing.T) {
	now := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
	base := func() *domain.Client {
		f, err := decodeAndNormalize(`{"first_name":"Jean","last_name":"Martin","email":"jean@martin.fr","tags":["vip"],
			"address":{"city":"Paris","country":"FR"},"custom_fields":{"a":1,"b":"x"}}`)
		if err != nil {
			t.Fatal(err)
		}
		return domain.NewClient("id1", f, now.Add(-time.Hour))
	}
	tests := []struct {
		name    string
		invited bool
		patch   string
		check   func(*domain.Client) bool
		want    map[string]domain.Code
	}{
		{"change a name", false, `{"first_name":"Jeanne"}`, func(c *domain.Client) bool { return c.FirstName == "Jeanne" && c.LastName == "Martin" }, nil},
		{"remove nested member", false, `{"address":{"city":null}}`, func(c *domain.Client) bool { return c.Address.City == "" && c.Address.Country == "FR" }, nil},
		{"remove whole address", false, `{"address":null}`, func(c *domain.Client) bool { return c.Address == nil }, nil},
		{"remove a custom field", false, `{"custom_fields":{"a":null}}`, func(c *domain.Client) bool { _, ok := c.CustomFields["a"]; return !ok && c.CustomFields["b"] == "x" }, nil},
		{"national phone uses merged country", false, `{"phones":["06 11 22 33 44"]}`, func(c *domain.Client) bool { return c.Phones[0] == "+33611223344" }, nil},
		{"change email before invitation", false, `{"email":"jm@martin.fr"}`, func(c *domain.Client) bool { return c.Email == "jm@martin.fr" }, nil},
		{"change email after invitation", true, `{"email":"jm@martin.fr"}`, nil, map[string]domain.Code{"/email": domain.FieldImmutable}},
		{"remove email after invitation", true, `{"email":null}`, nil, map[string]domain.Code{"/email": domain.FieldImmutable}},
		{"email case after invitation", true, `{"email":"Jean@Martin.fr"}`, func(c *domain.Client) bool { return c.Email == "Jean@Martin.fr" }, nil},
		{"remove every name", false, `{"first_name":null,"last_name":null}`, nil, map[string]domain.Code{"": domain.FieldNameRequired}},
		{"read-only member", false, `{"status":"active","version":9}`, nil, map[string]domain.Code{"/status": domain.FieldReadOnly, "/version": domain.FieldReadOnly}},
		{"unknown member", false, `{"nickname":"JM"}`, nil, map[string]domain.Code{"/nickname": domain.FieldUnknown}},
		{"not an object", false, `["x"]`, nil, map[string]domain.Code{"": domain.FieldInvalidType}},
		{"malformed", false, `{`, nil, map[string]domain.Code{"!": domain.CodeMalformedJSON}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := base()
			if tt.invited {
				c.Access.InvitedAt, c.Status = domain.AtPtr(now.Add(-time.Minute)), domain.StatusInvited
			}
			got, err := domain.ApplyPatch(c, []byte(tt.patch), now, rules(""))
			if codes := fieldCodes(t, err); !reflect.DeepEqual(codes, tt.want) {
				t.Fatalf("errors %v, want %v", codes, tt.want)
			}
			if tt.want != nil {
				return
			}
			if !tt.check(got) {
				t.Fatalf("unexpected result %+v", got)
			}
			if got.Version != c.Version+1 || !got.UpdatedAt.Equal(now) || !got.CreatedAt.Equal(c.CreatedAt.Time) || got.ID != c.ID {
				t.Fatalf("system fields not revised: %+v", got)
			}
			if c.Version != 1 || c.FirstName != "Jean" {
				t.Fatal("original modified")
			}
		})
	}
}

func TestETag(t *testing.T) {
	if got := domain.ETagOf(42); got != `"42"` {
		t.Fatal(got)
	}
}
