package api

import (
	"context"
	"net/http"
	"time"

	"github.com/clientdesk/clientdesk/internal/domain"
	"github.com/clientdesk/clientdesk/internal/store"
)

// suspendClient: POST /v1/clients/{id}/suspend; a suspended client can neither accept a link
// nor sign in.
func (a *API) suspendClient(ctx context.Context, r *request) (*response, error) {
	return a.simpleAccessChange(ctx, r, domain.ActionSuspended, domain.Suspend)
}

func (a *API) simpleAccessChange(ctx context.Context, r *request, action domain.Action,
	change func(*domain.Client, time.Time) (*domain.Client, error)) (*response, error) {
	id, err := r.clientID()
	if err != nil {
		return nil, err
	}
	now := a.Now()
	next, defs, err := a.changeAccess(ctx, r.who.Tenant, id, nil, func(c *domain.Client) (*domain.Client, store.Transition, error) {
		next, err := change(c, now)
		if err != nil {
			return nil, store.Transition{}, err
		}
		ev, err := a.accessEvent(ctx, r, action, c, next, now, nil)
		if err != nil {
			return nil, store.Transition{}, err
		}
		return next, store.Transition{Event: ev}, nil
	})
	if err != nil {
		return nil, err
	}
	return clientResponse(http.StatusOK, next, defs, nil)
}
