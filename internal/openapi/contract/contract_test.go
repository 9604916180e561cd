package contract

import (
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/clientdesk/clientdesk/internal/routes"
)

// The route table and the document describe the same operations, both ways.
func TestRouteTableMatchesDocument(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	documented := c.Operations()
	for _, r := range routes.All {
		op, ok := documented[r.Key()]
		if !ok {
			t.Errorf("route %s (%s) is missing from openapi.json", r.Key(), r.Operation)
			continue
		}
		if op != r.Operation {
			t.Errorf("%s: operationId %q, route table says %q", r.Key(), op, r.Operation)
		}
		public := c.Doc.Paths.Find(r.Path).GetOperation(r.Method).Security
		if r.Public != (public != nil && len(*public) == 0) {
			t.Errorf("%s: public in the route table = %v, but the document's security disagrees", r.Key(), r.Public)
		}
		delete(documented, r.Key())
	}
	for key, op := range documented {
		t.Errorf("openapi.json documents %s (%s), which the route table does not have", key, op)
	}
}

// Every route has its function folder, and every folder is a route.
func TestFunctionFoldersMatchRoutes(t *testing.T) {
	entries, err := os.ReadDir(filepath.Join("..", "..", "..", "functions"))
	if err != nil {
		t.Fatal(err)
	}
	var folders []string
	for _, e := range entries {
		if e.IsDir() {
			folders = append(folders, e.Name())
			if _, err := os.Stat(filepath.Join("..", "..", "..", "functions", e.Name(), "main.go")); err != nil {
				t.Errorf("functions/%s has no main.go", e.Name())
			}
		}
	}
	for _, r := range routes.All {
		if !slices.Contains(folders, r.Function()) {
			t.Errorf("route %s has no folder functions/%s", r.Key(), r.Function())
		}
	}
	for _, f := range folders {
		if !slices.ContainsFunc(routes.All, func(r routes.Route) bool { return r.Function() == f }) && !slices.ContainsFunc(routes.Workers, func(w routes.Worker) bool { return w.Function == f }) {
			t.Errorf("functions/%s is wired to no route or worker", f)
		}
	}
}

// The check is only worth something if it can fail.
func TestCheckCatchesViolations(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	jsonHeader := http.Header{"Content-Type": []string{"application/json"}}
	good := `{"id":"019a9b6c-3f2e-7d41-9a2e-0123456789ab","company_name":"A","locale":"fr","status":"prospect","archived":false,` +
		`"access":{"status":"not_invited"},"sites_count":0,"created_at":"2026-11-21T09:00:00.000Z","updated_at":"2026-11-21T09:00:00.000Z","version":1}`
	if err := c.Check(Response{Method: "GET", Path: "/v1/clients/019a9b6c-3f2e-7d41-9a2e-0123456789ab", Status: 200, Header: jsonHeader, Body: []byte(good)}); err != nil {
		t.Fatalf("a valid response was refused: %v", err)
	}
	for name, r := range map[string]Response{
		"undocumented member": {Method: "GET", Path: "/v1/clients/019a9b6c-3f2e-7d41-9a2e-0123456789ab", Status: 200, Header: jsonHeader,
			Body: []byte(strings.Replace(good, `"version":1`, `"version":1,"tenant":"t1"`, 1))},
		"wrong status enum": {Method: "GET", Path: "/v1/clients/019a9b6c-3f2e-7d41-9a2e-0123456789ab", Status: 200, Header: jsonHeader,
			Body: []byte(strings.Replace(good, `"prospect"`, `"lead"`, 1))},
		"undocumented status": {Method: "GET", Path: "/v1/clients/019a9b6c-3f2e-7d41-9a2e-0123456789ab", Status: 418, Header: jsonHeader, Body: []byte(good)},
		"problem without code": {Method: "GET", Path: "/v1/clients", Status: 400, Header: http.Header{"Content-Type": []string{"application/problem+json"}},
			Body: []byte(`{"type":"x","title":"t","status":400,"detail":"d","request_id":"r"}`)},
		"unknown route": {Method: "GET", Path: "/v1/sites", Status: 200, Header: jsonHeader, Body: []byte(`{}`)},
	} {
		if err := c.Check(r); err == nil {
			t.Errorf("%s: not caught", name)
		}
	}
}
