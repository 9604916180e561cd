package api

import (
	"context"
	"net/http"

	"github.com/clientdesk/clientdesk/internal/domain"
)

// unassignSite: DELETE /v1/clients/{id}/sites/{site_id}; If-Match is honoured when sent. The
// answer tells the client's status after; when its last site goes while its access is
// active, a warning advises suspending it (its access no longer opens anything).
func (a *API) unassignSite(ctx context.Context, r *request) (*response, error) {
	clientID, err := r.clientID()
	if err != nil {
		return nil, err
	}
	siteID, err := r.uuidParam("site_id")
	if err != nil {
		return nil, err
	}
	allowed, _, err := ifMatch(header(r.APIGatewayV2HTTPRequest, "If-Match"))
	if err != nil {
		return nil, err
	}
	actor := domain.Actor{Kind: domain.ActorStaff, ID: r.who.Subject, Name: r.who.Email}
	out, err := a.unassign(ctx, r.who.Tenant, actor, r.RequestContext.RequestID, "", clientID, siteID, allowed)
	if err != nil {
		return nil, err
	}
	if out.Warning != nil {
		out.Warning.Detail = noticeTexts[out.Warning.Code].in(r.lang)
	}
	return jsonResponse(http.StatusOK, out, nil)
}
