package localstack_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"

	"github.com/clientdesk/clientdesk/internal/domain"
	"github.com/clientdesk/clientdesk/internal/localstack"
	"github.com/clientdesk/clientdesk/internal/openapi/contract"
	"github.com/clientdesk/clientdesk/internal/routes"
)

type env struct {
	t        *testing.T
	stack    *localstack.Stack
	url      string
	contract *contract.Contract
}

func start(t *testing.T) *env {
	t.Helper()
	stack, err := localstack.Start(context.Background(), localstack.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stack.Close)
	srv := httptest.NewServer(stack.Server)
	t.Cleanup(srv.Close)
	c, err := contract.Load()
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, stack: stack, url: srv.URL, contract: c}
}

type reply struct {
	status int
	header http.Header
	body   []byte
}

func (r reply) json(t *testing.T) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal(r.body, &v); err != nil {
		t.Fatalf("%d %s: %v", r.status, r.body, err)
	}
	return v
}

// do sends a request and, for API routes answered by a handler, checks the answer against
// the contract.
func (e *env) do(method, path, token string, body string, headers ...string) reply {
	e.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, e.url+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	r := reply{status: resp.StatusCode, header: resp.Header, body: b}
	if _, _, ok := routes.Match(method, req.URL.Path); ok && resp.Header.Get("X-Request-Id") != "" {
		if err := e.contract.Check(contract.Response{Method: method, Path: req.URL.Path, RequestHeader: req.Header,
			Status: r.status, Header: r.header, Body: b}); err != nil {
			e.t.Error(err)
		}
	}
	return r
}

func (e *env) token(tenant, sub string, roles ...string) string {
	e.t.Helper()
	b, _ := json.Marshal(map[string]any{"tenant_id": tenant, "sub": sub, "roles": roles})
	r := e.do("POST", "/local/token", "", string(b))
	if r.status != 200 {
		e.t.Fatalf("token: %d %s", r.status, r.body)
	}
	return r.json(e.t)["access_token"].(string)
}

// The README's walk-through: token, create, list, patch with If-Match, delete.
func TestWalkThrough(t *testing.T) {
	e := start(t)
	tok := e.token("acme", "alice", "admin")

	created := e.do("POST", "/v1/clients", tok, `{"first_name":"Hélène","last_name":"Dufour","email":"helene@example.fr",
		"address":{"country":"FR"},"phones":["06 12 34 56 78"]}`, "Idempotency-Key", "walk-1")
	if created.status != 201 || created.header.Get("ETag") != `"1"` {
		t.Fatalf("create: %d %s", created.status, created.body)
	}
	loc := created.header.Get("Location")
	if got := e.do("GET", loc, tok, ""); got.status != 200 || got.json(t)["phones"].([]any)[0] != "+33612345678" {
		t.Fatalf("get: %d %s", got.status, got.body)
	}
	list := e.do("GET", "/v1/clients?limit=10", tok, "")
	if items := list.json(t)["items"].([]any); list.status != 200 || len(items) != 1 {
		t.Fatalf("list: %d %s", list.status, list.body)
	}
	patched := e.do("PATCH", loc, tok, `{"company_name":"Dufour Conseil","phones":null}`, "If-Match", `"1"`,
		"Content-Type", "application/merge-patch+json")
	if patched.status != 200 || patched.header.Get("ETag") != `"2"` || patched.json(t)["phones"] != nil {
		t.Fatalf("patch: %d %s", patched.status, patched.body)
	}
	if stale := e.do("PATCH", loc, tok, `{"notes":"x"}`, "If-Match", `"1"`); stale.status != 412 {
		t.Fatalf("stale patch: %d", stale.status)
	}
	if del := e.do("DELETE", loc, tok, "", "If-Match", `"2"`); del.status != 204 || len(del.body) != 0 {
		t.Fatalf("delete: %d %s", del.status, del.body)
	}
	if gone := e.do("GET", loc, tok, ""); gone.status != 404 {
		t.Fatalf("after delete: %d", gone.status)
	}
	spec := e.do("GET", "/v1/openapi.json", "", "")
	if spec.status != 200 || spec.json(t)["openapi"] != "3.1.0" {
		t.Fatalf("openapi: %d", spec.status)
	}
}

