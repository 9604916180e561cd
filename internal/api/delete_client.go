package api

import (
	"context"
	"net/http"

	"github.com/clientdesk/clientdesk/internal/domain"
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
	// The deletion's event names no personal value: it outlives the client, as the client's
	// other events do once reduced (see the store).
	ev, err := a.newEvent(ctx, r, id, domain.ActionDeleted, a.Now())
	if err != nil {
		return nil, err
	}
	ev.Redacted = true
	if err := a.Clients.DeleteClient(ctx, r.who.Tenant, id, allowed, ev); err != nil {
		return nil, err
	}
	return &response{status: http.StatusNoContent}, nil
}
