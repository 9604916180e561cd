package domain

import (
	"errors"
	"fmt"
	"time"
)

// Code is a stable, machine-readable error code. Clients switch on it; it never changes
// once published. The API layer maps each code to an HTTP status and a localized text.
type Code string

// Problem codes shared by every operation.
const (
	CodeValidation          Code = "validation_failed"
	CodeMalformedJSON       Code = "malformed_json"
	CodeBodyTooLarge        Code = "body_too_large"
	CodeUnsupportedMedia    Code = "unsupported_media_type"
	CodeInvalidParameter    Code = "invalid_parameter"
	CodeInvalidCursor       Code = "invalid_cursor"
	CodeInvalidID           Code = "invalid_id"
	CodeClientNotFound      Code = "client_not_found"
	CodeFieldNotFound       Code = "field_not_found"
	CodeFieldExists         Code = "field_exists"
	CodeEmailTaken          Code = "email_taken"
	CodeCodeTaken           Code = "code_taken"
	CodePreconditionNeeded  Code = "precondition_required"
	CodePreconditionFailed  Code = "precondition_failed"
	CodeIdempotencyReuse    Code = "idempotency_key_reused"
	CodeIdempotencyInvalid  Code = "idempotency_key_invalid"
	CodeIdempotencyInFlight Code = "idempotency_key_in_flight"
	CodeUnauthenticated     Code = "unauthenticated"
	CodeForbidden           Code = "forbidden"
	CodeRouteNotFound       Code = "route_not_found"
	CodeInternal            Code = "internal_error"
	CodeUnavailable         Code = "service_unavailable"
)

// Field error codes: what is wrong with one value.
const (
	FieldRequired       Code = "required"
	FieldNameRequired   Code = "name_required"
	FieldTooLong        Code = "too_long"
	FieldTooMany        Code = "too_many"
	FieldUnknown        Code = "unknown_field"
	FieldReadOnly       Code = "read_only"
	FieldImmutable      Code = "immutable"
	FieldInvalidType    Code = "invalid_type"
	FieldInvalidEmail   Code = "invalid_email"
	FieldInvalidPhone   Code = "invalid_phone"
	FieldPhoneRegion    Code = "phone_region_unknown"
	FieldInvalidCountry Code = "invalid_country"
	FieldInvalidURL     Code = "invalid_url"
	FieldInvalidKey     Code = "invalid_key"
	FieldInvalidValue   Code = "invalid_value"
	FieldControlChars   Code = "control_characters"
	FieldInvisibleChars Code = "invisible_characters"
	FieldDuplicate      Code = "duplicate"
	FieldOutOfRange     Code = "out_of_range"
	FieldTooLarge       Code = "too_large"
	// FieldColumnsUnknown: an import's columns are set before a check has read its headers.
	FieldColumnsUnknown Code = "columns_unknown"
	// FieldNamesTwice: an import maps a name column and first or last name columns.
	FieldNamesTwice Code = "names_twice"
)

// FieldError locates one problem in a request body with a JSON Pointer (RFC 6901).
// Param carries the one value the message needs (a limit, the allowed values).
type FieldError struct {
	Pointer string
	Code    Code
	Param   string
}

// Error is the one error type that crosses from the domain and the store to the API layer.
// Anything else reaching the API layer is an internal fault.
type Error struct {
	Code   Code
	Fields []FieldError
	// Param names the offending query parameter or header, when there is one.
	Param string
	// RetryAfter says when a refused request may succeed (a limit), when it is known.
	RetryAfter time.Duration
}

func (e *Error) Error() string {
	if e.Param != "" {
		return fmt.Sprintf("%s (%s)", e.Code, e.Param)
	}
	if len(e.Fields) > 0 {
		return fmt.Sprintf("%s: %d field error(s), first %s at %q", e.Code, len(e.Fields), e.Fields[0].Code, e.Fields[0].Pointer)
	}
	return string(e.Code)
}

// Errorf builds a coded error about a named parameter.
func Errorf(code Code, param string) *Error { return &Error{Code: code, Param: param} }

// Invalid wraps field errors into a validation error, or returns nil when there are none.
func Invalid(fields []FieldError) error {
	if len(fields) == 0 {
		return nil
	}
	return &Error{Code: CodeValidation, Fields: fields}
}

// CodeOf returns the code of a domain error, or CodeInternal for anything else.
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// Sentinel errors, comparable with errors.Is through their code.
var (
	ErrClientNotFound     = &Error{Code: CodeClientNotFound}
	ErrInvitationNotFound = &Error{Code: CodeInvitationNotFound}
	ErrExportNotFound     = &Error{Code: CodeExportNotFound}
	ErrEmailTaken         = &Error{Code: CodeEmailTaken}
	ErrCodeTaken          = &Error{Code: CodeCodeTaken}
	ErrPreconditionFailed = &Error{Code: CodePreconditionFailed}
)

// Is makes errors.Is match any *Error with the same code and no details.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code && len(t.Fields) == 0 && t.Param == ""
}
