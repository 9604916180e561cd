package api

import (
	"context"
	"net/http"
	"reflect"

	"github.com/clientdesk/clientdesk/internal/domain"
)

// updateClient: PATCH /v1/clients/{id} with a JSON Merge Patch (RFC 7396). If-Match is
// required: without it a client could overwrite a change it never saw.
func (a *API) updateClient(ctx context.Context, r *request) (*response, error) {
	id, err := r.clientID()
	if err != nil {
		return nil, err
	}
	allowed, patch, err := r.mergePatch()
	if err != nil {
		return nil, err
	}
	current, defs, err := a.Clients.GetClientWithDefinitions(ctx, r.who.Tenant, id)
	if err != nil {
		return nil, err
	}
	if !allowed(current.Version) {
		return nil, domain.ErrPreconditionFailed
	}
	now := a.Now()
	next, err := domain.ApplyPatch(current, patch, now, domain.Rules{ParsePhone: a.Phones, Fields: defs})
	if err != nil {
		return nil, err
	}
	if reflect.DeepEqual(next.Fields, current.Fields) {
		// Nothing changes: no write, no new version.
		return jsonResponse(http.StatusOK, view(current, defs), map[string]string{"ETag": current.ETag()})
	}
	ev, err := a.changeEvent(ctx, r, domain.ActionUpdated, current, next, now)
	if err != nil {
		return nil, err
	}
	if err := a.Clients.UpdateClient(ctx, r.who.Tenant, current, next, defs, ev); err != nil {
		return nil, err
	}
	return jsonResponse(http.StatusOK, view(next, defs), map[string]string{"ETag": next.ETag()})
}
