package api_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/truora/minidyn/server"

	"github.com/clientdesk/clientdesk/internal/api"
	"github.com/clientdesk/clientdesk/internal/auth"
	"github.com/clientdesk/clientdesk/internal/emulators"
	"github.com/clientdesk/clientdesk/internal/openapi/contract"
	"github.com/clientdesk/clientdesk/internal/phone"
	"github.com/clientdesk/clientdesk/internal/routes"
	"github.com/clientdesk/clientdesk/internal/store"
)

var clock = time.Date(2026, 11, 21, 9, 14, 25, 0, time.UTC)

type harness struct {
	t        testing.TB
	api      *api.API
	db       *emulators.DynamoDB
	meter    *store.Meter
	contract *contract.Contract
}

func newHarness(t testing.TB) *harness {
	t.Helper()
	db, err := emulators.StartDynamoDB(context.Background(), "clients")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	c, err := contract.Load()
	if err != nil {
		t.Fatal(err)
	}
	m := &store.Meter{}
	st := store.New(db.Client(m.Attach), db.Table, func() time.Time { return clock })
	a := api.New(api.Stores{Clients: st, Fields: st, Access: st, Jobs: st, Imports: st, Idempotency: st, Timeline: st, Settings: st, Sites: st, Staff: st}, auth.DefaultClaimNames,
		slog.New(slog.DiscardHandler))
	a.Phones = phone.E164
	a.Now = func() time.Time { return clock }
	a.Tasks = &tasks{}
	return &harness{t: t, api: a, db: db, meter: m, contract: c}
}

// tasks records what the handlers queue (the local stack and its tests run the real queue).
type tasks struct {
	mu        sync.Mutex
	redaction []string
}

func (q *tasks) SendRedaction(_ context.Context, tenant, clientID string) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.redaction = append(q.redaction, tenant+"/"+clientID)
	return nil
}

// event loads a real API Gateway HTTP API event from testdata.
func event(t testing.TB, name string) events.APIGatewayV2HTTPRequest {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var ev events.APIGatewayV2HTTPRequest
	if err := json.Unmarshal(raw, &ev); err != nil {
		t.Fatal(err)
	}
	return ev
}

// call runs an operation's handler on ev and checks the response against the contract.
func (h *harness) call(ev events.APIGatewayV2HTTPRequest) events.APIGatewayV2HTTPResponse {
	h.t.Helper()
	route, _, ok := routes.Match(ev.RequestContext.HTTP.Method, ev.RawPath)
	if !ok {
		h.t.Fatalf("no route for %s %s", ev.RequestContext.HTTP.Method, ev.RawPath)
	}
	resp, err := h.api.Handler(route.Operation)(context.Background(), ev)
	if err != nil {
		h.t.Fatalf("handler returned an error (a bare 502 at API Gateway): %v", err)
	}
	header := http.Header{}
	for k, v := range resp.Headers {
		header.Set(k, v)
	}
	reqHeader := http.Header{}
	for k, v := range ev.Headers {
		reqHeader.Set(k, v)
	}
	if err := h.contract.Check(contract.Response{Method: ev.RequestContext.HTTP.Method, Path: ev.RawPath,
		RequestHeader: reqHeader, Status: resp.StatusCode, Header: header, Body: []byte(resp.Body)}); err != nil {
		h.t.Error(err)
	}
	return resp
}

func as(ev events.APIGatewayV2HTTPRequest, tenant, roles string) events.APIGatewayV2HTTPRequest {
	claims := map[string]string{}
	for k, v := range ev.RequestContext.Authorizer.JWT.Claims {
		claims[k] = v
	}
	claims["custom:tenant_id"], claims["cognito:groups"] = tenant, roles
	ev.RequestContext.Authorizer = &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{
		JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{Claims: claims}}
	return ev
}

func withID(ev events.APIGatewayV2HTTPRequest, id string) events.APIGatewayV2HTTPRequest {
	ev.PathParameters = map[string]string{"id": id}
	ev.RawPath = "/v1/clients/" + id
	ev.RequestContext.HTTP.Path = ev.RawPath
	return ev
}

func withBody(ev events.APIGatewayV2HTTPRequest, body string) events.APIGatewayV2HTTPRequest {
	ev.Body, ev.IsBase64Encoded = body, false
	return ev
}

func withHeader(ev events.APIGatewayV2HTTPRequest, name, value string) events.APIGatewayV2HTTPRequest {
	h := map[string]string{}
	for k, v := range ev.Headers {
		h[k] = v
	}
	if value == "" {
		delete(h, name)
	} else {
		h[name] = value
	}
	ev.Headers = h
	return ev
}

