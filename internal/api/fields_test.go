package api_test

import (
	"context"
	"testing"

	"github.com/aws/aws-lambda-go/events"
)

func fieldEvent(t *testing.T, method, key, body, role string) events.APIGatewayV2HTTPRequest {
	ev := as(event(t, "create-client"), "agency-1", role)
	ev.RawPath = "/v1/client-fields"
	if key != "" {
		ev.RawPath += "/" + key
		ev.PathParameters = map[string]string{"key": key}
	}
	ev.RequestContext.HTTP.Method, ev.RequestContext.HTTP.Path = method, ev.RawPath
	ev = withBody(ev, body)
	if method == "PATCH" {
		ev = withHeader(ev, "content-type", "application/merge-patch+json")
	}
	return ev
}

type definition struct {
	Key     string
	Type    string
	Version int
	Label   struct{ FR, EN string }
	Options []string
}

func TestCustomFieldDefinitions(t *testing.T) {
	h := newHarness(t)
	steps := []struct {
		name   string
		ev     events.APIGatewayV2HTTPRequest
		status int
		code   string
	}{
		{"editor cannot define", fieldEvent(t, "POST", "", `{"key":"siret","label":{"fr":"SIRET"},"type":"text"}`, "[editor]"), 403, "forbidden"},
		{"admin defines", fieldEvent(t, "POST", "", `{"key":"siret","label":{"fr":"SIRET","en":"Company number"},"type":"text","searchable":true,"required":true}`, "[admin]"), 201, ""},
		{"same key again", fieldEvent(t, "POST", "", `{"key":"siret","label":{"fr":"Autre"},"type":"text"}`, "[admin]"), 409, "field_exists"},
		{"select needs options", fieldEvent(t, "POST", "", `{"key":"segment","label":{"en":"Segment"},"type":"select"}`, "[admin]"), 422, "validation_failed"},
		{"select", fieldEvent(t, "POST", "", `{"key":"segment","label":{"en":"Segment"},"type":"select","options":["SMB","Enterprise"]}`, "[admin]"), 201, ""},
		{"bad key and type", fieldEvent(t, "POST", "", `{"key":"Bad Key","label":{"en":"x"},"type":"money"}`, "[admin]"), 422, "validation_failed"},
		{"searchable number", fieldEvent(t, "POST", "", `{"key":"budget","label":{"en":"Budget"},"type":"number","searchable":true}`, "[admin]"), 422, "validation_failed"},
		{"number", fieldEvent(t, "POST", "", `{"key":"budget","label":{"en":"Budget"},"type":"number"}`, "[admin]"), 201, ""},
		{"date", fieldEvent(t, "POST", "", `{"key":"renewal","label":{"fr":"Renouvellement"},"type":"date","position":0}`, "[admin]"), 201, ""},
		{"viewer reads one", fieldEvent(t, "GET", "siret", "", "[viewer]"), 200, ""},
		{"unknown key", fieldEvent(t, "GET", "nope", "", "[viewer]"), 404, "field_not_found"},
		{"patch without If-Match", fieldEvent(t, "PATCH", "siret", `{"label":{"en":"SIRET"}}`, "[admin]"), 428, "precondition_required"},
		{"patch key", withHeader(fieldEvent(t, "PATCH", "siret", `{"key":"vat"}`, "[admin]"), "if-match", `"1"`), 422, "validation_failed"},
		{"patch label", withHeader(fieldEvent(t, "PATCH", "siret", `{"label":{"en":"SIRET number"}}`, "[admin]"), "if-match", `"1"`), 200, ""},
		{"stale patch", withHeader(fieldEvent(t, "PATCH", "siret", `{"required":false}`, "[admin]"), "if-match", `"1"`), 412, "precondition_failed"},
	}
	for _, s := range steps {
		h.t = t
		resp := h.call(s.ev)
		if resp.StatusCode != s.status || s.code != "" && decode[problem](t, resp).Code != s.code {
			t.Fatalf("%s: %d %s", s.name, resp.StatusCode, resp.Body)
		}
	}
	got := decode[definition](t, h.call(fieldEvent(t, "GET", "siret", "", "[viewer]")))
	if got.Label.FR != "SIRET" || got.Label.EN != "SIRET number" || got.Version != 2 {
		t.Fatalf("label merge: %+v", got)
	}
	list := decode[struct{ Items []definition }](t, h.call(fieldEvent(t, "GET", "", "", "[viewer]")))
	var keys []string
	for _, d := range list.Items {
		keys = append(keys, d.Key)
	}
	if len(keys) != 4 || keys[0] != "renewal" {
		t.Fatalf("display order %v", keys)
	}
}

