package localstack

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Tokens stands in for the identity provider (Cognito in AWS) and for API Gateway's JWT
// authorizer: it signs tokens with a key made at start-up and verifies them the way the
// authorizer does (signature with the key id, issuer, audience, expiry, not-before), then
// hands the claims on flattened to strings as API Gateway does.
type Tokens struct {
	key      *ecdsa.PrivateKey
	keyID    string
	Issuer   string
	Audience string
	Claims   ClaimNames
	TTL      time.Duration
	now      func() time.Time
}

// ClaimNames are the claims a token carries its tenant and roles in.
type ClaimNames struct{ Tenant, Roles, TenantName string }

// NewTokens makes a signing key. issuer is the URL the tokens name as their issuer.
func NewTokens(issuer, audience string, claims ClaimNames) (*Tokens, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	kid := make([]byte, 8)
	if _, err := rand.Read(kid); err != nil {
		return nil, err
	}
	return &Tokens{key: key, keyID: base64.RawURLEncoding.EncodeToString(kid), Issuer: issuer, Audience: audience,
		Claims: claims, TTL: time.Hour, now: time.Now}, nil
}

// Issue signs a token for a staff member of a tenant (tenantName optional).
func (t *Tokens) Issue(tenant, tenantName, subject string, roles []string) (string, error) {
	return t.IssueWithEmail(tenant, tenantName, subject, "", roles)
}

// IssueWithEmail also names the staff member's address (ID tokens carry it).
func (t *Tokens) IssueWithEmail(tenant, tenantName, subject, email string, roles []string) (string, error) {
	now := t.now()
	claims := jwt.MapClaims{
		"iss": t.Issuer, "aud": t.Audience, "sub": subject, "iat": now.Unix(), "nbf": now.Unix(),
		"exp": now.Add(t.TTL).Unix(), "token_use": "id",
		t.Claims.Tenant: tenant, t.Claims.Roles: roles,
	}
	if tenantName != "" && t.Claims.TenantName != "" {
		claims[t.Claims.TenantName] = tenantName
	}
	if email != "" {
		claims["email"] = email
	}
	return t.Sign(claims)
}

// Sign signs arbitrary claims with the local key (tests use it to make invalid tokens).
func (t *Tokens) Sign(claims jwt.MapClaims) (string, error) {
	tok := jwt.NewWithClaims(jwt.SigningMethodES256, claims)
	tok.Header["kid"] = t.keyID
	return tok.SignedString(t.key)
}

// Verify checks a token as the JWT authorizer would and returns its claims as API Gateway
// passes them to the function: every value a string, arrays as "[a b]".
func (t *Tokens) Verify(token string) (map[string]string, error) {
	parsed, err := jwt.Parse(token, func(tok *jwt.Token) (any, error) {
		if kid, _ := tok.Header["kid"].(string); kid != t.keyID {
			return nil, errors.New("unknown key id")
		}
		return &t.key.PublicKey, nil
	},
		jwt.WithValidMethods([]string{jwt.SigningMethodES256.Alg()}),
		jwt.WithIssuer(t.Issuer),
		jwt.WithAudience(t.Audience),
		jwt.WithExpirationRequired(),
		jwt.WithTimeFunc(t.now),
	)
	if err != nil {
		return nil, err
	}
	claims, ok := parsed.Claims.(jwt.MapClaims)
	if !ok {
		return nil, errors.New("unexpected claims")
	}
	return flatten(claims), nil
}

func flatten(claims jwt.MapClaims) map[string]string {
	out := make(map[string]string, len(claims))
	for k, v := range claims {
		out[k] = flattenValue(v)
	}
	return out
}

func flattenValue(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return big.NewFloat(x).Text('f', -1)
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = flattenValue(e)
		}
		return "[" + strings.Join(parts, " ") + "]"
	case map[string]any:
		b, _ := json.Marshal(x)
		return string(b)
	default:
		return fmt.Sprint(x)
	}
}

// JWKS is the public key set, as an identity provider publishes it.
func (t *Tokens) JWKS() (map[string]any, error) {
	point, err := t.key.PublicKey.Bytes() // 0x04 || X || Y
	if err != nil {
		return nil, err
	}
	enc := base64.RawURLEncoding.EncodeToString
	return map[string]any{"keys": []map[string]string{{
		"kty": "EC", "crv": "P-256", "kid": t.keyID, "use": "sig", "alg": "ES256", "x": enc(point[1:33]), "y": enc(point[33:65]),
	}}}, nil
}