func withQuery(ev events.APIGatewayV2HTTPRequest, q map[string]string) events.APIGatewayV2HTTPRequest {
	ev.QueryStringParameters = q
	return ev
}

type problem struct {
	Status    int    `json:"status"`
	Code      string `json:"code"`
	Title     string `json:"title"`
	Detail    string `json:"detail"`
	Param     string `json:"param"`
	RequestID string `json:"request_id"`
	Errors    []struct {
		Pointer, Code, Detail string
	} `json:"errors"`
}

func decode[T any](t testing.TB, resp events.APIGatewayV2HTTPResponse) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(resp.Body), &v); err != nil {
		t.Fatalf("body %q: %v", resp.Body, err)
	}
	return v
}

type client struct {
	ID      string   `json:"id"`
	Company string   `json:"company_name"`
	Email   string   `json:"email"`
	Phones  []string `json:"phones"`
	Tags    []string `json:"tags"`
	Locale  string   `json:"locale"`
	Status  string   `json:"status"`
	Version int      `json:"version"`
	Address struct {
		PostalCode string `json:"postal_code"`
		City       string `json:"city"`
	} `json:"address"`
}

func (h *harness) create(tenant, body string) client {
	h.t.Helper()
	resp := h.call(withBody(as(event(h.t, "create-client"), tenant, "[admin]"), body))
	if resp.StatusCode != http.StatusCreated {
		h.t.Fatalf("create: %d %s", resp.StatusCode, resp.Body)
	}
	return decode[client](h.t, resp)
}

func TestCreateClient(t *testing.T) {
	h := newHarness(t)
	base := event(t, "create-client")
	tests := []struct {
		name     string
		ev       events.APIGatewayV2HTTPRequest
		status   int
		code     string
		pointers []string
	}{
		{"from the real event", base, 201, "", nil},
		{"base64-encoded body", withBody(event(t, "create-client-base64"), ""), 0, "", nil}, // replaced below
		{"malformed JSON", withBody(base, `{"first_name":`), 400, "malformed_json", nil},
		{"not an object", withBody(base, `["x"]`), 422, "validation_failed", []string{""}},
		{"wrong types and unknown fields", withBody(base, `{"first_name":1,"foo":true,"status":"active"}`), 422, "validation_failed", []string{"/first_name", "/foo", "/status"}},
		{"no name", withBody(base, `{"email":"x@y.fr"}`), 422, "validation_failed", []string{""}},
		{"email taken, ignoring case", withBody(base, `{"company_name":"Other","email":"HELENE@atelier-dufour.fr"}`), 409, "email_taken", nil},
		{"text/plain", withHeader(base, "content-type", "text/plain"), 415, "unsupported_media_type", nil},
		{"no content type", withHeader(base, "content-type", ""), 415, "unsupported_media_type", nil},
		{"body over 64 KiB", withBody(base, `{"company_name":"A","notes":"`+strings.Repeat("x", 70000)+`"}`), 413, "body_too_large", nil},
		{"bad idempotency key", withHeader(base, "idempotency-key", strings.Repeat("k", 256)), 400, "idempotency_key_invalid", nil},
		{"viewer", as(base, "agency-1", "[viewer]"), 403, "forbidden", nil},
	}
	tests[1].ev = event(t, "create-client-base64")
	tests[1].ev = withBody(tests[1].ev, base64.StdEncoding.EncodeToString([]byte(`{"company_name":"Encoded SARL"}`)))
	tests[1].ev.IsBase64Encoded = true
	tests[1].status = 201
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h.t = t
			resp := h.call(tt.ev)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.status, resp.Body)
			}
			if tt.status == 201 {
				c := decode[client](t, resp)
				if resp.Headers["Location"] != "/v1/clients/"+c.ID || resp.Headers["ETag"] != `"1"` || c.Status != "prospect" || c.Version != 1 {
					t.Fatalf("headers %v body %s", resp.Headers, resp.Body)
				}
				return
			}
			p := decode[problem](t, resp)
			if p.Code != tt.code || p.Status != tt.status || p.RequestID != tt.ev.RequestContext.RequestID || resp.Headers["Content-Type"] != "application/problem+json" {
				t.Fatalf("problem %+v headers %v", p, resp.Headers)
			}
			for i, ptr := range tt.pointers {
				if i >= len(p.Errors) || p.Errors[i].Pointer != ptr || p.Errors[i].Detail == "" {
					t.Fatalf("errors %+v, want pointers %v", p.Errors, tt.pointers)
				}
			}
		})
	}
}