func TestClientValuesFollowDefinitions(t *testing.T) {
	h := newHarness(t)
	for _, body := range []string{
		`{"key":"siret","label":{"fr":"SIRET"},"type":"text","required":true,"searchable":true}`,
		`{"key":"segment","label":{"en":"Segment"},"type":"select","options":["SMB","Enterprise"]}`,
		`{"key":"budget","label":{"en":"Budget"},"type":"number"}`,
		`{"key":"renewal","label":{"en":"Renewal"},"type":"date"}`,
		`{"key":"site","label":{"en":"Site"},"type":"url"}`,
		`{"key":"assistant","label":{"en":"Assistant"},"type":"phone"}`,
	} {
		if resp := h.call(fieldEvent(t, "POST", "", body, "[admin]")); resp.StatusCode != 201 {
			t.Fatal(resp.Body)
		}
	}
	create := func(custom, lang string) events.APIGatewayV2HTTPResponse {
		ev := withHeader(withBody(as(event(t, "create-client"), "agency-1", "[editor]"), `{"company_name":"Fields SA","custom_fields":`+custom+`}`), "accept-language", lang)
		return h.call(ev)
	}
	bad := create(`{"segment":"Huge","budget":"12","renewal":"2026-02-30","site":"ftp://x","assistant":"12","color":"red"}`, "fr")
	p := decode[problem](t, bad)
	want := map[string]string{"/custom_fields/segment": "invalid_value", "/custom_fields/budget": "invalid_type",
		"/custom_fields/renewal": "invalid_value", "/custom_fields/site": "invalid_url", "/custom_fields/assistant": "phone_region_unknown",
		"/custom_fields/color": "unknown_field", "/custom_fields/siret": "required"}
	got := map[string]string{}
	for _, e := range p.Errors {
		got[e.Pointer] = e.Code
		if e.Detail == "" {
			t.Errorf("%s: no text", e.Pointer)
		}
	}
	if bad.StatusCode != 422 || len(got) != len(want) {
		t.Fatalf("%d %v", bad.StatusCode, got)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %s, want %s", k, got[k], v)
		}
	}
	ok := create(`{"siret":" 123 456 789 00012 ","segment":"SMB","budget":1200.5,"renewal":"2027-01-31","site":"https://fields.example","assistant":"+33 6 11 22 33 44"}`, "en")
	if ok.StatusCode != 201 {
		t.Fatal(ok.Body)
	}
	c := decode[struct {
		ID     string
		Custom map[string]any `json:"custom_fields"`
	}](t, ok)
	if c.Custom["siret"] != "123 456 789 00012" || c.Custom["assistant"] != "+33611223344" || c.Custom["budget"] != 1200.5 {
		t.Fatalf("canonical values: %v", c.Custom)
	}
	if ids := h.all(map[string]string{"q": "123456789"}); len(ids) != 1 {
		t.Fatalf("searchable field not found: %v", ids)
	}

	// Removing a definition hides its values, keeps the client writable, and the next write
	// drops the value; re-defining the key with another type does not resurrect it.
	if resp := h.call(fieldEvent(t, "DELETE", "budget", "", "[admin]")); resp.StatusCode != 204 {
		t.Fatal(resp.Body)
	}
	get := func() map[string]any {
		return decode[struct {
			Custom map[string]any `json:"custom_fields"`
		}](t, h.call(withID(event(t, "get-client"), c.ID))).Custom
	}
	if _, seen := get()["budget"]; seen {
		t.Fatal("value of a removed field still shown")
	}
	stored, _, _ := h.api.Clients.GetClientWithDefinitions(context.Background(), "agency-1", c.ID)
	if stored.CustomFields["budget"] != 1200.5 {
		t.Fatal("the value should stay stored until the next write")
	}
	if resp := h.call(fieldEvent(t, "POST", "", `{"key":"budget","label":{"en":"Budget"},"type":"text"}`, "[admin]")); resp.StatusCode != 201 {
		t.Fatal(resp.Body)
	}
	if v, seen := get()["budget"]; seen {
		t.Fatalf("old number resurfaced under a text definition: %v", v)
	}
	patch := withHeader(withBody(withID(event(t, "update-client"), c.ID), `{"notes":"still writable"}`), "if-match", "*")
	if resp := h.call(patch); resp.StatusCode != 200 {
		t.Fatalf("client not writable after a definition change: %s", resp.Body)
	}
	stored, _, _ = h.api.Clients.GetClientWithDefinitions(context.Background(), "agency-1", c.ID)
	if _, kept := stored.CustomFields["budget"]; kept {
		t.Fatal("the next write should drop the orphan value")
	}
	// A required field added later applies to the clients' next writes.
	if resp := h.call(fieldEvent(t, "POST", "", `{"key":"owner","label":{"en":"Owner"},"type":"email","required":true}`, "[admin]")); resp.StatusCode != 201 {
		t.Fatal(resp.Body)
	}
	patch = withBody(patch, `{"notes":"now needs an owner"}`)
	if resp := h.call(patch); resp.StatusCode != 422 {
		t.Fatalf("required field not enforced on update: %d", resp.StatusCode)
	}
}

// A create validated against cached definitions that changed meanwhile is checked again.
func TestCreateSeesNewDefinitions(t *testing.T) {
	h := newHarness(t)
	h.create("agency-1", `{"company_name":"Warm the cache"}`)
	// Another process (another Lambda instance) defines a required field: this instance's
	// cache is now stale.
	other := newHarness(t)
	other.api.Stores = h.api.Stores
	if resp := other.call(fieldEvent(t, "POST", "", `{"key":"siret","label":{"fr":"SIRET"},"type":"text","required":true}`, "[admin]")); resp.StatusCode != 201 {
		t.Fatal(resp.Body)
	}
	h.meter.Reset()
	if resp := h.call(withBody(as(event(t, "create-client"), "agency-1", "[editor]"), `{"company_name":"No siret"}`)); resp.StatusCode != 422 {
		t.Fatalf("stale definitions accepted a client without a required field: %d %s", resp.StatusCode, resp.Body)
	}
	// The refused transaction, then a fresh read of the definitions.
	if m := h.meter.Snapshot(); m.ByOperation["TransactWriteItems"] != 1 || m.ByOperation["GetItem"] != 1 {
		t.Fatalf("requests %v", m.ByOperation)
	}
	if resp := h.call(withBody(as(event(t, "create-client"), "agency-1", "[editor]"), `{"company_name":"With siret","custom_fields":{"siret":"1"}}`)); resp.StatusCode != 201 {
		t.Fatal(resp.Body)
	}
}
