package domain

import (
	"fmt"
	"time"
)

// Time is an instant as the API writes every one: in UTC, to the millisecond, always with
// three decimals ("2026-11-22T04:34:38.000Z"), so that a reader never meets two precisions.
type Time struct{ time.Time }

// TimeLayout is how a Time is written.
const TimeLayout = "2006-01-02T15:04:05.000Z"

// At is t as a Time: UTC, cut to the millisecond.
func At(t time.Time) Time { return Time{t.UTC().Truncate(time.Millisecond)} }

// AtPtr is At for an optional instant.
func AtPtr(t time.Time) *Time {
	at := At(t)
	return &at
}

// String writes the instant as the API does.
func (t Time) String() string { return t.UTC().Format(TimeLayout) }

// MarshalText writes the instant in TimeLayout; JSON and the store use it.
func (t Time) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// MarshalJSON writes the instant as a JSON string in TimeLayout.
func (t Time) MarshalJSON() ([]byte, error) { return []byte(`"` + t.String() + `"`), nil }

// UnmarshalText reads any RFC 3339 instant (what earlier writes stored included).
func (t *Time) UnmarshalText(b []byte) error {
	p, err := time.Parse(time.RFC3339Nano, string(b))
	if err != nil {
		return fmt.Errorf("time %q: %w", b, err)
	}
	*t = At(p)
	return nil
}

// UnmarshalJSON reads a JSON string holding an RFC 3339 instant.
func (t *Time) UnmarshalJSON(b []byte) error {
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return fmt.Errorf("time: %s is not a string", b)
	}
	return t.UnmarshalText(b[1 : len(b)-1])
}