func TestCreateNormalizesAndDefaultsLocale(t *testing.T) {
	h := newHarness(t)
	ev := withHeader(event(t, "create-client"), "accept-language", "fr-CA,fr;q=0.9,en;q=0.5")
	c := decode[client](t, h.call(ev))
	if c.Phones[0] != "+33612345678" || c.Locale != "fr" || c.Tags[0] != "VIP" {
		t.Fatalf("%+v", c)
	}
}

func TestProblemsSpeakTheCallersLanguage(t *testing.T) {
	h := newHarness(t)
	bad := withBody(event(t, "create-client"), `{"email":"nope"}`)
	for _, tc := range []struct{ accept, title, field string }{
		{"fr-FR,fr;q=0.9", "Validation échouée", "Adresse e-mail invalide."},
		{"de-DE, fr;q=0.5", "Validation échouée", "Adresse e-mail invalide."},
		{"en-US", "Validation failed", "Not a valid email address."},
		{"", "Validation failed", "Not a valid email address."},
		{"%%%garbage", "Validation failed", "Not a valid email address."},
	} {
		resp := h.call(withHeader(bad, "accept-language", tc.accept))
		p := decode[problem](t, resp)
		var got string
		for _, e := range p.Errors {
			if e.Pointer == "/email" {
				got = e.Detail
			}
		}
		if p.Title != tc.title || got != tc.field {
			t.Errorf("Accept-Language %q: title %q, email detail %q", tc.accept, p.Title, got)
		}
	}
}

func TestIdempotentCreate(t *testing.T) {
	h := newHarness(t)
	ev := withHeader(event(t, "create-client"), "idempotency-key", "7d6f2a94-retry-safe")
	first := h.call(ev)
	// Same body with other white space: the same request.
	var compacted map[string]any
	_ = json.Unmarshal([]byte(ev.Body), &compacted)
	spaced, _ := json.MarshalIndent(compacted, "", "    ")
	second := h.call(withBody(ev, string(spaced)))
	if first.StatusCode != 201 || second.StatusCode != 201 || first.Body != second.Body ||
		second.Headers["Location"] != first.Headers["Location"] || second.Headers["Idempotent-Replayed"] != "true" {
		t.Fatalf("replay differs:\n%d %v %s\n%d %v %s", first.StatusCode, first.Headers, first.Body, second.StatusCode, second.Headers, second.Body)
	}
	other := h.call(withBody(ev, `{"company_name":"Something else"}`))
	if p := decode[problem](t, other); other.StatusCode != 422 || p.Code != "idempotency_key_reused" {
		t.Fatalf("%d %s", other.StatusCode, other.Body)
	}
	// The same key in another tenant is another key.
	elsewhere := h.call(as(ev, "agency-2", "[admin]"))
	if elsewhere.StatusCode != 201 || elsewhere.Body == first.Body {
		t.Fatalf("%d %s", elsewhere.StatusCode, elsewhere.Body)
	}
	list := decode[struct{ Items []client }](t, h.call(event(t, "list-clients")))
	if len(list.Items) != 1 {
		t.Fatalf("replays created %d clients", len(list.Items))
	}
}

