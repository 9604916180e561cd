package api

import (
	"context"
	"errors"
	"net/http"

	"github.com/clientdesk/clientdesk/internal/domain"
)

// eraseClient: POST /v1/clients/{id}/erase {confirm: the client's id} (admins), GDPR article
// 17: the record and everything in its collection are deleted and its events reduced to what
// is not personal, leaving one "erased" event that names who erased it. It finishes an erasure
// or a deletion that was interrupted (the client already gone, events left to reduce).
func (a *API) eraseClient(ctx context.Context, r *request) (*response, error) {
	id, err := r.clientID()
	if err != nil {
		return nil, err
	}
	body, err := r.body("application/json")
	if err != nil {
		return nil, err
	}
	in, err := decodeMembers(body, "confirm")
	if err != nil {
		return nil, err
	}
	if in["confirm"] != id {
		return nil, domain.Invalid([]domain.FieldError{{Pointer: "/confirm", Code: domain.FieldInvalidValue, Param: "the client's id"}})
	}
	now := a.Now()
	pending, err := a.eraseWithSites(ctx, r, id)
	if err != nil {
		return nil, err
	}
	out := map[string]any{"client_id": id, "erased_at": domain.At(now)}
	if pending == 0 {
		return jsonResponse(http.StatusOK, out, nil)
	}
	// A long history: the worker reduces it, from the queue (a redelivery does nothing twice).
	if err := a.Tasks.SendRedaction(ctx, r.who.Tenant, id); err != nil {
		return nil, &domain.Error{Code: domain.CodeUnavailable}
	}
	out["events_pending"] = pending
	return jsonResponse(http.StatusAccepted, out, nil)
}

// eraseWithSites takes the client's sites away first (each with its event, reduced with the
// others), then erases it; a site given meanwhile is taken away in another round.
func (a *API) eraseWithSites(ctx context.Context, r *request, id string) (int, error) {
	actor := domain.Actor{Kind: domain.ActorStaff, ID: r.who.Subject, Name: r.who.Email}
	for round := 0; ; round++ {
		c, err := a.Clients.GetClient(ctx, r.who.Tenant, id)
		if err != nil && !errors.Is(err, domain.ErrClientNotFound) {
			return 0, err
		}
		for _, siteID := range siteIDsOf(c) {
			_, err := a.unassign(ctx, r.who.Tenant, actor, r.RequestContext.RequestID, "", id, siteID, nil)
			if err != nil && !errors.Is(err, domain.ErrAssignmentNotFound) {
				return 0, err
			}
		}
		// The erasure's event comes after those of the sites taken away.
		ev, err := a.newEvent(ctx, r, id, domain.ActionErased, a.Now())
		if err != nil {
			return 0, err
		}
		ev.Redacted = true
		pending, err := a.Timeline.EraseClient(ctx, r.who.Tenant, id, ev, a.InlineRedaction)
		if domain.CodeOf(err) == domain.CodeClientHasSites && round < 3 {
			continue
		}
		return pending, err
	}
}

func siteIDsOf(c *domain.Client) []string {
	if c == nil {
		return nil
	}
	return c.SiteIDs
}
