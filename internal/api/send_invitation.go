package api

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/clientdesk/clientdesk/internal/domain"
	"github.com/clientdesk/clientdesk/internal/retry"
	"github.com/clientdesk/clientdesk/internal/routes"
	"github.com/clientdesk/clientdesk/internal/store"
)

// claimWindow is how long an Idempotency-Key stays claimed while its e-mail is under way.
const claimWindow = 2 * time.Minute

// sendInvitation: POST /v1/clients/{id}/invitation {message, locale}. The order of the steps
// is what makes it safe:
//  1. the new link, the e-mail's count against the client's and the tenant's limits (429
//     beyond either) and, with an Idempotency-Key, a claim on the key are written first, so
//     the link works as soon as the mail arrives, concurrent sends never pass a limit, and a
//     retry cannot send a second mail meanwhile;
//  2. the mail is sent through SES; if SES refuses, the link and the claim are removed, the
//     client is unchanged, and the answer is 503;
//  3. the client becomes invited, the previous link is removed, the event and the response
//     are recorded, in one transaction.
func (a *API) sendInvitation(ctx context.Context, r *request) (*response, error) {
	id, err := r.clientID()
	if err != nil {
		return nil, err
	}
	body, err := r.bodyOptional("application/json")
	if err != nil {
		return nil, err
	}
	key, err := a.idempotencyOf(r, routes.SendInvitation, []byte(id), body)
	if err != nil {
		return nil, err
	}
	in, err := decodeMembers(body, "message", "locale")
	if err != nil {
		return nil, err
	}
	if prev, found, err := key.previous(ctx); found || err != nil {
		return prev, err
	}
	var c *domain.Client
	var defs domain.Definitions
	var inv *store.Invitation
	var m domain.RenderedMail
	var hash, locale string
	var expires time.Time
	claim := key.claim(claimWindow)
	now := a.Now()
	// 1. Read the client and its invitation count; a concurrent invitation to the same client
	// counted first means reading again, so that no limit is ever passed.
	err = retry.OnConflict(ctx, 2*domain.MaxInvitationsPerClient+2, func(int) error {
		var quota store.InvitationQuota
		var err error
		if c, defs, quota, err = a.Access.GetClientForInvitation(ctx, r.who.Tenant, id); err != nil {
			return err
		}
		var token string
		if token, hash, err = domain.NewToken(); err != nil {
			return err
		}
		planned, err := domain.Invite(c, hash, now)
		if err != nil {
			return err
		}
		var message string
		message, locale, err = invitationOptions(in, c, func(p string) error {
			return domain.Invalid([]domain.FieldError{{Pointer: "/" + p, Code: domain.FieldInvalidValue, Param: map[string]string{"message": "plain text, 2000 characters at most", "locale": "fr, en"}[p]}})
		})
		if err != nil {
			return err
		}
		sent, err := domain.AdmitInvitation(quota.Sent, now)
		if err != nil {
			return err
		}
		expires = planned.Access.InvitationExpiresAt.Time
		inv = &store.Invitation{TokenHash: hash, Tenant: r.who.Tenant, TenantName: r.who.TenantName, ClientID: id,
			Kind: "invitation", CreatedBy: r.who.Subject, CreatedAt: now.UTC(), ExpiresAt: expires.Unix()}
		if m, err = a.invitationMail(r, c, a.setupURL(token), message, locale, expires); err != nil {
			return err
		}
		err = a.Access.PrepareInvitation(ctx, inv, claim, store.QuotaUse{
			Client: store.InvitationQuota{Sent: sent, Version: quota.Version}, Hour: now, HourlyCap: a.InvitationsPerHour})
		if errors.Is(err, store.ErrQuotaMoved) {
			return retry.Conflict(&domain.Error{Code: domain.CodeUnavailable})
		}
		return err
	})
	if err != nil {
		// Another attempt of this request may have come first: its record answers.
		return key.failed(ctx, err)
	}
	// 2.
	messageID, err := a.Mail.Send(ctx, c.Email, m)
	if err != nil {
		r.log.ErrorContext(ctx, "invitation not sent", "client", id, "error", err.Error())
		if cleanup := a.Access.AbandonInvitation(ctx, inv, claim); cleanup != nil {
			r.log.ErrorContext(ctx, "prepared invitation left behind", "client", id, "error", cleanup.Error())
		}
		return nil, &domain.Error{Code: domain.CodeMailFailed}
	}
	// 3.
	var out *response
	// The client read before sending carries the write; only a concurrent edit costs a re-read.
	_, _, err = a.changeAccess(ctx, r.who.Tenant, id, &readClient{client: c, defs: defs}, func(cur *domain.Client) (*domain.Client, store.Transition, error) {
		next, err := domain.Invite(cur, hash, now)
		if err != nil {
			return nil, store.Transition{}, err
		}
		out, err = clientResponse(http.StatusOK, next, nil, map[string]any{"sent_to": c.Email, "locale": locale, "expires_at": domain.At(expires)})
		if err != nil {
			return nil, store.Transition{}, err
		}
		action := domain.ActionInvited
		if cur.Status == domain.StatusInvited {
			action = domain.ActionInvitationResent
		}
		ev, err := a.accessEvent(ctx, r, action, cur, next, now, map[string]string{"to": c.Email, "locale": locale, "message_id": messageID})
		if err != nil {
			return nil, store.Transition{}, err
		}
		t := store.Transition{Event: ev}
		if cur.Access.PendingToken != "" && cur.Access.PendingToken != hash {
			t.Delete = cur.Access.PendingToken
		}
		t.Idem = key.settle(out)
		return next, t, nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
