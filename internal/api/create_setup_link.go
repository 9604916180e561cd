package api

import (
	"context"
	"net/http"

	"github.com/clientdesk/clientdesk/internal/domain"
	"github.com/clientdesk/clientdesk/internal/store"
)

// createSetupLink: POST /v1/clients/{id}/setup-link, a link staff share themselves. A new link
// replaces the pending one; the token is shown once and stored only as a hash (so this POST
// takes no Idempotency-Key: a retry simply issues a fresh link, the latest one wins).
func (a *API) createSetupLink(ctx context.Context, r *request) (*response, error) {
	id, err := r.clientID()
	if err != nil {
		return nil, err
	}
	token, hash, err := domain.NewToken()
	if err != nil {
		return nil, err
	}
	now := a.Now()
	next, defs, err := a.changeAccess(ctx, r.who.Tenant, id, nil, func(c *domain.Client) (*domain.Client, store.Transition, error) {
		next, err := domain.Invite(c, hash, now)
		if err != nil {
			return nil, store.Transition{}, err
		}
		ev, err := a.accessEvent(ctx, r, domain.ActionSetupLinkCreated, c, next, now, nil)
		if err != nil {
			return nil, store.Transition{}, err
		}
		return next, store.Transition{
			Put: &store.Invitation{TokenHash: hash, Tenant: r.who.Tenant, TenantName: r.who.TenantName, ClientID: id,
				Kind: "setup_link", CreatedBy: r.who.Subject, CreatedAt: now.UTC(), ExpiresAt: next.Access.InvitationExpiresAt.Unix()},
			Delete: c.Access.PendingToken,
			Event:  ev,
		}, nil
	})
	if err != nil {
		return nil, err
	}
	return clientResponse(http.StatusCreated, next, defs, map[string]any{"url": a.setupURL(token), "expires_at": next.Access.InvitationExpiresAt})
}
