package domain

import (
	"bytes"
	"encoding/json"
	"slices"
)

// readOnly are the members of a client that the server owns: present in responses,
// refused in request bodies with a field error rather than silently ignored.
var readOnly = []string{"id", "status", "archived", "access", "created_at", "updated_at", "version"}

// DecodeFields reads a JSON object into Fields and reports every problem at once: a member
// that is unknown, read-only or of the wrong type each gets its own field error. Bytes that are
// not JSON at all are a CodeMalformedJSON error. Nothing is validated beyond types here; see
// Fields.Normalize.
func DecodeFields(body []byte) (Fields, error) {
	var f Fields
	var raw map[string]json.RawMessage
	if err := decodeObject(body, &raw); err != nil {
		return f, err
	}
	var errs []FieldError
	field := func(name string, dst any, want string) {
		msg, ok := raw[name]
		if !ok || isNull(msg) {
			return
		}
		if err := json.Unmarshal(msg, dst); err != nil {
			errs = append(errs, FieldError{Pointer: "/" + name, Code: FieldInvalidType, Param: want})
		}
	}
	field("first_name", &f.FirstName, "string")
	field("last_name", &f.LastName, "string")
	field("company_name", &f.CompanyName, "string")
	field("code", &f.Code, "string")
	field("email", &f.Email, "string")
	field("phones", &f.Phones, "array of strings")
	field("notes", &f.Notes, "string")
	field("locale", &f.Locale, "string")
	field("tags", &f.Tags, "array of strings")
	field("social_links", &f.SocialLinks, "object of strings")
	if msg, ok := raw["address"]; ok && !isNull(msg) {
		a, aerrs := decodeAddress(msg)
		f.Address, errs = a, append(errs, aerrs...)
	}
	if msg, ok := raw["custom_fields"]; ok && !isNull(msg) {
		cf, cerrs := decodeCustomFields(msg)
		f.CustomFields, errs = cf, append(errs, cerrs...)
	}
	for _, name := range sortedKeys(raw) {
		switch {
		case slices.Contains(readOnly, name):
			errs = append(errs, FieldError{Pointer: "/" + escapePointer(name), Code: FieldReadOnly})
		case !slices.Contains(writable, name):
			errs = append(errs, FieldError{Pointer: "/" + escapePointer(name), Code: FieldUnknown})
		}
	}
	return f, Invalid(errs)
}

var writable = []string{"first_name", "last_name", "company_name", "code", "email", "phones", "address",
	"notes", "locale", "tags", "social_links", "custom_fields"}

func decodeAddress(msg json.RawMessage) (*Address, []FieldError) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(msg, &raw); err != nil {
		return nil, []FieldError{{Pointer: "/address", Code: FieldInvalidType, Param: "object"}}
	}
	var a Address
	dst := map[string]*string{"line1": &a.Line1, "line2": &a.Line2, "postal_code": &a.PostalCode,
		"city": &a.City, "region": &a.Region, "country": &a.Country}
	var errs []FieldError
	for _, name := range sortedKeys(raw) {
		p, ok := dst[name]
		if !ok {
			errs = append(errs, FieldError{Pointer: "/address/" + escapePointer(name), Code: FieldUnknown})
			continue
		}
		if isNull(raw[name]) {
			continue
		}
		if err := json.Unmarshal(raw[name], p); err != nil {
			errs = append(errs, FieldError{Pointer: "/address/" + name, Code: FieldInvalidType, Param: "string"})
		}
	}
	return &a, errs
}

func decodeCustomFields(msg json.RawMessage) (map[string]any, []FieldError) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(msg, &raw); err != nil {
		return nil, []FieldError{{Pointer: "/custom_fields", Code: FieldInvalidType, Param: "object"}}
	}
	out := make(map[string]any, len(raw))
	var errs []FieldError
	for _, k := range sortedKeys(raw) {
		if isNull(raw[k]) {
			continue
		}
		var v any
		if err := json.Unmarshal(raw[k], &v); err != nil {
			errs = append(errs, FieldError{Pointer: "/custom_fields/" + escapePointer(k), Code: FieldInvalidType, Param: "string, number or boolean"})
			continue
		}
		switch v.(type) {
		case string, float64, bool:
			out[k] = v
		default:
			errs = append(errs, FieldError{Pointer: "/custom_fields/" + escapePointer(k), Code: FieldInvalidType, Param: "string, number or boolean"})
		}
	}
	return out, errs
}

// decodeObject unmarshals a JSON object, telling syntax errors (malformed) from a valid JSON
// value that is not an object (a type error on the whole body).
func decodeObject(body []byte, dst *map[string]json.RawMessage) error {
	if !json.Valid(body) {
		return &Error{Code: CodeMalformedJSON}
	}
	if err := json.Unmarshal(body, dst); err != nil || *dst == nil {
		return Invalid([]FieldError{{Pointer: "", Code: FieldInvalidType, Param: "object"}})
	}
	return nil
}

func isNull(msg json.RawMessage) bool { return bytes.Equal(bytes.TrimSpace(msg), []byte("null")) }

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// escapePointer escapes one reference token of a JSON Pointer (RFC 6901 §3).
func escapePointer(token string) string {
	var b bytes.Buffer
	for _, r := range token {
		switch r {
		case '~':
			b.WriteString("~0")
		case '/':
			b.WriteString("~1")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
