package store

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"

	"github.com/google/uuid"

	"github.com/clientdesk/clientdesk/internal/domain"
)

// A cursor is opaque to callers: base64url of a small JSON document holding the position after
// which the next page starts, and a fingerprint of the tenant and the query that produced it.
// A cursor replayed with another query or by another tenant is refused rather than
// silently returning a page of something else. The position is re-validated on decode, so a
// forged cursor can at worst point at another place in the caller's own list.
type cursor struct {
	Version     int    `json:"v"`
	Fingerprint string `json:"f"`
	After       string `json:"a"`
}

const cursorVersion = 1

func fingerprint(tenant, query string) string {
	sum := sha256.Sum256([]byte(tenant + "\n" + query))
	return hex.EncodeToString(sum[:8])
}

func encodeCursor(tenant, query, after string) string {
	b, _ := json.Marshal(cursor{Version: cursorVersion, Fingerprint: fingerprint(tenant, query), After: after})
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodeCursor returns the position in s, or an invalid_cursor error naming the parameter.
func decodeCursor(tenant, query, s string) (string, error) {
	bad := domain.Errorf(domain.CodeInvalidCursor, "cursor")
	if len(s) > 512 {
		return "", bad
	}
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return "", bad
	}
	var c cursor
	if err := json.Unmarshal(raw, &c); err != nil || c.Version != cursorVersion || c.Fingerprint != fingerprint(tenant, query) {
		return "", bad
	}
	if id, err := uuid.Parse(c.After); err != nil || id.String() != c.After {
		return "", bad
	}
	return c.After, nil
}
