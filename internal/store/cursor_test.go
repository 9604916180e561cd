package store

import (
	"reflect"
	"testing"

	"github.com/clientdesk/clientdesk/internal/domain"
)

func TestCursorRoundTrip(t *testing.T) {
	pos := map[string]string{"PK": "T#t1#C#x", "SK": "C", "GSI1PK": "T#t1#CL#A0", "GSI1SK": "019a8f2e-7c3b-7d41-9a2e-0123456789ab"}
	c := encodeCursor("t1", "q", pos)
	if got, err := decodeCursor("t1", "q", c); err != nil || !reflect.DeepEqual(got, pos) {
		t.Fatal(got, err)
	}
	for name, tc := range map[string]struct{ tenant, query, cursor string }{
		"other tenant":   {"t2", "q", c},
		"other query":    {"t1", "q2", c},
		"not base64":     {"t1", "q", "!!!"},
		"truncated":      {"t1", "q", c[:len(c)-3]},
		"empty position": {"t1", "q", encodeCursor("t1", "q", nil)},
		"empty value":    {"t1", "q", encodeCursor("t1", "q", map[string]string{"PK": ""})},
		"empty json":     {"t1", "q", "e30"},
	} {
		if _, err := decodeCursor(tc.tenant, tc.query, tc.cursor); domain.CodeOf(err) != domain.CodeInvalidCursor {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// FuzzDecodeCursor: whatever a caller sends as a cursor, decoding either refuses it with
// invalid_cursor or yields a position of non-empty strings; it never panics.
func FuzzDecodeCursor(f *testing.F) {
	f.Add(encodeCursor("t1", "q", map[string]string{"PK": "T#t1#W", "SK": "dufour#019a8f2e-7c3b-7d41-9a2e-0123456789ab"}))
	f.Add("")
	f.Add("e30")
	f.Add("eyJ2IjoyLCJmIjoiIiwicCI6e319")
	f.Fuzz(func(t *testing.T, s string) {
		pos, err := decodeCursor("t1", "q", s)
		if err != nil {
			if domain.CodeOf(err) != domain.CodeInvalidCursor {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		for k, v := range pos {
			if k == "" || v == "" {
				t.Fatalf("accepted position %v", pos)
			}
		}
	})
}
