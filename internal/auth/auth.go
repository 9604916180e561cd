// Package auth turns the claims that API Gateway's JWT authorizer verified into the caller's
// identity: who (sub), for which tenant, with which role. The handlers never see a token; the
// authorizer (or the local stack, which verifies tokens the same way) has already checked it.
package auth

import (
	"regexp"
	"slices"
	"strings"

	"github.com/aws/aws-lambda-go/events"

	"github.com/clientdesk/clientdesk/internal/domain"
)

// Role is a staff member's role within a tenant.
type Role string

const (
	Admin  Role = "admin"
	Editor Role = "editor"
	Viewer Role = "viewer"
)

// Roles lists the roles, most powerful first.
var Roles = []Role{Admin, Editor, Viewer}

// ClaimNames says which claims carry the tenant and the roles; they depend on the identity
// provider (Cognito: custom:tenant_id and cognito:groups).
type ClaimNames struct {
	Tenant string
	Roles  string
	// TenantName, optional, carries the tenant's display name.
	TenantName string
}

// DefaultClaimNames are Cognito's.
var DefaultClaimNames = ClaimNames{Tenant: "custom:tenant_id", Roles: "cognito:groups", TenantName: "custom:tenant_name"}

// Identity is the verified caller.
type Identity struct {
	Subject string
	Tenant  string
	Role    Role
	// TenantName is the tenant's display name, or its id when the token has none.
	TenantName string
	// Email is the staff member's address (the ID token's email claim), when the token has it.
	Email string
}

// AtLeast reports whether the caller's role is role or a more powerful one.
func (id Identity) AtLeast(role Role) bool {
	for _, r := range Roles {
		if r == id.Role {
			return true
		}
		if r == role {
			return false
		}
	}
	return false
}

// CanWrite reports whether the caller may change data.
func (id Identity) CanWrite() bool { return id.Role == Admin || id.Role == Editor }

// Tenant ids become part of every DynamoDB key: the alphabet excludes the key separator '#'.
var tenantPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$`)

// FromRequest reads the identity from the authorizer's claims in the request context.
// No claims or no subject: unauthenticated (401). A token without a usable tenant or without a
// known role: forbidden (403).
func FromRequest(rc events.APIGatewayV2HTTPRequestContext, names ClaimNames) (Identity, error) {
	if rc.Authorizer == nil || rc.Authorizer.JWT == nil || len(rc.Authorizer.JWT.Claims) == 0 {
		return Identity{}, &domain.Error{Code: domain.CodeUnauthenticated}
	}
	claims := rc.Authorizer.JWT.Claims
	id := Identity{Subject: claims["sub"], Tenant: claims[names.Tenant]}
	if id.Subject == "" {
		return Identity{}, &domain.Error{Code: domain.CodeUnauthenticated}
	}
	if !tenantPattern.MatchString(id.Tenant) {
		return Identity{}, &domain.Error{Code: domain.CodeForbidden, Param: names.Tenant}
	}
	id.Email = strings.TrimSpace(claims["email"])
	id.TenantName = strings.TrimSpace(claims[names.TenantName])
	if id.TenantName == "" || len(id.TenantName) > 200 {
		id.TenantName = id.Tenant
	}
	held := ParseRoles(claims[names.Roles])
	for _, r := range Roles {
		if slices.Contains(held, r) {
			id.Role = r
			return id, nil
		}
	}
	return Identity{}, &domain.Error{Code: domain.CodeForbidden, Param: names.Roles}
}

// ParseRoles reads a roles claim as API Gateway passes it on. The authorizer flattens a JSON
// array claim into one string, "[admin editor]"; other identity providers send "admin,editor"
// or a single value. All of these are understood.
func ParseRoles(claim string) []Role {
	claim = strings.NewReplacer("[", " ", "]", " ", ",", " ", `"`, " ").Replace(claim)
	var roles []Role
	for _, f := range strings.Fields(claim) {
		roles = append(roles, Role(strings.ToLower(f)))
	}
	return roles
}
