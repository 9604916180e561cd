package api

import (
	"encoding/json"

	"github.com/clientdesk/clientdesk/internal/domain"
)

// view is a client as a reader sees it (domain.Definitions.View).
func view(c *domain.Client, defs domain.Definitions) *domain.Client { return defs.View(c) }

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
