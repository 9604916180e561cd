package api

import (
	"encoding/json"
	"slices"
	"strings"

	"github.com/clientdesk/clientdesk/internal/domain"
)

// ClientMembers are the members of a client in responses, for the fields parameter.
var ClientMembers = []string{"id", "first_name", "last_name", "company_name", "code", "email", "phones", "address",
	"notes", "locale", "tags", "social_links", "custom_fields", "status", "archived", "invited_at", "created_at",
	"updated_at", "version"}

// view is a client as a reader sees it (domain.Definitions.View).
func view(c *domain.Client, defs domain.Definitions) *domain.Client { return defs.View(c) }

// parseFields reads the fields parameter: a comma-separated list of members; id is always
// returned. nil means every member.
func parseFields(q map[string]string) ([]string, error) {
	raw, ok := q["fields"]
	if !ok {
		return nil, nil
	}
	fields := []string{"id"}
	for _, f := range strings.Split(raw, ",") {
		f = strings.TrimSpace(f)
		if !slices.Contains(ClientMembers, f) {
			return nil, domain.Errorf(domain.CodeInvalidParameter, "fields")
		}
		if !slices.Contains(fields, f) {
			fields = append(fields, f)
		}
	}
	return fields, nil
}

// project keeps only the chosen members of a client's JSON.
func project(c *domain.Client, fields []string) (json.RawMessage, error) {
	b, err := json.Marshal(c)
	if err != nil || fields == nil {
		return b, err
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(b, &all); err != nil {
		return nil, err
	}
	out := make(map[string]json.RawMessage, len(fields))
	for _, f := range fields {
		if v, ok := all[f]; ok {
			out[f] = v
		}
	}
	return json.Marshal(out)
}
