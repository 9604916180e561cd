package api

import (
	"context"
	"net/http"
)

// getSite: GET /v1/sites/{id}, with its ETag; a site being deleted shows its progress.
func (a *API) getSite(ctx context.Context, r *request) (*response, error) {
	id, err := r.siteID()
	if err != nil {
		return nil, err
	}
	site, err := a.Sites.GetSite(ctx, r.who.Tenant, id)
	if err != nil {
		return nil, err
	}
	return jsonResponse(http.StatusOK, viewSite(site), map[string]string{"ETag": site.ETag()})
}
