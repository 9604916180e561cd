package api

import (
	"context"
	"net/http"
)

// getClient: GET /v1/clients/{id}.
func (a *API) getClient(ctx context.Context, r *request) (*response, error) {
	id, err := r.clientID()
	if err != nil {
		return nil, err
	}
	c, err := a.Clients.GetClient(ctx, r.who.Tenant, id)
	if err != nil {
		return nil, err
	}
	return jsonResponse(http.StatusOK, c, map[string]string{"ETag": c.ETag()})
}
