package api

import (
	"context"
	"net/http"

	"github.com/clientdesk/clientdesk/internal/domain"
)

// updateSite: PATCH /v1/sites/{id}, a JSON Merge Patch; If-Match required. A site being
// deleted can no longer change (409 site_deleting).
func (a *API) updateSite(ctx context.Context, r *request) (*response, error) {
	id, err := r.siteID()
	if err != nil {
		return nil, err
	}
	allowed, patch, err := r.mergePatch()
	if err != nil {
		return nil, err
	}
	cur, err := a.Sites.GetSite(ctx, r.who.Tenant, id)
	if err != nil {
		return nil, err
	}
	if !allowed(cur.Version) {
		return nil, domain.ErrPreconditionFailed
	}
	if cur.Status == domain.SiteDeleting {
		return nil, domain.ErrSiteDeleting
	}
	next, err := domain.PatchSite(cur, patch, a.Now())
	if err != nil {
		return nil, err
	}
	same := *next
	same.UpdatedAt, same.Version = cur.UpdatedAt, cur.Version
	if same == *cur {
		return jsonResponse(http.StatusOK, viewSite(cur), map[string]string{"ETag": cur.ETag()})
	}
	if err := a.Sites.UpdateSite(ctx, r.who.Tenant, cur, next); err != nil {
		return nil, err
	}
	return jsonResponse(http.StatusOK, viewSite(next), map[string]string{"ETag": next.ETag()})
}
