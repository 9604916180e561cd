package domain

import (
	"bytes"
	"encoding/json"
	"time"
)

// MergePatch applies an RFC 7396 JSON Merge Patch to a decoded JSON value and returns the
// result. target is not modified.
func MergePatch(target, patch any) any {
	p, ok := patch.(map[string]any)
	if !ok {
		return patch
	}
	t, ok := target.(map[string]any)
	out := make(map[string]any, len(t)+len(p))
	if ok {
		for k, v := range t {
			out[k] = v
		}
	}
	for k, v := range p {
		if v == nil {
			delete(out, k)
			continue
		}
		out[k] = MergePatch(out[k], v)
	}
	return out
}

// ApplyPatch applies a merge patch document to the writable fields of c and validates the
// result as a whole, so a patch can never produce a record that a create would refuse. Custom
// values that no longer have a definition are dropped (see Definitions.Visible).
func ApplyPatch(c *Client, patch []byte, now time.Time, rules Rules) (*Client, error) {
	var doc map[string]json.RawMessage
	if err := decodeObject(patch, &doc); err != nil {
		return nil, err
	}
	var p any
	if err := unmarshalNumbers(patch, &p); err != nil {
		return nil, &Error{Code: CodeMalformedJSON}
	}
	visible := c.Fields
	visible.CustomFields = rules.Fields.Visible(c.CustomFields)
	current, err := json.Marshal(visible)
	if err != nil {
		return nil, err
	}
	var base any
	if err := unmarshalNumbers(current, &base); err != nil {
		return nil, err
	}
	merged, err := json.Marshal(MergePatch(base, p))
	if err != nil {
		return nil, err
	}
	f, err := DecodeFields(merged)
	var errs []FieldError
	if err != nil {
		de, ok := err.(*Error)
		if !ok || de.Code != CodeValidation {
			return nil, err
		}
		errs = de.Fields
	}
	if len(errs) == 0 {
		rules.DefaultLocale = c.Locale
		errs = f.Normalize(rules)
	}
	if c.EmailLocked() && EmailKey(f.Email) != EmailKey(c.Email) {
		errs = append(errs, FieldError{Pointer: "/email", Code: FieldImmutable})
	}
	if err := Invalid(errs); err != nil {
		return nil, err
	}
	return c.Revise(f, now), nil
}

func unmarshalNumbers(data []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	return d.Decode(v)
}
