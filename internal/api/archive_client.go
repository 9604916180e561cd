package api

import (
	"context"
	"net/http"
	"time"

	"github.com/clientdesk/clientdesk/internal/domain"
	"github.com/clientdesk/clientdesk/internal/store"
)

// archiveClient: POST /v1/clients/{id}/archive; If-Match honoured. The client moves to the
// Archived tab (its counts with it, in the same transaction); its access does not change:
// the answer warns when it can still sign in or accept an invitation.
func (a *API) archiveClient(ctx context.Context, r *request) (*response, error) {
	return a.moveTab(ctx, r, domain.ActionArchived, domain.Archive)
}

// moveTab archives or unarchives a client, under If-Match when sent.
func (a *API) moveTab(ctx context.Context, r *request, action domain.Action, move func(*domain.Client, time.Time) (*domain.Client, error)) (*response, error) {
	id, err := r.clientID()
	if err != nil {
		return nil, err
	}
	allowed, _, err := ifMatch(header(r.APIGatewayV2HTTPRequest, "If-Match"))
	if err != nil {
		return nil, err
	}
	now := a.Now()
	next, defs, err := a.changeAccess(ctx, r.who.Tenant, id, nil, func(c *domain.Client) (*domain.Client, store.Transition, error) {
		if allowed != nil && !allowed(c.Version) {
			return nil, store.Transition{}, domain.ErrPreconditionFailed
		}
		next, err := move(c, now)
		if err != nil {
			return nil, store.Transition{}, err
		}
		ev, err := a.changeEvent(ctx, r, action, c, next, now)
		return next, store.Transition{Event: ev}, err
	})
	if err != nil {
		return nil, err
	}
	var extra map[string]any
	if next.Archived && next.KeepsAccess() {
		extra = map[string]any{"warning": domain.Notice{Code: domain.NoticeArchivedWithAccess, Detail: noticeTexts[domain.NoticeArchivedWithAccess].in(r.lang)}}
	}
	return clientResponse(http.StatusOK, next, defs, extra)
}
