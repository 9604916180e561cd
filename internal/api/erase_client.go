package api

import (
	"context"
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
	ev, err := a.newEvent(ctx, r, id, domain.ActionErased, now)
	if err != nil {
		return nil, err
	}
	ev.Redacted = true
	pending, err := a.Timeline.EraseClient(ctx, r.who.Tenant, id, ev, a.InlineRedaction)
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
