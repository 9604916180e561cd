package api

import (
	"context"
	"net/http"
	"slices"

	"github.com/clientdesk/clientdesk/internal/domain"
)

// deletePermissionPreset: DELETE /v1/permission-presets/{key} (admins); If-Match honoured.
// The assignments made with it keep their permissions and still name it.
func (a *API) deletePermissionPreset(ctx context.Context, r *request) (*response, error) {
	allowed, _, err := ifMatch(header(r.APIGatewayV2HTTPRequest, "If-Match"))
	if err != nil {
		return nil, err
	}
	key := r.PathParameters["key"]
	err = a.changePresets(ctx, r.who.Tenant, func(presets domain.Presets) (domain.Presets, error) {
		i := slices.IndexFunc(presets, func(p domain.PermissionPreset) bool { return p.Key == key })
		if i < 0 {
			return nil, &domain.Error{Code: domain.CodePresetNotFound}
		}
		if allowed != nil && !allowed(presets[i].Version) {
			return nil, domain.ErrPreconditionFailed
		}
		return slices.Delete(presets, i, i+1), nil
	})
	if err != nil {
		return nil, err
	}
	return &response{status: http.StatusNoContent}, nil
}
