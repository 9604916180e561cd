package api

import (
	"context"

	"github.com/clientdesk/clientdesk/internal/domain"
)

// unarchiveClient: POST /v1/clients/{id}/unarchive; If-Match honoured. The client comes back
// to the default tab, its counts with it.
func (a *API) unarchiveClient(ctx context.Context, r *request) (*response, error) {
	return a.moveTab(ctx, r, domain.ActionUnarchived, domain.Unarchive)
}
