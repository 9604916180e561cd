package routes

import (
	"reflect"
	"testing"
)

func TestMatch(t *testing.T) {
	tests := []struct {
		method, path string
		op           string
		params       map[string]string
	}{
		{"GET", "/v1/clients", ListClients, nil},
		{"POST", "/v1/clients", CreateClient, nil},
		{"GET", "/v1/clients/abc", GetClient, map[string]string{"id": "abc"}},
		{"PATCH", "/v1/clients/abc", UpdateClient, map[string]string{"id": "abc"}},
		{"DELETE", "/v1/clients/abc", DeleteClient, map[string]string{"id": "abc"}},
		{"GET", "/v1/clients/stats", GetStats, nil},
		{"PATCH", "/v1/clients/stats", UpdateClient, map[string]string{"id": "stats"}},
		{"GET", "/v1/client-fields/siret", GetField, map[string]string{"key": "siret"}},
		{"GET", "/v1/clients/abc/def", "", nil},
		{"PUT", "/v1/clients/abc", "", nil},
		{"GET", "/v1/clients//", "", nil},
	}
	for _, tt := range tests {
		r, params, ok := Match(tt.method, tt.path)
		if ok != (tt.op != "") || r.Operation != tt.op || !reflect.DeepEqual(params, tt.params) {
			t.Errorf("Match(%s %s) = %q %v %v", tt.method, tt.path, r.Operation, params, ok)
		}
	}
}

func TestTableIsConsistent(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range All {
		if seen[r.Key()] || seen[r.Operation] {
			t.Errorf("duplicate route %s / %s", r.Key(), r.Operation)
		}
		seen[r.Key()], seen[r.Operation] = true, true
	}
	if got := (Route{Operation: "createClient"}).Function(); got != "create-client" {
		t.Error(got)
	}
	if got := (Route{Operation: "getOpenAPI"}).Function(); got != "get-open-api" {
		t.Error(got)
	}
}
