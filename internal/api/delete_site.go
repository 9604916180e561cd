package api

import (
	"context"
	"net/http"

	"github.com/clientdesk/clientdesk/internal/domain"
)

// deleteSite: DELETE /v1/sites/{id}; If-Match is honoured when sent. The site is first marked
// as being deleted (no client can be given it any more), then every client loses it, each in
// its own transaction with its event, then the site goes. Up to
// API.InlineUnassignments clients (config.InlineSiteUnassignments), within the request (204); beyond, on the worker
// (202, the site showing its progress until it is gone). Asked again, a deletion goes on from
// where it stopped.
func (a *API) deleteSite(ctx context.Context, r *request) (*response, error) {
	id, err := r.siteID()
	if err != nil {
		return nil, err
	}
	allowed, _, err := ifMatch(header(r.APIGatewayV2HTTPRequest, "If-Match"))
	if err != nil {
		return nil, err
	}
	site, err := a.Sites.StartSiteDeletion(ctx, r.who.Tenant, id, allowed, domain.At(a.Now()))
	if err != nil {
		return nil, err
	}
	if site.ClientsCount <= a.InlineUnassignments {
		if err := a.CleanUpSite(ctx, r.who.Tenant, id, r.RequestContext.RequestID); err != nil {
			return nil, err
		}
		return &response{status: http.StatusNoContent}, nil
	}
	if err := a.Tasks.SendSiteCleanup(ctx, r.who.Tenant, id, r.RequestContext.RequestID); err != nil {
		return nil, &domain.Error{Code: domain.CodeUnavailable}
	}
	return jsonResponse(http.StatusAccepted, viewSite(site), map[string]string{"Location": "/v1/sites/" + id})
}
