package config

import (
	"testing"

	"github.com/clientdesk/clientdesk/internal/auth"
)

func TestLoad(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	if _, err := Load(env(nil)); err == nil {
		t.Fatal("a missing TABLE_NAME must stop the function at init")
	}
	c, err := Load(env(map[string]string{"TABLE_NAME": "t"}))
	if err != nil || c.Claims != auth.DefaultClaimNames || c.Endpoint != "" {
		t.Fatal(c, err)
	}
	c, err = Load(env(map[string]string{"TABLE_NAME": "t", "TENANT_CLAIM": "org", "ROLES_CLAIM": "roles"}))
	if err != nil || c.Claims.Tenant != "org" || c.Claims.Roles != "roles" {
		t.Fatal(c, err)
	}
	again, err := Load(env(c.Env()))
	if err != nil || again != c {
		t.Fatalf("Env does not round-trip: %+v", again)
	}
}