// Every route, called with another tenant's token on a client that exists: 404, never data,
// and nothing changes.
func TestTenantIsolationMatrix(t *testing.T) {
	e := start(t)
	owner := e.token("tenant-a", "alice", "admin")
	intruder := e.token("tenant-b", "mallory", "admin")
	if r := e.do("POST", "/v1/client-fields", owner, `{"key":"secret_code","label":{"en":"Secret"},"type":"text","searchable":true}`); r.status != 201 {
		t.Fatalf("field: %d %s", r.status, r.body)
	}
	created := e.do("POST", "/v1/clients", owner, `{"company_name":"Secret SA","email":"ceo@secret.fr","code":"S-1","tags":["vip"],"custom_fields":{"secret_code":"Secret-42"}}`)
	id := created.json(t)["id"].(string)
	site := e.do("POST", "/v1/sites", owner, `{"name":"Secret site","alias":"secret","domain":"secret.example","external_id":"sx-1"}`).json(t)["id"].(string)
	if r := e.do("PUT", "/v1/clients/"+id+"/sites/"+site, owner, `{"permissions":["seo"]}`); r.status != 201 {
		t.Fatalf("assign: %d %s", r.status, r.body)
	}
	// A job of the owner's (queued, never run): a site's clean-up cannot be cancelled, so
	// an intruder's cancel would only ever find it not found.
	job := uuid.Must(uuid.NewV7()).String()
	if err := e.stack.Store.CreateJob(context.Background(), "tenant-a", &domain.Job{ID: job, Kind: domain.JobExport, Status: domain.JobQueued,
		Locale: "en", CreatedAt: domain.At(time.Now()), Filter: &domain.ClientFilter{}}, 3, nil); err != nil {
		t.Fatal(err)
	}
	if r := e.do("PUT", "/v1/clients/"+id+"/team/alice", owner, `{"roles":["lead"]}`); r.status != 200 {
		t.Fatalf("team: %d %s", r.status, r.body)
	}
	if r := e.do("PUT", "/v1/permission-presets/secret_preset", owner, `{"label":{"en":"Secret"},"permissions":["seo"]}`); r.status != 201 {
		t.Fatalf("preset: %d %s", r.status, r.body)
	}
	imp := e.do("POST", "/v1/imports", owner, `{"file_name":"Secret clients.csv","size":10}`).json(t)["id"].(string)

	for _, r := range routes.All {
		if r.Public || !strings.Contains(r.Path, "{") {
			continue
		}
		path := strings.NewReplacer("{id}", id, "{key}", "secret_code", "{site_id}", site, "{staff_sub}", "alice").Replace(r.Path)
		switch {
		case strings.HasPrefix(r.Path, "/v1/sites/"):
			path = strings.Replace(r.Path, "{id}", site, 1)
		case strings.HasPrefix(r.Path, "/v1/jobs/") || strings.HasPrefix(r.Path, "/v1/exports/"):
			path = strings.Replace(r.Path, "{id}", job, 1)
		case strings.HasPrefix(r.Path, "/v1/permission-presets/"):
			path = strings.Replace(r.Path, "{key}", "secret_preset", 1)
		case strings.HasPrefix(r.Path, "/v1/imports/"):
			path = strings.Replace(r.Path, "{id}", imp, 1)
		}
		body := ""
		headers := []string{"If-Match", "*"}
		if r.Method == "PATCH" {
			body = `{"company_name":"Pwned","label":{"en":"Pwned"}}`
			if strings.Contains(r.Path, "{key}") {
				body = `{"label":{"en":"Pwned"}}`
			}
			if strings.HasPrefix(r.Path, "/v1/sites/") {
				body = `{"name":"Pwned"}`
			}
		}
		if r.Method == "PUT" {
			body = `{"label":{"en":"Pwned"},"permissions":["seo"]}`
			if r.Operation == routes.AssignSite {
				body = `{"permissions":["seo"]}`
			}
			if r.Operation == routes.PutTeamMember {
				body = `{"roles":["lead"]}`
			}
			if r.Operation == routes.UpdateImportMapping {
				body = `{"mode":"create"}`
			}
		}
		if r.Operation == routes.EraseClient {
			body = `{"confirm":"` + id + `"}`
		}
		want := 404
		switch r.Operation {
		case routes.PutPermissionPreset:
			// A key names a preset of the caller's own tenant: If-Match * finds none there.
			want = 412
		case routes.PutTeamMember:
			// A staff member of the owner's is unknown to the intruder's directory.
			want = 422
		}
		got := e.do(r.Method, path, intruder, body, headers...)
		if got.status != want || bytes.Contains(got.body, []byte("Secret")) {
			t.Errorf("%s as another tenant: %d %s", r.Key(), got.status, got.body)
		}
	}
	// A bulk action names clients by id: another tenant's are not found, one by one.
	bulk := e.do("POST", "/v1/clients/bulk", intruder, `{"action":"delete","ids":["`+id+`"],"confirm":1}`)
	if bulk.status != 200 || !strings.Contains(string(bulk.body), `"result":"refused","code":"client_not_found"`) {
		t.Errorf("bulk on another tenant's client: %d %s", bulk.status, bulk.body)
	}
	if r := e.do("POST", "/v1/clients/bulk", intruder, `{"action":"archive","filter":{"q":"secret"},"confirm":1}`); r.status != 409 || r.json(t)["param"] != "0" {
		t.Errorf("bulk by filter counts another tenant's clients: %d %s", r.status, r.body)
	}
	for _, q := range []string{"", "?q=secret", "?status=draft", "?sort=-created_at"} {
		if list := e.do("GET", "/v1/sites"+q, intruder, "").json(t); len(list["items"].([]any)) != 0 {
			t.Errorf("another tenant lists sites with %q: %v", q, list["items"])
		}
	}
	if list := e.do("GET", "/v1/clients?site="+site, intruder, "").json(t); len(list["items"].([]any)) != 0 {
		t.Errorf("another tenant lists the site's clients: %v", list["items"])
	}
	if list := e.do("GET", "/v1/permission-presets", intruder, "").json(t); len(list["items"].([]any)) != 0 {
		t.Errorf("another tenant sees the presets: %v", list)
	}
	for _, q := range []string{"", "?q=secret", "?tag=vip", "?sort=name", "?status=prospect", "?archived=false", "?manager=alice"} {
		list := e.do("GET", "/v1/clients"+q, intruder, "")
		if items := list.json(t)["items"].([]any); len(items) != 0 {
			t.Errorf("another tenant lists %d clients with %q", len(items), q)
		}
	}
	for _, q := range []string{"", "?client=" + id, "?actor=alice"} {
		if feed := e.do("GET", "/v1/events"+q, intruder, "").json(t); len(feed["items"].([]any)) != 0 {
			t.Errorf("another tenant's feed %q shows %v", q, feed["items"])
		}
	}
	if stats := e.do("GET", "/v1/clients/stats", intruder, "").json(t); stats["total"] != 0.0 {
		t.Errorf("another tenant counts %v clients", stats["total"])
	}
	if fields := e.do("GET", "/v1/client-fields", intruder, "").json(t); len(fields["items"].([]any)) != 0 {
		t.Errorf("another tenant sees the field definitions: %v", fields)
	}
	// The same email and code are free in another tenant, and the owner's record is intact.
	if r := e.do("POST", "/v1/clients", intruder, `{"company_name":"Other","email":"CEO@secret.fr","code":"s-1"}`); r.status != 201 {
		t.Errorf("uniqueness leaks across tenants: %d %s", r.status, r.body)
	}
	if r := e.do("GET", "/v1/clients/"+id, owner, ""); r.status != 200 || r.json(t)["company_name"] != "Secret SA" {
		t.Errorf("owner's client changed: %s", r.body)
	}
	if r := e.do("GET", "/v1/client-fields/secret_code", owner, ""); r.status != 200 || r.json(t)["version"] != 1.0 {
		t.Errorf("owner's field changed: %s", r.body)
	}
	if r := e.do("GET", "/v1/clients/"+id+"/team", owner, ""); r.status != 200 || len(r.json(t)["items"].([]any)) != 1 {
		t.Errorf("owner's team changed: %s", r.body)
	}
	if r := e.do("GET", "/v1/jobs/"+job, owner, ""); r.status != 200 || r.json(t)["status"] != "queued" {
		t.Errorf("owner's job changed: %s", r.body)
	}
	if r := e.do("GET", "/v1/sites/"+site, owner, ""); r.status != 200 || r.json(t)["version"] != 1.0 || r.json(t)["clients_count"] != 1.0 {
		t.Errorf("owner's site changed: %s", r.body)
	}
	if r := e.do("GET", "/v1/clients/"+id+"/sites", owner, ""); r.status != 200 || len(r.json(t)["items"].([]any)) != 1 {
		t.Errorf("owner's assignment changed: %s", r.body)
	}
	if r := e.do("POST", "/v1/sites", intruder, `{"name":"Mine","alias":"secret","domain":"secret.example","external_id":"sx-1"}`); r.status != 201 {
		t.Errorf("site uniqueness leaks across tenants: %d %s", r.status, r.body)
	}
}

