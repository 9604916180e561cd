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
	clientID, siteID, allowed, _, err := r.assignment()
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

// assignment reads what names one of a client's sites in a request: the client's id, the
// site's id, and the If-Match header (whether sent, and which versions it allows).
func (r *request) assignment() (clientID, siteID string, allowed func(int64) bool, present bool, err error) {
	if clientID, err = r.clientID(); err != nil {
		return "", "", nil, false, err
	}
	if siteID, err = r.uuidParam("site_id"); err != nil {
		return "", "", nil, false, err
	}
	allowed, present, err = ifMatch(header(r.APIGatewayV2HTTPRequest, "If-Match"))
	return clientID, siteID, allowed, present, err
}
