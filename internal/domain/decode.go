package domain

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
)

// readOnly are the members of a client that the server owns: present in responses,
// refused in request bodies with a field error rather than silently ignored.
var readOnly = []string{"id", "status", "archived", "access", "site_ids", "sites_count", "team", "created_at", "updated_at", "version"}

// ObjectDecoder reads the members of one JSON object and collects a field error per
// problem: an unknown or read-only member, a value of the wrong type. Every request body with
// members goes through it, so they all report problems the same way.
type ObjectDecoder struct {
	raw  map[string]json.RawMessage
	at   string // JSON Pointer of the object itself
	errs []FieldError
}

// NewObjectDecoder starts on a request body: bytes that are not JSON at all are a
// CodeMalformedJSON error, valid JSON that is not an object a type error on the whole body.
func NewObjectDecoder(body []byte) (*ObjectDecoder, error) {
	var raw map[string]json.RawMessage
	if err := decodeObject(body, &raw); err != nil {
		return nil, err
	}
	return &ObjectDecoder{raw: raw}, nil
}

// Object decodes a member that must itself be an object (left alone when absent or null):
// read runs on its own decoder, whose errors join this one's.
func (d *ObjectDecoder) Object(name, want string, read func(*ObjectDecoder)) {
	if !d.Has(name) {
		return
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(d.raw[name], &raw); err != nil {
		d.errs = append(d.errs, FieldError{Pointer: d.at + "/" + name, Code: FieldInvalidType, Param: want})
		return
	}
	nested := &ObjectDecoder{raw: raw, at: d.at + "/" + name}
	read(nested)
	d.errs = append(d.errs, nested.errs...)
}

// Element decodes the i-th element of the array member name, raw, as an object: read runs
// on its own decoder (at /name/i), whose errors join this one's.
func (d *ObjectDecoder) Element(name string, i int, raw json.RawMessage, read func(*ObjectDecoder)) {
	at := d.at + "/" + escapePointer(name) + "/" + strconv.Itoa(i)
	var members map[string]json.RawMessage
	if err := json.Unmarshal(raw, &members); err != nil || members == nil {
		d.errs = append(d.errs, FieldError{Pointer: at, Code: FieldInvalidType, Param: "object"})
		return
	}
	nested := &ObjectDecoder{raw: members, at: at}
	read(nested)
	d.errs = append(d.errs, nested.errs...)
}

// Fail records a problem with a member.
func (d *ObjectDecoder) Fail(name string, code Code, param string) {
	d.errs = append(d.errs, FieldError{Pointer: d.at + "/" + escapePointer(name), Code: code, Param: param})
}

// Has reports whether the object has the member with a value other than null.
func (d *ObjectDecoder) Has(name string) bool {
	msg, ok := d.raw[name]
	return ok && !isNull(msg)
}

// IsNull reports whether the object has the member, set to null (a merge patch's removal).
func (d *ObjectDecoder) IsNull(name string) bool {
	msg, ok := d.raw[name]
	return ok && isNull(msg)
}

// Members records an error for each member that is read-only or not among allowed.
func (d *ObjectDecoder) Members(allowed, readOnly []string) {
	for _, name := range sortedKeys(d.raw) {
		switch {
		case slices.Contains(readOnly, name):
			d.errs = append(d.errs, FieldError{Pointer: d.at + "/" + escapePointer(name), Code: FieldReadOnly})
		case !slices.Contains(allowed, name):
			d.errs = append(d.errs, FieldError{Pointer: d.at + "/" + escapePointer(name), Code: FieldUnknown})
		}
	}
}

// Field decodes a member into dst (left alone when absent or null); want names the
// expected type in the error.
func (d *ObjectDecoder) Field(name string, dst any, want string) {
	if !d.Has(name) {
		return
	}
	if err := json.Unmarshal(d.raw[name], dst); err != nil {
		d.errs = append(d.errs, FieldError{Pointer: d.at + "/" + escapePointer(name), Code: FieldInvalidType, Param: want})
	}
}

// Err is the validation error of everything recorded, or nil.
func (d *ObjectDecoder) Err() error { return Invalid(d.errs) }

// DecodeFields reads a JSON object into Fields and reports every problem at once: a member
// that is unknown, read-only or of the wrong type each gets its own field error. Nothing is
// validated beyond types here; see Fields.Normalize.
func DecodeFields(body []byte) (Fields, error) {
	var f Fields
	d, err := NewObjectDecoder(body)
	if err != nil {
		return f, err
	}
	d.Field("first_name", &f.FirstName, "string")
	d.Field("last_name", &f.LastName, "string")
	d.Field("company_name", &f.CompanyName, "string")
	d.Field("code", &f.Code, "string")
	d.Field("email", &f.Email, "string")
	d.Field("phones", &f.Phones, "array of strings")
	d.Field("notes", &f.Notes, "string")
	d.Field("locale", &f.Locale, "string")
	d.Field("tags", &f.Tags, "array of strings")
	d.Field("social_links", &f.SocialLinks, "object of strings")
	d.Object("address", "object", func(ad *ObjectDecoder) {
		a := &Address{}
		ad.Members(addressMembers, nil)
		for i, dst := range []*string{&a.Line1, &a.Line2, &a.PostalCode, &a.City, &a.Region, &a.Country} {
			ad.Field(addressMembers[i], dst, "string")
		}
		f.Address = a
	})
	if d.Has("custom_fields") {
		cf, cerrs := decodeCustomFields(d.raw["custom_fields"])
		f.CustomFields, d.errs = cf, append(d.errs, cerrs...)
	}
	d.Members(writable, readOnly)
	return f, d.Err()
}

// addressMembers are in the order of Address's fields.
var addressMembers = []string{"line1", "line2", "postal_code", "city", "region", "country"}

var writable = []string{"first_name", "last_name", "company_name", "code", "email", "phones", "address",
	"notes", "locale", "tags", "social_links", "custom_fields"}

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
