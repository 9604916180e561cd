package api

import (
	"context"
	"net/http"

	"github.com/clientdesk/clientdesk/internal/domain"
)

// listClientFields: GET /v1/client-fields, in display order.
func (a *API) listClientFields(ctx context.Context, r *request) (*response, error) {
	if _, err := r.query(); err != nil {
		return nil, err
	}
	defs, _, err := a.Fields.GetDefinitions(ctx, r.who.Tenant)
	if err != nil {
		return nil, err
	}
	if defs == nil {
		defs = domain.Definitions{}
	}
	return jsonResponse(http.StatusOK, map[string]any{"items": defs}, nil)
}
