package api

import (
	"context"
	"errors"
	"net/http"

	"github.com/clientdesk/clientdesk/internal/domain"
	"github.com/clientdesk/clientdesk/internal/store"
)

// acceptInvitation: POST /v1/invitations/{token}/accept {password} (public). The password is
// checked, hashed with argon2id, and stored in the same transaction that consumes the link and
// makes the client active; of two concurrent accepts, exactly one wins. The tenant comes from
// the invitation, never from the request.
func (a *API) acceptInvitation(ctx context.Context, r *request) (*response, error) {
	body, err := r.body("application/json")
	if err != nil {
		return nil, err
	}
	in, err := decodeMembers(body, "password")
	if err != nil {
		return nil, err
	}
	inv, c, defs, err := a.pendingInvitation(ctx, r)
	if err != nil {
		return nil, err
	}
	if err := domain.Invalid(domain.CheckPassword(in["password"], c.Email)); err != nil {
		return nil, err
	}
	phc, err := a.HashPassword(in["password"])
	if err != nil {
		return nil, err
	}
	now := a.Now()
	next := domain.Accept(c, now)
	// The client acts here, under the invitation's tenant (the request carries no token).
	r.who.Tenant = inv.Tenant
	ev, err := a.accessEvent(ctx, r, domain.ActionInvitationAccepted, c, next, now, map[string]string{"ip": r.RequestContext.HTTP.SourceIP})
	if err != nil {
		return nil, err
	}
	ev.Actor = domain.Actor{Kind: domain.ActorClient, ID: c.ID}
	err = a.Access.ChangeAccess(ctx, inv.Tenant, c, next, defs, store.Transition{
		Delete: inv.TokenHash, Consume: true,
		Credential: &store.Credential{PasswordHash: phc, SetAt: now.UTC()},
		Event:      ev,
	})
	if errors.Is(err, store.ErrInvitationGone) || errors.Is(err, domain.ErrPreconditionFailed) {
		return nil, &domain.Error{Code: domain.CodeInvitationNotFound}
	}
	if err != nil {
		return nil, err
	}
	return jsonResponse(http.StatusOK, map[string]any{"status": next.Status, "username": c.Email, "tenant_name": inv.TenantName}, nil)
}
