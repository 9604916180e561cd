// Package config reads a function's settings from its environment once, at start-up. A missing
// setting stops the function at init with a message naming it, never in the middle of a request.
package config

import (
	"fmt"
	"strings"

	"github.com/clientdesk/clientdesk/internal/auth"
)

// Config is every setting the functions read. The CDK stack sets these variables from the same
// names (Env), so the two cannot drift.
type Config struct {
	// TableName is the DynamoDB table (required).
	TableName string
	// Claims names the JWT claims that carry the tenant and the roles.
	Claims auth.ClaimNames
	// Endpoint points every AWS client at an emulator instead of AWS (local runs only).
	Endpoint string
}

// Environment variable names.
const (
	EnvTableName   = "TABLE_NAME"
	EnvTenantClaim = "TENANT_CLAIM"
	EnvRolesClaim  = "ROLES_CLAIM"
	EnvEndpoint    = "AWS_ENDPOINT_URL"
)

// Load reads the configuration through getenv (os.Getenv in a function).
func Load(getenv func(string) string) (Config, error) {
	c := Config{
		TableName: strings.TrimSpace(getenv(EnvTableName)),
		Claims:    auth.DefaultClaimNames,
		Endpoint:  strings.TrimSpace(getenv(EnvEndpoint)),
	}
	if v := strings.TrimSpace(getenv(EnvTenantClaim)); v != "" {
		c.Claims.Tenant = v
	}
	if v := strings.TrimSpace(getenv(EnvRolesClaim)); v != "" {
		c.Claims.Roles = v
	}
	if c.TableName == "" {
		return c, fmt.Errorf("config: %s is not set", EnvTableName)
	}
	return c, nil
}

// Env is the environment that produces c, for the stack to give each function.
func (c Config) Env() map[string]string {
	env := map[string]string{EnvTableName: c.TableName, EnvTenantClaim: c.Claims.Tenant, EnvRolesClaim: c.Claims.Roles}
	if c.Endpoint != "" {
		env[EnvEndpoint] = c.Endpoint
	}
	return env
}