func TestConcurrentCreatesWithOneEmail(t *testing.T) {
	e := start(t)
	tok := e.token("acme", "alice", "editor")
	statuses := parallel(20, func(i int) int {
		return e.do("POST", "/v1/clients", tok, `{"company_name":"Racer","email":"Same@Example.fr"}`).status
	})
	if statuses[201] != 1 || statuses[409] != 19 {
		t.Fatalf("statuses %v, want one 201 and nineteen 409", statuses)
	}
	list := e.do("GET", "/v1/clients", tok, "")
	if n := len(list.json(t)["items"].([]any)); n != 1 {
		t.Fatalf("%d clients stored", n)
	}
}

func TestConcurrentPatchesWithOneETag(t *testing.T) {
	e := start(t)
	tok := e.token("acme", "alice", "editor")
	loc := e.do("POST", "/v1/clients", tok, `{"company_name":"Contended"}`).header.Get("Location")
	statuses := parallel(20, func(i int) int {
		return e.do("PATCH", loc, tok, `{"notes":"writer `+string(rune('a'+i))+`"}`, "If-Match", `"1"`).status
	})
	if statuses[200] != 1 || statuses[412] != 19 {
		t.Fatalf("statuses %v, want one 200 and nineteen 412", statuses)
	}
	if got := e.do("GET", loc, tok, "").json(t)["version"]; got != 2.0 {
		t.Fatalf("version %v after one successful patch", got)
	}
}

