package domain

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// FieldType is the type of a custom field's values.
type FieldType string

const (
	TypeText    FieldType = "text"
	TypeNumber  FieldType = "number"
	TypeDate    FieldType = "date"
	TypeBoolean FieldType = "boolean"
	TypeSelect  FieldType = "select"
	TypeURL     FieldType = "url"
	TypeEmail   FieldType = "email"
	TypePhone   FieldType = "phone"
)

// FieldTypes lists the types.
var FieldTypes = []FieldType{TypeText, TypeNumber, TypeDate, TypeBoolean, TypeSelect, TypeURL, TypeEmail, TypePhone}

// Numbers a number field holds: what DynamoDB stores (38 significant digits, magnitudes from
// 1E-130 up to, not including, 1E+126); a float64 never has more than 17 significant digits.
const (
	NumberBound = 1e126
	MinNumber   = 1e-130
)

// NumberRange is how errors state the range.
const NumberRange = "±1E-130 … ±9.99E+125"

// Limits on definitions. MaxDefinitionsBytes bounds the whole set, which is one item.
const (
	MaxDefinitionsBytes = 256 << 10
	MaxFieldDefinitions = 100
	MaxLabelLen         = 100
	MaxDescriptionLen   = 500
	MaxOptions          = 100
	MaxOptionLen        = 100
	MaxPosition         = 10000
)

// Localized is a text in each language.
type Localized struct {
	FR string `json:"fr"`
	EN string `json:"en"`
}

// Pick is the text in locale ("fr", otherwise English), the other one when it is missing.
func (l Localized) Pick(locale string) string {
	if locale == "fr" && l.FR != "" || l.EN == "" {
		return l.FR
	}
	return l.EN
}

// FieldDefinition is a custom field of a tenant's clients (MainWP's "client fields", typed).
type FieldDefinition struct {
	Key         string    `json:"key"`
	Label       Localized `json:"label"`
	Description Localized `json:"description"`
	Type        FieldType `json:"type"`
	Options     []string  `json:"options,omitempty"`
	Required    bool      `json:"required"`
	Searchable  bool      `json:"searchable"`
	Position    int       `json:"position"`
	CreatedAt   Time      `json:"created_at"`
	UpdatedAt   Time      `json:"updated_at"`
	Version     int64     `json:"version"`
}

// ETag of this version of the definition.
func (d *FieldDefinition) ETag() string { return ETagOf(d.Version) }

// definitionInput is what a caller writes; pointers tell absent from zero.
type definitionInput struct {
	Key         *string    `json:"key"`
	Label       *Localized `json:"label"`
	Description *Localized `json:"description"`
	Type        *FieldType `json:"type"`
	Options     []string   `json:"options"`
	Required    *bool      `json:"required"`
	Searchable  *bool      `json:"searchable"`
	Position    *int       `json:"position"`
}

var definitionMembers = []string{"key", "label", "description", "type", "options", "required", "searchable", "position"}
var definitionReadOnly = []string{"created_at", "updated_at", "version"}

// NewFieldDefinition reads a definition to create; position defaults to after the others.
func NewFieldDefinition(body []byte, existing Definitions, now time.Time) (*FieldDefinition, error) {
	in, err := decodeDefinition(body)
	if err != nil {
		return nil, err
	}
	d := &FieldDefinition{Type: TypeText, Position: existing.nextPosition()}
	var errs []FieldError
	if in.Key == nil || *in.Key == "" {
		errs = append(errs, FieldError{Pointer: "/key", Code: FieldRequired})
	} else if !validKey(*in.Key) {
		errs = append(errs, FieldError{Pointer: "/key", Code: FieldInvalidKey})
	} else {
		d.Key = *in.Key
	}
	if in.Type == nil {
		errs = append(errs, FieldError{Pointer: "/type", Code: FieldRequired})
	}
	if in.Label == nil {
		errs = append(errs, FieldError{Pointer: "/label", Code: FieldRequired})
	}
	d.apply(in)
	errs = append(errs, d.validate()...)
	if err := Invalid(errs); err != nil {
		return nil, err
	}
	if len(existing) >= MaxFieldDefinitions {
		return nil, Invalid([]FieldError{{Pointer: "", Code: FieldTooMany, Param: strconv.Itoa(MaxFieldDefinitions)}})
	}
	d.CreatedAt, d.UpdatedAt, d.Version = At(now), At(now), 1
	return d, nil
}

