package api

import (
	"context"
	"errors"
	"net/http"

	"github.com/clientdesk/clientdesk/internal/domain"
)

// listSiteClients: GET /v1/sites/{id}/clients, the site's assignments by client (oldest
// client first), one Query a page. The clients themselves: GET /v1/clients?site={id}.
func (a *API) listSiteClients(ctx context.Context, r *request) (*response, error) {
	id, err := r.siteID()
	if err != nil {
		return nil, err
	}
	limit, cursor, err := r.page()
	if err != nil {
		return nil, err
	}
	page, err := a.Sites.SiteClients(ctx, r.who.Tenant, id, limit, cursor)
	if errors.Is(err, domain.ErrInvalidCursor) {
		return nil, domain.Errorf(domain.CodeInvalidCursor, "cursor")
	}
	if err != nil {
		return nil, err
	}
	return jsonResponse(http.StatusOK, viewAssignments(page), nil)
}
