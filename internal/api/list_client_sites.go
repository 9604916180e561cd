package api

import (
	"context"
	"errors"
	"net/http"

	"github.com/clientdesk/clientdesk/internal/domain"
)

// listClientSites: GET /v1/clients/{id}/sites, the client's assignments by site id, one
// Query a page.
func (a *API) listClientSites(ctx context.Context, r *request) (*response, error) {
	id, err := r.clientID()
	if err != nil {
		return nil, err
	}
	limit, cursor, err := r.page()
	if err != nil {
		return nil, err
	}
	page, err := a.Sites.ClientSites(ctx, r.who.Tenant, id, limit, cursor)
	if errors.Is(err, domain.ErrInvalidCursor) {
		return nil, domain.Errorf(domain.CodeInvalidCursor, "cursor")
	}
	if err != nil {
		return nil, err
	}
	return jsonResponse(http.StatusOK, viewAssignments(page), nil)
}
