package api

import (
	"context"
	"net/http"

	"github.com/clientdesk/clientdesk/internal/domain"
)

// getSettings: GET /v1/settings, the tenant's settings (the defaults until changed).
func (a *API) getSettings(ctx context.Context, r *request) (*response, error) {
	st, err := a.Settings.GetSettings(ctx, r.who.Tenant)
	if err != nil {
		return nil, err
	}
	return jsonResponse(http.StatusOK, st, map[string]string{"ETag": st.ETag()})
}

// updateSettings: PATCH /v1/settings (admins), a merge patch under If-Match. A new retention
// applies to the events written from then on (within a few minutes, as each function's cache
// of the settings renews).
func (a *API) updateSettings(ctx context.Context, r *request) (*response, error) {
	allowed, patch, err := r.mergePatch()
	if err != nil {
		return nil, err
	}
	cur, err := a.Settings.GetSettings(ctx, r.who.Tenant)
	if err != nil {
		return nil, err
	}
	if !allowed(cur.Version) {
		return nil, domain.ErrPreconditionFailed
	}
	next, err := domain.PatchSettings(cur, patch, a.Now())
	if err != nil {
		return nil, err
	}
	if err := a.Settings.PutSettings(ctx, r.who.Tenant, next, cur.Version); err != nil {
		return nil, err
	}
	a.rememberSettings(ctx, r.who.Tenant, next)
	return jsonResponse(http.StatusOK, next, map[string]string{"ETag": next.ETag()})
}