// PatchFieldDefinition applies a merge patch to a definition. The key cannot change.
func PatchFieldDefinition(d *FieldDefinition, patch []byte, now time.Time) (*FieldDefinition, error) {
	in, err := decodeDefinition(patch)
	if err != nil {
		return nil, err
	}
	var errs []FieldError
	if in.Key != nil && *in.Key != d.Key {
		errs = append(errs, FieldError{Pointer: "/key", Code: FieldImmutable})
	}
	next := *d
	next.Options = slices.Clone(d.Options)
	if in.Label != nil {
		// Merge patch of the localized object: members given replace, others stay.
		var raw map[string]json.RawMessage
		_ = json.Unmarshal(patch, &raw)
		next.Label = mergeLocalized(d.Label, raw["label"])
		in.Label = nil
	}
	if in.Description != nil {
		var raw map[string]json.RawMessage
		_ = json.Unmarshal(patch, &raw)
		next.Description = mergeLocalized(d.Description, raw["description"])
		in.Description = nil
	}
	next.apply(in)
	errs = append(errs, next.validate()...)
	if err := Invalid(errs); err != nil {
		return nil, err
	}
	next.UpdatedAt = At(now)
	next.Version = d.Version + 1
	return &next, nil
}

func mergeLocalized(cur Localized, raw json.RawMessage) Localized {
	var m map[string]*string
	if json.Unmarshal(raw, &m) != nil {
		return cur
	}
	for lang, v := range m {
		val := ""
		if v != nil {
			val = *v
		}
		switch lang {
		case "fr":
			cur.FR = val
		case "en":
			cur.EN = val
		}
	}
	return cur
}

func decodeDefinition(body []byte) (*definitionInput, error) {
	d, err := NewObjectDecoder(body)
	if err != nil {
		return nil, err
	}
	d.Members(definitionMembers, definitionReadOnly)
	var in definitionInput
	d.Field("key", &in.Key, "string")
	d.Field("type", &in.Type, "string")
	d.Field("options", &in.Options, "array of strings")
	d.Field("required", &in.Required, "boolean")
	d.Field("searchable", &in.Searchable, "boolean")
	d.Field("position", &in.Position, "integer")
	localized := func(dst **Localized) func(*ObjectDecoder) {
		return func(ld *ObjectDecoder) {
			l := &Localized{}
			ld.Members([]string{"fr", "en"}, nil)
			ld.Field("fr", &l.FR, "string")
			ld.Field("en", &l.EN, "string")
			*dst = l
		}
	}
	d.Object("label", "object {fr, en}", localized(&in.Label))
	d.Object("description", "object {fr, en}", localized(&in.Description))
	if msg, ok := d.raw["options"]; ok && isNull(msg) {
		in.Options = []string{}
	}
	return &in, d.Err()
}

func (d *FieldDefinition) apply(in *definitionInput) {
	if in.Label != nil {
		d.Label = *in.Label
	}
	if in.Description != nil {
		d.Description = *in.Description
	}
	if in.Type != nil {
		d.Type = *in.Type
	}
	if in.Options != nil {
		d.Options = in.Options
	}
	if in.Required != nil {
		d.Required = *in.Required
	}
	if in.Searchable != nil {
		d.Searchable = *in.Searchable
	}
	if in.Position != nil {
		d.Position = *in.Position
	}
}

