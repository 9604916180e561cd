package api

import (
	"context"
	"net/http"
)

// getClient: GET /v1/clients/{id}. The client and the definitions come in one request.
func (a *API) getClient(ctx context.Context, r *request) (*response, error) {
	id, err := r.clientID()
	if err != nil {
		return nil, err
	}
	c, defs, err := a.Clients.GetClientWithDefinitions(ctx, r.who.Tenant, id)
	if err != nil {
		return nil, err
	}
	return jsonResponse(http.StatusOK, view(c, defs), map[string]string{"ETag": c.ETag()})
}
