package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"

	"github.com/clientdesk/clientdesk/internal/domain"
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
	q, err := r.query(slices.Concat(domain.FilterMembers, []string{domain.FilterFields, "limit", "cursor"})...)
	if err != nil {
		return nil, err
	}
	f, err := parseClientFilter(q, r.who.Subject)
	if err != nil {
		return nil, err
	}
	lq := store.ListQuery{Filter: f, Cursor: q["cursor"]}
	lq.Limit, err = intParam(q, "limit", DefaultLimit, 1, MaxLimit)
	if err != nil {
		return nil, err
	}
	page, err := a.Clients.ListClients(ctx, r.who.Tenant, lq)
	if errors.Is(err, domain.ErrInvalidCursor) {
		return nil, domain.Errorf(domain.CodeInvalidCursor, "cursor")
	}
	if err != nil {
		return nil, err
	}
	out := listResponse{Items: make([]json.RawMessage, 0, len(page.Items))}
	for _, c := range page.Items {
		item, err := project(view(c, page.Definitions), f.Fields)
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
