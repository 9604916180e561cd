package api

import (
	"context"
	"net/http"

	"github.com/clientdesk/clientdesk/internal/domain"
)

// listPermissions: GET /v1/permissions, the catalogue of what a client may be allowed on a
// site, each with its labels in French and English and what it requires.
func (a *API) listPermissions(_ context.Context, _ *request) (*response, error) {
	return jsonResponse(http.StatusOK, map[string]any{"items": domain.SitePermissions}, map[string]string{"Cache-Control": "max-age=3600"})
}
