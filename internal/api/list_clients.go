package api

import (
	"context"
	"net/http"

	"github.com/clientdesk/clientdesk/internal/domain"
	"github.com/clientdesk/clientdesk/internal/store"
)

// List page sizes.
const (
	DefaultLimit = 25
	MaxLimit     = 100
)

type listResponse struct {
	Items      []*domain.Client `json:"items"`
	NextCursor *string          `json:"next_cursor"`
}

// listClients: GET /v1/clients, newest first, one DynamoDB Query per page.
func (a *API) listClients(ctx context.Context, r *request) (*response, error) {
	q, err := r.query("limit", "cursor")
	if err != nil {
		return nil, err
	}
	limit, err := intParam(q, "limit", DefaultLimit, 1, MaxLimit)
	if err != nil {
		return nil, err
	}
	page, err := a.Clients.ListClients(ctx, r.who.Tenant, store.ListQuery{Limit: limit, Cursor: q["cursor"]})
	if err != nil {
		return nil, err
	}
	out := listResponse{Items: page.Items}
	if page.NextCursor != "" {
		out.NextCursor = &page.NextCursor
	}
	return jsonResponse(http.StatusOK, out, nil)
}
