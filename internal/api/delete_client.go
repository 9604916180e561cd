package api

import (
	"context"
	"net/http"
)

// deleteClient: DELETE /v1/clients/{id}; If-Match is honoured when sent.
func (a *API) deleteClient(ctx context.Context, r *request) (*response, error) {
	id, err := r.clientID()
	if err != nil {
		return nil, err
	}
	allowed, _, err := ifMatch(header(r.APIGatewayV2HTTPRequest, "If-Match"))
	if err != nil {
		return nil, err
	}
	if err := a.Clients.DeleteClient(ctx, r.who.Tenant, id, allowed); err != nil {
		return nil, err
	}
	return &response{status: http.StatusNoContent}, nil
}
