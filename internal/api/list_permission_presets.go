package api

import (
	"context"
	"net/http"
)

// listPermissionPresets: GET /v1/permission-presets, the tenant's presets.
func (a *API) listPermissionPresets(ctx context.Context, r *request) (*response, error) {
	presets, _, err := a.Sites.GetPresets(ctx, r.who.Tenant)
	if err != nil {
		return nil, err
	}
	return jsonResponse(http.StatusOK, map[string]any{"items": presets}, nil)
}
