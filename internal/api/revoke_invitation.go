package api

import (
	"context"
	"net/http"

	"github.com/clientdesk/clientdesk/internal/domain"
	"github.com/clientdesk/clientdesk/internal/store"
)

// revokeInvitation: DELETE /v1/clients/{id}/invitation, the pending link stops working.
func (a *API) revokeInvitation(ctx context.Context, r *request) (*response, error) {
	id, err := r.clientID()
	if err != nil {
		return nil, err
	}
	now := a.Now()
	next, defs, err := a.changeAccess(ctx, r.who.Tenant, id, nil, func(c *domain.Client) (*domain.Client, store.Transition, error) {
		next, err := domain.Revoke(c, now)
		if err != nil {
			return nil, store.Transition{}, err
		}
		ev, err := a.accessEvent(ctx, r, domain.ActionInvitationRevoked, c, next, now, nil)
		if err != nil {
			return nil, store.Transition{}, err
		}
		return next, store.Transition{Delete: c.Access.PendingToken, Event: ev}, nil
	})
	if err != nil {
		return nil, err
	}
	return clientResponse(http.StatusOK, next, defs, nil)
}