func (d *FieldDefinition) validate() []FieldError {
	var v validator
	d.Label.FR = v.line("/label/fr", d.Label.FR, MaxLabelLen)
	d.Label.EN = v.line("/label/en", d.Label.EN, MaxLabelLen)
	if d.Label.FR == "" && d.Label.EN == "" {
		v.add("/label", FieldRequired, "")
	}
	d.Description.FR = v.text("/description/fr", d.Description.FR, MaxDescriptionLen)
	d.Description.EN = v.text("/description/en", d.Description.EN, MaxDescriptionLen)
	if !slices.Contains(FieldTypes, d.Type) {
		names := make([]string, len(FieldTypes))
		for i, t := range FieldTypes {
			names[i] = string(t)
		}
		v.add("/type", FieldInvalidValue, strings.Join(names, ", "))
	}
	if d.Type == TypeSelect {
		switch {
		case len(d.Options) == 0:
			v.add("/options", FieldRequired, "")
		case len(d.Options) > MaxOptions:
			v.add("/options", FieldTooMany, strconv.Itoa(MaxOptions))
		default:
			seen := map[string]bool{}
			for i, o := range d.Options {
				p := fmt.Sprintf("/options/%d", i)
				d.Options[i] = v.line(p, o, MaxOptionLen)
				switch {
				case d.Options[i] == "":
					v.add(p, FieldRequired, "")
				case seen[d.Options[i]]:
					v.add(p, FieldDuplicate, "")
				}
				seen[d.Options[i]] = true
			}
		}
	} else if len(d.Options) > 0 {
		v.add("/options", FieldInvalidValue, "select only")
	}
	if d.Searchable && (d.Type == TypeNumber || d.Type == TypeDate || d.Type == TypeBoolean) {
		v.add("/searchable", FieldInvalidValue, "text, select, url, email, phone")
	}
	if d.Position < 0 || d.Position > MaxPosition {
		v.add("/position", FieldInvalidValue, "0.."+strconv.Itoa(MaxPosition))
	}
	return v.errs
}

// LabelIn returns the definition's label in lang, or in the other language if that one is empty.
func (d *FieldDefinition) LabelIn(lang string) string {
	if lang == "fr" && d.Label.FR != "" || d.Label.EN == "" {
		return d.Label.FR
	}
	return d.Label.EN
}

// Definitions are a tenant's custom field definitions, in display order.
type Definitions []FieldDefinition

// Sort puts definitions in display order: position, then key.
func (ds Definitions) Sort() {
	slices.SortFunc(ds, func(a, b FieldDefinition) int {
		if a.Position != b.Position {
			return a.Position - b.Position
		}
		return strings.Compare(a.Key, b.Key)
	})
}

// Get returns the definition of key.
func (ds Definitions) Get(key string) (*FieldDefinition, bool) {
	for i := range ds {
		if ds[i].Key == key {
			return &ds[i], true
		}
	}
	return nil, false
}

// Searchable reports whether a field's values are indexed for search.
func (ds Definitions) Searchable(key string) bool {
	d, ok := ds.Get(key)
	return ok && d.Searchable
}

func (ds Definitions) nextPosition() int {
	next := 0
	for _, d := range ds {
		next = max(next, d.Position+10)
	}
	return min(next, MaxPosition)
}

// Visible returns the values that have a definition and fit its type. A value whose
// definition was removed, or whose type changed under it, is hidden from reads, search and
// exports, and dropped at the client's next write: the contract's promise that removing a
// definition never makes a client unreadable or unwritable.
func (ds Definitions) Visible(values map[string]any) map[string]any {
	var out map[string]any
	for k, v := range values {
		d, ok := ds.Get(k)
		if !ok {
			continue
		}
		if _, code := d.check(v, nil); code != "" {
			continue
		}
		if out == nil {
			out = map[string]any{}
		}
		out[k] = v
	}
	return out
}

// View is c as staff and exports read it: the server's private access state left out, and
// only the custom values these definitions show.
func (ds Definitions) View(c *Client) *Client {
	v := ClientView(c)
	v.CustomFields = ds.Visible(c.CustomFields)
	return v
}

