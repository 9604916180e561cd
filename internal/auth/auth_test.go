package auth

import (
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/clientdesk/clientdesk/internal/domain"
)

func TestFromRequest(t *testing.T) {
	ctx := func(claims map[string]string) events.APIGatewayV2HTTPRequestContext {
		return events.APIGatewayV2HTTPRequestContext{Authorizer: &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{
			JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{Claims: claims}}}
	}
	tests := []struct {
		name   string
		rc     events.APIGatewayV2HTTPRequestContext
		want   Identity
		code   domain.Code
		writer bool
	}{
		{"no authorizer", events.APIGatewayV2HTTPRequestContext{}, Identity{}, domain.CodeUnauthenticated, false},
		{"no claims", ctx(nil), Identity{}, domain.CodeUnauthenticated, false},
		{"no subject", ctx(map[string]string{"custom:tenant_id": "t1", "cognito:groups": "[admin]"}), Identity{}, domain.CodeUnauthenticated, false},
		{"no tenant", ctx(map[string]string{"sub": "u1", "cognito:groups": "[admin]"}), Identity{}, domain.CodeForbidden, false},
		{"tenant with key separator", ctx(map[string]string{"sub": "u1", "custom:tenant_id": "t#1", "cognito:groups": "[admin]"}), Identity{}, domain.CodeForbidden, false},
		{"no role", ctx(map[string]string{"sub": "u1", "custom:tenant_id": "t1"}), Identity{}, domain.CodeForbidden, false},
		{"unknown role", ctx(map[string]string{"sub": "u1", "custom:tenant_id": "t1", "cognito:groups": "[owner]"}), Identity{}, domain.CodeForbidden, false},
		{"viewer", ctx(map[string]string{"sub": "u1", "custom:tenant_id": "t1", "cognito:groups": "[viewer]"}), Identity{"u1", "t1", Viewer, "t1", ""}, "", false},
		{"editor and viewer", ctx(map[string]string{"sub": "u1", "custom:tenant_id": "t1", "cognito:groups": "[viewer editor]"}), Identity{"u1", "t1", Editor, "t1", ""}, "", true},
		{"a string claim", ctx(map[string]string{"sub": "u1", "custom:tenant_id": "t1", "cognito:groups": "editor"}), Identity{"u1", "t1", Editor, "t1", ""}, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := FromRequest(tt.rc, DefaultClaimNames)
			if domain.CodeOf(err) != tt.code && !(err == nil && tt.code == "") {
				t.Fatalf("err %v, want %s", err, tt.code)
			}
			if got != tt.want || got.CanWrite() != tt.writer {
				t.Fatalf("got %+v", got)
			}
		})
	}
}

func TestCustomClaimNames(t *testing.T) {
	rc := events.APIGatewayV2HTTPRequestContext{Authorizer: &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{
		JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{Claims: map[string]string{
			"sub": "u1", "org": "acme", "roles": "[editor]"}}}}
	got, err := FromRequest(rc, ClaimNames{Tenant: "org", Roles: "roles"})
	if err != nil || got.Tenant != "acme" || got.Role != Editor {
		t.Fatal(got, err)
	}
}

// Group names are compared exactly with the role names, in the shapes API Gateway's JWT
// authorizer really passes: an array claim flattened to "[a b]", a string claim as it is.
func TestRolesAreExact(t *testing.T) {
	for claim, want := range map[string]Role{
		"[admin]":             Admin,
		"[viewer editor]":     Editor,
		"[sales admin]":       Admin, // two groups, one of them admin
		"admin":               Admin,
		"sales,admin":         "",
		"[sales,admin]":       "",
		"not admin":           "",
		"ADMIN":               "",
		"[ADMIN]":             "",
		"x]admin[y":           "",
		"[x]admin[y]":         "",
		`["admin"]`:           "",
		" admin":              "",
		"[admin":              "",
		"admin]":              "",
		"[]":                  "",
		"[editor  viewer]":    Editor,
		"[admin-readonly]":    "",
		"[viewer\u00a0admin]": "",
	} {
		rc := events.APIGatewayV2HTTPRequestContext{Authorizer: &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{
			JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{Claims: map[string]string{
				"sub": "u1", "custom:tenant_id": "t1", "cognito:groups": claim}}}}
		got, err := FromRequest(rc, DefaultClaimNames)
		if got.Role != want || (want == "") != (domain.CodeOf(err) == domain.CodeForbidden) {
			t.Errorf("%q: role %q, err %v; want %q", claim, got.Role, err, want)
		}
	}
}

func TestTenantNameIsChecked(t *testing.T) {
	for claim, want := range map[string]string{
		"Agence Démo":            "Agence Démo",
		"  Agence  ":             "Agence",
		"":                       "t1",
		"Evil\r\nBcc: x@y.z":     "t1",
		"Pay\u202eal":            "t1",
		strings.Repeat("a", 101): "t1",
		strings.Repeat("é", 100): strings.Repeat("é", 100),
		"Ag\u0065\u0301nce":      "Agénce",
	} {
		if got := TenantName(claim, "t1"); got != want {
			t.Errorf("%q: %q, want %q", claim, got, want)
		}
	}
}