func TestReadUpdateDelete(t *testing.T) {
	h := newHarness(t)
	c := h.create("agency-1", event(t, "create-client").Body)

	get := h.call(withID(event(t, "get-client"), c.ID))
	if get.StatusCode != 200 || get.Headers["ETag"] != `"1"` || decode[client](t, get).ID != c.ID {
		t.Fatalf("get: %d %v %s", get.StatusCode, get.Headers, get.Body)
	}

	patch := withID(event(t, "update-client"), c.ID)
	steps := []struct {
		name   string
		ev     events.APIGatewayV2HTTPRequest
		status int
		code   string
		etag   string
	}{
		{"no If-Match", withHeader(patch, "if-match", ""), 428, "precondition_required", ""},
		{"weak ETag never matches", withHeader(patch, "if-match", `W/"1"`), 412, "precondition_failed", ""},
		{"malformed If-Match", withHeader(patch, "if-match", `1`), 400, "invalid_parameter", ""},
		{"wrong media type", withHeader(patch, "content-type", "application/xml"), 415, "unsupported_media_type", ""},
		{"invalid result", withBody(patch, `{"first_name":null,"last_name":null,"company_name":null}`), 422, "validation_failed", ""},
		{"read-only member", withBody(patch, `{"version":7}`), 422, "validation_failed", ""},
		{"the recorded patch", patch, 200, "", `"2"`},
		{"stale ETag", patch, 412, "precondition_failed", ""},
		{"a patch that changes nothing", withHeader(withBody(patch, `{"company_name":"Atelier Dufour & Fils"}`), "if-match", `"2"`), 200, "", `"2"`},
		{"several ETags, one current", withHeader(withBody(patch, `{"notes":"Prefers e-mail."}`), "if-match", `"1", "2"`), 200, "", `"3"`},
		{"any version", withHeader(withBody(patch, `{"notes":null}`), "if-match", `*`), 200, "", `"4"`},
		{"unknown id", withID(patch, "019a9b6c-3f2e-7d41-9a2e-000000000000"), 404, "client_not_found", ""},
		{"bad id", withID(patch, "not-a-uuid"), 400, "invalid_id", ""},
	}
	for _, s := range steps {
		resp := h.call(s.ev)
		if resp.StatusCode != s.status {
			t.Fatalf("%s: %d, want %d: %s", s.name, resp.StatusCode, s.status, resp.Body)
		}
		if s.code != "" && decode[problem](t, resp).Code != s.code {
			t.Fatalf("%s: %s", s.name, resp.Body)
		}
		if s.etag != "" && resp.Headers["ETag"] != s.etag {
			t.Fatalf("%s: ETag %q, want %s", s.name, resp.Headers["ETag"], s.etag)
		}
	}
	got := decode[client](t, h.call(withID(event(t, "get-client"), c.ID)))
	if got.Company != "Atelier Dufour & Fils" || got.Address.PostalCode != "" || got.Address.City != "Lyon" || len(got.Tags) != 2 || got.Version != 4 {
		t.Fatalf("after patches: %+v", got)
	}

	del := withID(event(t, "delete-client"), c.ID)
	for _, s := range []struct {
		ev     events.APIGatewayV2HTTPRequest
		status int
	}{
		{del, 412}, // the recorded event says "2"; the client is at 4
		{withHeader(del, "if-match", `"4"`), 204},
		{withHeader(del, "if-match", ""), 404},
	} {
		if resp := h.call(s.ev); resp.StatusCode != s.status {
			t.Fatalf("delete: %d, want %d: %s", resp.StatusCode, s.status, resp.Body)
		}
	}
	if resp := h.call(withID(event(t, "get-client"), c.ID)); resp.StatusCode != 404 {
		t.Fatalf("deleted client still readable: %d", resp.StatusCode)
	}
	// Deleting freed the email.
	h.create("agency-1", `{"company_name":"New owner","email":"helene@atelier-dufour.fr"}`)
}

func TestListParameters(t *testing.T) {
	h := newHarness(t)
	for i := 0; i < 5; i++ {
		h.create("agency-1", `{"company_name":"Company `+string(rune('A'+i))+`"}`)
	}
	list := event(t, "list-clients")
	page := decode[struct {
		Items      []client
		NextCursor *string `json:"next_cursor"`
	}](t, h.call(list))
	if len(page.Items) != 2 || page.NextCursor == nil || page.Items[0].Company != "Company E" {
		t.Fatalf("%+v", page)
	}
	for _, tc := range []struct {
		q     map[string]string
		param string
	}{
		{map[string]string{"limit": "0"}, "limit"},
		{map[string]string{"limit": "101"}, "limit"},
		{map[string]string{"limit": "ten"}, "limit"},
		{map[string]string{"limit": "10,20"}, "limit"},
		{map[string]string{"cursor": "garbage"}, "cursor"},
		{map[string]string{"cursor": *page.NextCursor + "x"}, "cursor"},
		{map[string]string{"sort": "email"}, "sort"},
		{map[string]string{"sort": "updated_at", "q": "company"}, "sort"},
		{map[string]string{"status": "prospect,lead"}, "status"},
		{map[string]string{"archived": "yes"}, "archived"},
		{map[string]string{"tag": ""}, "tag"},
		{map[string]string{"created_after": "yesterday"}, "created_after"},
		{map[string]string{"created_after": "2026-11-21", "created_before": "2026-11-20"}, "created_before"},
		{map[string]string{"fields": "id,password"}, "fields"},
		{map[string]string{"q": strings.Repeat("a", 201)}, "q"},
		{map[string]string{"color": "red"}, "color"},
	} {
		resp := h.call(withQuery(list, tc.q))
		p := decode[problem](t, resp)
		if resp.StatusCode != 400 || p.Param != tc.param {
			t.Errorf("%v: %d %s", tc.q, resp.StatusCode, resp.Body)
		}
	}
	// Another tenant's cursor is refused, not followed.
	other := as(withQuery(list, map[string]string{"cursor": *page.NextCursor}), "agency-2", "[viewer]")
	if resp := h.call(other); resp.StatusCode != 400 {
		t.Fatalf("cross-tenant cursor: %d %s", resp.StatusCode, resp.Body)
	}
	def := h.call(withQuery(list, nil))
	if n := len(decode[struct{ Items []client }](t, def).Items); n != 5 {
		t.Fatalf("default page has %d items", n)
	}
}