// Validate checks values against the definitions: unknown keys, wrong types and missing
// required values each get a field error. It returns the values in canonical form.
func (ds Definitions) Validate(values map[string]any, parsePhone PhoneParser) (map[string]any, []FieldError) {
	var errs []FieldError
	out := map[string]any{}
	for _, k := range sortedKeys(values) {
		pointer := "/custom_fields/" + escapePointer(k)
		d, ok := ds.Get(k)
		if !ok {
			errs = append(errs, FieldError{Pointer: pointer, Code: FieldUnknown})
			continue
		}
		v, code := d.check(values[k], parsePhone)
		if code != "" {
			param := string(d.Type)
			if code == FieldInvalidValue && d.Type == TypeSelect {
				param = strings.Join(d.Options, ", ")
			}
			if code == FieldTooLong {
				param = strconv.Itoa(MaxCustomValueLen)
			}
			if code == FieldOutOfRange {
				param = NumberRange
			}
			errs = append(errs, FieldError{Pointer: pointer, Code: code, Param: param})
			continue
		}
		out[k] = v
	}
	for _, d := range ds {
		if _, ok := out[d.Key]; d.Required && !ok && !hasPointer(errs, "/custom_fields/"+escapePointer(d.Key)) {
			errs = append(errs, FieldError{Pointer: "/custom_fields/" + escapePointer(d.Key), Code: FieldRequired})
		}
	}
	if len(out) == 0 {
		out = nil
	}
	return out, errs
}

// CheckSize refuses a set of definitions too large to keep (MaxDefinitionsBytes).
func (ds Definitions) CheckSize() error {
	b, err := json.Marshal(ds)
	if err != nil {
		return err
	}
	if len(b) > MaxDefinitionsBytes {
		return Invalid([]FieldError{{Pointer: "", Code: FieldTooLarge, Param: strconv.Itoa(MaxDefinitionsBytes>>10) + " KiB"}})
	}
	return nil
}

func hasPointer(errs []FieldError, pointer string) bool {
	return slices.ContainsFunc(errs, func(e FieldError) bool { return e.Pointer == pointer })
}

// check returns the canonical form of v for this field, or the code of what is wrong with it.
// parsePhone nil accepts any E.164-looking string (values already stored were parsed once).
func (d *FieldDefinition) check(v any, parsePhone PhoneParser) (any, Code) {
	s, isString := v.(string)
	if isString {
		s = strings.TrimSpace(s)
		if utf8.RuneCountInString(s) > MaxCustomValueLen {
			return nil, FieldTooLong
		}
	}
	switch d.Type {
	case TypeText:
		if isString {
			return s, ""
		}
	case TypeNumber:
		if f, ok := v.(float64); ok && !math.IsInf(f, 0) && !math.IsNaN(f) {
			if a := math.Abs(f); a >= NumberBound || a != 0 && a < MinNumber {
				return nil, FieldOutOfRange
			}
			return f, ""
		}
	case TypeBoolean:
		if b, ok := v.(bool); ok {
			return b, ""
		}
	case TypeDate:
		if isString {
			if t, err := time.Parse(time.DateOnly, s); err == nil && t.Format(time.DateOnly) == s {
				return s, ""
			}
			return nil, FieldInvalidValue
		}
	case TypeSelect:
		if isString {
			if slices.Contains(d.Options, s) {
				return s, ""
			}
			return nil, FieldInvalidValue
		}
	case TypeURL:
		if isString {
			if ValidURL(s) {
				return s, ""
			}
			return nil, FieldInvalidURL
		}
	case TypeEmail:
		if isString {
			if ValidEmail(s) {
				return s, ""
			}
			return nil, FieldInvalidEmail
		}
	case TypePhone:
		if isString {
			if parsePhone == nil {
				if strings.HasPrefix(s, "+") && len(PhoneForms(s)) > 0 {
					return s, ""
				}
				return nil, FieldInvalidPhone
			}
			e164, code := parsePhone(s, "")
			if code != "" {
				return nil, code
			}
			return e164, ""
		}
	}
	return nil, FieldInvalidType
}
