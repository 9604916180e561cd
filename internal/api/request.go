package api

import (
	"encoding/base64"
	"encoding/json"
	"mime"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-lambda-go/events"
	"github.com/google/uuid"

	"github.com/clientdesk/clientdesk/internal/domain"
)

// MaxBodyBytes is the largest request body accepted.
const MaxBodyBytes = 64 << 10

// header returns a request header. API Gateway HTTP APIs lower-case header names; events
// written by hand may not, so the lookup ignores case either way.
func header(ev events.APIGatewayV2HTTPRequest, name string) string {
	if v, ok := ev.Headers[strings.ToLower(name)]; ok {
		return v
	}
	for k, v := range ev.Headers {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return ""
}

// negotiateLanguage picks fr or en from Accept-Language (RFC 9110 §12.5.4): the language
// range with the highest weight whose primary tag is fr or en (the first of equal weights);
// "*" or nothing readable means English. Ranges of other languages are passed over.
func negotiateLanguage(accept string) string {
	if len(accept) > 256 {
		accept = accept[:256]
	}
	best, bestQ := "en", 0.0
	for _, part := range strings.Split(accept, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		for _, p := range strings.Split(params, ";") {
			name, value, ok := strings.Cut(strings.TrimSpace(p), "=")
			if ok && strings.EqualFold(strings.TrimSpace(name), "q") {
				v, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
				if err != nil || v < 0 || v > 1 {
					v = 0
				}
				q = v
			}
		}
		primary, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(tag)), "-")
		if (primary == "fr" || primary == "en") && q > bestQ {
			best, bestQ = primary, q
		}
	}
	return best
}

// body returns the request body, decoded from base64 when API Gateway encoded it, after
// checking its media type against accepted and its size.
func (r *request) body(accepted ...string) ([]byte, error) {
	mt, _, err := mime.ParseMediaType(header(r.APIGatewayV2HTTPRequest, "Content-Type"))
	if err != nil || !slices.Contains(accepted, mt) {
		return nil, domain.Errorf(domain.CodeUnsupportedMedia, strings.Join(accepted, " or "))
	}
	raw := []byte(r.Body)
	if r.IsBase64Encoded {
		if base64.StdEncoding.DecodedLen(len(r.Body)) > MaxBodyBytes+3 {
			return nil, &domain.Error{Code: domain.CodeBodyTooLarge}
		}
		raw, err = base64.StdEncoding.DecodeString(r.Body)
		if err != nil {
			return nil, &domain.Error{Code: domain.CodeMalformedJSON}
		}
	}
	if len(raw) > MaxBodyBytes {
		return nil, &domain.Error{Code: domain.CodeBodyTooLarge}
	}
	return raw, nil
}

// bodyOptional is body for operations whose body may be left out entirely.
func (r *request) bodyOptional(accepted ...string) ([]byte, error) {
	if r.Body == "" {
		return nil, nil
	}
	return r.body(accepted...)
}

// uuidParam reads a path parameter that is a UUID in its canonical lower-case form (client
// and export ids).
func (r *request) uuidParam(name string) (string, error) {
	return parseUUID(r.PathParameters[name], name)
}

// parseUUID reads a UUID in its canonical lower-case form; a bad one is an invalid id
// naming name.
func parseUUID(raw, name string) (string, error) {
	id, err := uuid.Parse(raw)
	if err != nil || id.String() != strings.ToLower(raw) || len(raw) != 36 {
		return "", domain.Errorf(domain.CodeInvalidID, name)
	}
	return id.String(), nil
}

// clientID reads the {id} path parameter of the client routes.
func (r *request) clientID() (string, error) { return r.uuidParam("id") }

// query returns the query parameters after refusing any that the operation does not know, so
// that a misspelt parameter is an error rather than silently ignored.
func (r *request) query(known ...string) (map[string]string, error) {
	for name := range r.QueryStringParameters {
		if !slices.Contains(known, name) {
			return nil, domain.Errorf(domain.CodeInvalidParameter, name)
		}
	}
	return r.QueryStringParameters, nil
}

// page reads the parameters of a plain page: limit and cursor, nothing else.
func (r *request) page() (limit int, cursor string, err error) {
	q, err := r.query("limit", "cursor")
	if err != nil {
		return 0, "", err
	}
	limit, err = intParam(q, "limit", DefaultLimit, 1, MaxLimit)
	return limit, q["cursor"], err
}

// intParam parses an integer query parameter within [lo, hi], def when absent.
func intParam(q map[string]string, name string, def, lo, hi int) (int, error) {
	s, ok := q[name]
	if !ok {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		return 0, domain.Errorf(domain.CodeInvalidParameter, name)
	}
	return n, nil
}

// ifMatch parses an If-Match header into a test on a record's version. Weak entity tags
// never match (RFC 9110 §13.1.1 requires strong comparison). present is false when the header
// is absent.
func ifMatch(v string) (allowed func(int64) bool, present bool, err error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil, false, nil
	}
	if v == "*" {
		return func(int64) bool { return true }, true, nil
	}
	var versions []int64
	for _, tag := range strings.Split(v, ",") {
		tag = strings.TrimSpace(tag)
		if strings.HasPrefix(tag, "W/") {
			continue
		}
		inner, ok := strings.CutPrefix(tag, `"`)
		inner, ok2 := strings.CutSuffix(inner, `"`)
		if !ok || !ok2 {
			return nil, true, domain.Errorf(domain.CodeInvalidParameter, "If-Match")
		}
		if n, err := strconv.ParseInt(inner, 10, 64); err == nil {
			versions = append(versions, n)
		}
	}
	return func(version int64) bool {
		for _, n := range versions {
			if n == version {
				return true
			}
		}
		return false
	}, true, nil
}

// mergePatch reads what every PATCH needs: an If-Match (required, 428 without: a patch must
// not overwrite a change its sender never saw) and a JSON Merge Patch body.
func (r *request) mergePatch() (allowed func(int64) bool, patch []byte, err error) {
	allowed, present, err := ifMatch(header(r.APIGatewayV2HTTPRequest, "If-Match"))
	if err != nil {
		return nil, nil, err
	}
	if !present {
		return nil, nil, domain.Errorf(domain.CodePreconditionNeeded, "If-Match")
	}
	patch, err = r.body("application/merge-patch+json", "application/json")
	return allowed, patch, err
}

func jsonResponse(status int, v any, headers map[string]string) (*response, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return &response{status: status, body: b, headers: headers}, nil
}
