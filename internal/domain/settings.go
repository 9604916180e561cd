package domain

import (
	"strconv"
	"time"
)

// Settings are a tenant's own choices.
type Settings struct {
	// EventRetentionDays is how long the timeline keeps an event.
	EventRetentionDays int   `json:"event_retention_days"`
	UpdatedAt          *Time `json:"updated_at,omitempty"`
	Version            int64 `json:"version"`
}

// DefaultSettings are a tenant's settings until it changes them.
func DefaultSettings() Settings { return Settings{EventRetentionDays: DefaultEventRetentionDays} }

// ETag is the entity tag of this version of the settings.
func (s Settings) ETag() string { return ETagOf(s.Version) }

// PatchSettings applies a JSON Merge Patch to the settings and checks the result.
func PatchSettings(cur Settings, patch []byte, now time.Time) (Settings, error) {
	d, err := NewObjectDecoder(patch)
	if err != nil {
		return Settings{}, err
	}
	d.Members([]string{"event_retention_days"}, []string{"updated_at", "version"})
	next := cur
	if d.IsNull("event_retention_days") {
		next.EventRetentionDays = DefaultEventRetentionDays // null: back to the default
	}
	d.Field("event_retention_days", &next.EventRetentionDays, "integer")
	if err := d.Err(); err != nil {
		return Settings{}, err
	}
	if next.EventRetentionDays < MinEventRetentionDays || next.EventRetentionDays > MaxEventRetentionDays {
		return Settings{}, Invalid([]FieldError{{Pointer: "/event_retention_days", Code: FieldInvalidValue,
			Param: strconv.Itoa(MinEventRetentionDays) + "–" + strconv.Itoa(MaxEventRetentionDays)}})
	}
	next.UpdatedAt, next.Version = AtPtr(now), cur.Version+1
	return next, nil
}