func TestAuthentication(t *testing.T) {
	h := newHarness(t)
	resp := h.call(event(t, "get-client-no-authorizer"))
	if resp.StatusCode != 401 || decode[problem](t, resp).Code != "unauthenticated" || resp.Headers["WWW-Authenticate"] == "" {
		t.Fatalf("%d %v %s", resp.StatusCode, resp.Headers, resp.Body)
	}
	noTenant := as(event(t, "get-client"), "", "[admin]")
	if resp := h.call(noTenant); resp.StatusCode != 403 {
		t.Fatalf("no tenant: %d", resp.StatusCode)
	}
	for _, op := range []string{"update-client", "delete-client", "create-client"} {
		if resp := h.call(as(event(t, op), "agency-1", "[viewer]")); resp.StatusCode != 403 {
			t.Errorf("viewer %s: %d", op, resp.StatusCode)
		}
	}
}

// The cost of each operation in DynamoDB requests: the cost that matters at scale.
func TestRequestsPerOperation(t *testing.T) {
	h := newHarness(t)
	c := h.create("agency-1", event(t, "create-client").Body)
	// Each function reads the tenant's settings (the events' retention) once in a while and
	// caches them: measured here, as a function runs most of the time, warm.
	warm := h.create("agency-1", `{"company_name":"Warm"}`)
	h.call(withHeader(withBody(withID(event(t, "update-client"), warm.ID), `{"notes":"warm"}`), "if-match", `"1"`))
	h.call(withHeader(withID(event(t, "delete-client"), warm.ID), "if-match", `"2"`))
	measure := func(ev events.APIGatewayV2HTTPRequest) store.Counts {
		h.meter.Reset()
		h.call(ev)
		return h.meter.Snapshot()
	}
	for _, tc := range []struct {
		name string
		ev   events.APIGatewayV2HTTPRequest
		max  int
	}{
		{"create", withBody(event(t, "create-client"), `{"company_name":"B","email":"b@b.fr","code":"B1"}`), 1},
		{"get", withID(event(t, "get-client"), c.ID), 1},
		{"list page", event(t, "list-clients"), 1},
		{"patch", withID(event(t, "update-client"), c.ID), 2},
		{"patch changing the email", withHeader(withBody(withID(event(t, "update-client"), c.ID), `{"email":"new@atelier-dufour.fr"}`), "if-match", `"2"`), 2},
		// The tenant's count of unfinished jobs (none here: no job can be working on the
		// client), the collection read, the deletion (with its event), the earlier events
		// reduced.
		{"delete", withHeader(withID(event(t, "delete-client"), c.ID), "if-match", `"3"`), 4},
	} {
		got := measure(tc.ev)
		if got.Requests > tc.max || got.ByOperation["Scan"] > 0 {
			t.Errorf("%s: %d requests %v, want at most %d", tc.name, got.Requests, got.ByOperation, tc.max)
		}
	}
}

// A DynamoDB fault is a 500 that says nothing of the cause, with the request id to find it.
func TestStoreFaultIsAGeneric500(t *testing.T) {
	h := newHarness(t)
	h.db.Server.EmulateFailure(server.FailureConditionInternalServerError)
	defer h.db.Server.EmulateFailure(server.FailureConditionNone)
	resp := h.call(withID(event(t, "get-client"), "019a9b6c-3f2e-7d41-9a2e-0123456789ab"))
	p := decode[problem](t, resp)
	if resp.StatusCode != 500 || p.Code != "internal_error" || strings.Contains(resp.Body, "DynamoDB") ||
		strings.Contains(strings.ToLower(resp.Body), "dynamo") || p.RequestID == "" {
		t.Fatalf("%d %s", resp.StatusCode, resp.Body)
	}
}
