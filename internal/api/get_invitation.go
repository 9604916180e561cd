package api

import (
	"context"
	"net/http"

	"github.com/clientdesk/clientdesk/internal/domain"
	"github.com/clientdesk/clientdesk/internal/store"
)

// pendingInvitation finds what a link opens: its invitation and its client, whose pending
// link it must still be. An unknown, used, revoked, replaced or expired token, and a client
// suspended, archived or gone, all give the same 404: the answer tells a guesser nothing.
func (a *API) pendingInvitation(ctx context.Context, r *request) (*store.Invitation, *domain.Client, domain.Definitions, error) {
	notFound := domain.ErrInvitationNotFound
	hash, ok := domain.ParseToken(r.PathParameters["token"])
	if !ok {
		return nil, nil, nil, notFound
	}
	inv, err := a.Access.GetInvitation(ctx, hash)
	if err != nil {
		return nil, nil, nil, err
	}
	if inv.ExpiresAt <= a.Now().Unix() {
		return nil, nil, nil, notFound
	}
	c, defs, err := a.Clients.GetClientWithDefinitions(ctx, inv.Tenant, inv.ClientID)
	if domain.CodeOf(err) == domain.CodeClientNotFound {
		return nil, nil, nil, notFound
	}
	if err != nil {
		return nil, nil, nil, err
	}
	if c.Access.PendingToken != hash || c.Status != domain.StatusInvited || c.Archived {
		return nil, nil, nil, notFound
	}
	return inv, c, defs, nil
}

// getInvitation: GET /v1/invitations/{token} (public), what the setup page shows.
func (a *API) getInvitation(ctx context.Context, r *request) (*response, error) {
	inv, c, _, err := a.pendingInvitation(ctx, r)
	if err != nil {
		return nil, err
	}
	return jsonResponse(http.StatusOK, map[string]any{
		"tenant_name": inv.TenantName, "first_name": c.FirstName, "email": domain.MaskEmail(c.Email),
		"expires_at": c.Access.InvitationExpiresAt, "locale": c.Locale,
	}, nil)
}
