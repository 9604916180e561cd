package api

import (
	"context"
	"net/http"
)

// getClientStats: GET /v1/clients/stats, the counts of the list's tabs, in one request.
func (a *API) getClientStats(ctx context.Context, r *request) (*response, error) {
	if _, err := r.query(); err != nil {
		return nil, err
	}
	st, err := a.Clients.GetStats(ctx, r.who.Tenant)
	if err != nil {
		return nil, err
	}
	return jsonResponse(http.StatusOK, st, nil)
}
