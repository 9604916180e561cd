// Package auth turns the claims that API Gateway's JWT authorizer verified into the caller's
// identity: who (sub), for which tenant, with which role. The handlers never see a token; the
// authorizer (or the local stack, which verifies tokens the same way) has already checked it.
package auth

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

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
	id.TenantName = TenantName(claims[names.TenantName], id.Tenant)
	held := ParseGroups(claims[names.Roles])
	for _, r := range Roles {
		if slices.Contains(held, string(r)) {
			id.Role = r
			return id, nil
		}
	}
	return Identity{}, &domain.Error{Code: domain.CodeForbidden, Param: names.Roles}
}

// MaxTenantNameLen bounds the tenant's display name, which e-mails put in their subject and
// sender name.
const MaxTenantNameLen = 100

// TenantName is the tenant's display name from its claim, in NFC, or the tenant id when the
// claim is empty, too long, or holds control, invisible or direction-control characters: it
// goes into e-mail subjects and sender names, where those would forge headers or disguise
// the sender.
func TenantName(claim, tenant string) string {
	name := norm.NFC.String(strings.TrimSpace(claim))
	if name == "" || utf8.RuneCountInString(name) > MaxTenantNameLen || !utf8.ValidString(name) ||
		strings.IndexFunc(name, func(r rune) bool { return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) }) >= 0 {
		return tenant
	}
	return name
}

// ParseGroups reads a groups claim as API Gateway's JWT authorizer passes it on: a token's
// array claim is flattened into one string, its elements between brackets and separated by
// spaces ("[admin editor]"); a string claim arrives as it is ("admin"). The group names are
// then compared exactly with the role names: "ADMIN", "sales,admin", "not admin" and
// "x]admin[y" name no role. The flattening cannot tell a group whose name holds a space from
// two groups, so group names must not contain spaces (the stack's own groups do not).
func ParseGroups(claim string) []string {
	if inner, ok := strings.CutPrefix(claim, "["); ok {
		if inner, ok = strings.CutSuffix(inner, "]"); ok {
			var groups []string
			for _, g := range strings.Split(inner, " ") {
				if g != "" {
					groups = append(groups, g)
				}
			}
			return groups
		}
	}
	if claim == "" {
		return nil
	}
	return []string{claim}
}