func TestConcurrentRetriesWithOneIdempotencyKey(t *testing.T) {
	e := start(t)
	tok := e.token("acme", "alice", "editor")
	var mu sync.Mutex
	bodies := map[string]int{}
	statuses := parallel(10, func(int) int {
		r := e.do("POST", "/v1/clients", tok, `{"company_name":"Once","email":"once@example.fr"}`, "Idempotency-Key", "same-key")
		mu.Lock()
		bodies[string(r.body)]++
		mu.Unlock()
		return r.status
	})
	if statuses[201] != 10 || len(bodies) != 1 {
		t.Fatalf("statuses %v, %d distinct bodies", statuses, len(bodies))
	}
}

func parallel(n int, f func(i int) int) map[int]int {
	var wg sync.WaitGroup
	var mu sync.Mutex
	counts := map[int]int{}
	startLine := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-startLine
			s := f(i)
			mu.Lock()
			counts[s]++
			mu.Unlock()
		}()
	}
	close(startLine)
	wg.Wait()
	return counts
}

// The local server refuses tokens the JWT authorizer would refuse, with API Gateway's own 401.
func TestTokenVerification(t *testing.T) {
	e := start(t)
	good := e.token("acme", "alice", "viewer")
	parts := strings.Split(good, ".")
	tamperedClaims, _ := json.Marshal(map[string]any{"sub": "alice", "custom:tenant_id": "other", "cognito:groups": []string{"admin"},
		"iss": e.stack.Tokens.Issuer, "aud": localstack.Audience, "exp": time.Now().Add(time.Hour).Unix()})
	forged := parts[0] + "." + b64(tamperedClaims) + "." + parts[2]
	none := b64([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + b64(tamperedClaims) + "."
	foreign, _ := localstack.NewTokens(e.stack.Tokens.Issuer, localstack.Audience, localstack.ClaimNames{Tenant: "custom:tenant_id", Roles: "cognito:groups"})
	foreignToken, _ := foreign.Issue("acme", "", "alice", []string{"admin"})
	expired := signWith(t, e.stack.Tokens, jwt.MapClaims{"exp": time.Now().Add(-time.Minute).Unix()})
	wrongAud := signWith(t, e.stack.Tokens, jwt.MapClaims{"aud": "someone-else"})
	wrongIss := signWith(t, e.stack.Tokens, jwt.MapClaims{"iss": "https://evil.example"})
	notYet := signWith(t, e.stack.Tokens, jwt.MapClaims{"nbf": time.Now().Add(time.Hour).Unix()})

	for name, tok := range map[string]string{"none": "", "garbage": "abc", "forged claims": forged, "alg none": none,
		"other key": foreignToken, "expired": expired, "wrong audience": wrongAud, "wrong issuer": wrongIss, "not yet valid": notYet} {
		r := e.do("GET", "/v1/clients", tok, "")
		if r.status != 401 || string(r.body) != `{"message":"Unauthorized"}` {
			t.Errorf("%s: %d %s", name, r.status, r.body)
		}
	}
	if r := e.do("GET", "/v1/clients", good, ""); r.status != 200 {
		t.Fatalf("good token: %d %s", r.status, r.body)
	}
	if r := e.do("POST", "/v1/clients", good, `{"company_name":"X"}`); r.status != 403 {
		t.Fatalf("viewer write: %d", r.status)
	}
	if r := e.do("GET", "/v1/nothing", good, ""); r.status != 404 || string(r.body) != `{"message":"Not Found"}` {
		t.Fatalf("unknown route: %d %s", r.status, r.body)
	}
	for _, bad := range []string{`{"tenant_id":"a#b","sub":"x","roles":["admin"]}`, `{"tenant_id":"a","sub":"","roles":["admin"]}`,
		`{"tenant_id":"a","sub":"x","roles":["root"]}`, `{"tenant":"a"}`} {
		if r := e.do("POST", "/local/token", "", bad); r.status != 400 {
			t.Errorf("token request %s: %d", bad, r.status)
		}
	}
}

// signWith signs a token with the stack's key after overriding some of a valid token's claims.
func signWith(t *testing.T, tokens *localstack.Tokens, override jwt.MapClaims) string {
	t.Helper()
	claims := jwt.MapClaims{"sub": "alice", "custom:tenant_id": "acme", "cognito:groups": []string{"admin"},
		"iss": tokens.Issuer, "aud": localstack.Audience, "exp": time.Now().Add(time.Hour).Unix()}
	for k, v := range override {
		claims[k] = v
	}
	tok, err := tokens.Sign(claims)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// The dev server on a developer's laptop: a page of another site can neither mint a token nor
// read the mailbox (it could send a form or text/plain without asking, so /local/* take only
// JSON, which makes the browser ask first; and CORS answers only loopback pages and the
// configured front end, never echoing another origin).
func TestDevServerRefusesOtherSites(t *testing.T) {
	stack, err := localstack.Start(context.Background(), localstack.Options{FrontendOrigin: "https://app.agency.example"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stack.Close)
	srv := httptest.NewServer(stack.Server)
	t.Cleanup(srv.Close)
	send := func(method, path, contentType, origin, body string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		if origin != "" {
			req.Header.Set("Origin", origin)
			req.Header.Set("Access-Control-Request-Method", "POST")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	token := `{"tenant_id":"demo","sub":"x","roles":["admin"]}`
	for _, ct := range []string{"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""} {
		if r := send("POST", "/local/token", ct, "https://evil.example", token); r.StatusCode != 415 || r.Header.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("token as %q: %d %q", ct, r.StatusCode, r.Header.Get("Access-Control-Allow-Origin"))
		}
	}
	if r := send("GET", "/local/mail", "", "", ""); r.StatusCode != 415 {
		t.Errorf("mailbox without JSON: %d", r.StatusCode)
	}
	for origin, allowed := range map[string]bool{
		"https://evil.example": false, "http://localhost.evil.example": false, "null": false, "http://127.0.0.1.nip.io": false,
		"https://app.agency.example": true, "http://localhost:5173": true, "http://127.0.0.1:3000": true, "http://[::1]:8080": true,
	} {
		r := send("OPTIONS", "/local/token", "", origin, "")
		if got := r.Header.Get("Access-Control-Allow-Origin"); (got == origin) != allowed || (!allowed && got != "") {
			t.Errorf("preflight from %s: Allow-Origin %q", origin, got)
		}
	}
	if r := send("POST", "/local/token", "application/json", "http://localhost:5173", token); r.StatusCode != 200 {
		t.Errorf("a local front end: %d", r.StatusCode)
	}
}
