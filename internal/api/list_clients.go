package api

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"

	"github.com/clientdesk/clientdesk/internal/store"
)

// List page sizes.
const (
	DefaultLimit = 25
	MaxLimit     = 100
)

type listResponse struct {
	Items      []json.RawMessage `json:"items"`
	NextCursor *string           `json:"next_cursor"`
}

// listClients: GET /v1/clients: search, filters, sort, choosable fields, cursor pages.
func (a *API) listClients(ctx context.Context, r *request) (*response, error) {
	q, err := r.query("q", "status", "archived", "tag", "created_after", "created_before", "sort", "fields", "limit", "cursor")
	if err != nil {
		return nil, err
	}
	lq, err := store.ParseListParams(q)
	if err != nil {
		return nil, err
	}
	lq.Limit, err = intParam(q, "limit", DefaultLimit, 1, MaxLimit)
	if err != nil {
		return nil, err
	}
	lq.Cursor = q["cursor"]
	fields, err := parseFields(q)
	if err != nil {
		return nil, err
	}
	lq.WithDefinitions = fields == nil || slices.Contains(fields, "custom_fields")
	page, err := a.Clients.ListClients(ctx, r.who.Tenant, lq)
	if err != nil {
		return nil, err
	}
	out := listResponse{Items: make([]json.RawMessage, 0, len(page.Items))}
	for _, c := range page.Items {
		item, err := project(view(c, page.Definitions), fields)
		if err != nil {
			return nil, err
		}
		out.Items = append(out.Items, item)
	}
	if page.NextCursor != "" {
		out.NextCursor = &page.NextCursor
	}
	return jsonResponse(http.StatusOK, out, nil)
}
