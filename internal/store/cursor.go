package store

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"

	"github.com/clientdesk/clientdesk/internal/domain"
)

// A cursor is opaque to callers: base64url of a small JSON document holding the key position
// after which the next page starts, and a fingerprint of the tenant and of the query that
// produced it. A cursor replayed with another query or by another tenant is refused rather
// than silently returning a page of something else; the position's partition is checked
// against the query's own (ListClients), so a forged cursor can at worst point at another
// place in the caller's own list.
type cursor struct {
	Version     int               `json:"v"`
	Fingerprint string            `json:"f"`
	Position    map[string]string `json:"p"`
}

const (
	cursorVersion  = 3 // 3: the search's and tag's positions hold each shard's (FanShards)
	maxCursorBytes = 2048
)

func fingerprint(tenant, query string) string {
	sum := sha256.Sum256([]byte(tenant + "\n" + query))
	return hex.EncodeToString(sum[:8])
}

func encodeCursor(tenant, query string, pos map[string]string) string {
	b, _ := json.Marshal(cursor{Version: cursorVersion, Fingerprint: fingerprint(tenant, query), Position: pos})
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodeCursor returns the position in s, or domain.ErrInvalidCursor.
func decodeCursor(tenant, query, s string) (map[string]string, error) {
	bad := domain.ErrInvalidCursor
	if len(s) > maxCursorBytes {
		return nil, bad
	}
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, bad
	}
	var c cursor
	if err := json.Unmarshal(raw, &c); err != nil || c.Version != cursorVersion || c.Fingerprint != fingerprint(tenant, query) || len(c.Position) == 0 {
		return nil, bad
	}
	for name, v := range c.Position {
		if name == "" || v == "" {
			return nil, bad
		}
	}
	return c.Position, nil
}
