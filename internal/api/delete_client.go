package api

import (
	"context"
	"net/http"

	"github.com/clientdesk/clientdesk/internal/domain"
)

// deleteClient: DELETE /v1/clients/{id}; If-Match is honoured when sent.
func (a *API) deleteClient(ctx context.Context, r *request) (*response, error) {
	id, err := r.clientID()
	if err != nil {
		return nil, err
	}
	allowed, _, err := ifMatch(header(r.APIGatewayV2HTTPRequest, "If-Match"))
	if err != nil {
		return nil, err
	}
	// A bulk job or an import working on the client: not while it runs.
	if jobs, err := a.unfinishedJobs(ctx, r.who.Tenant, true); err != nil {
		return nil, err
	} else if len(jobs) > 0 {
		c, defs, err := a.Clients.GetClientWithDefinitions(ctx, r.who.Tenant, id)
		if err != nil {
			return nil, err
		}
		if job, err := a.jobOn(ctx, r.who.Tenant, c, defs, ""); err != nil {
			return nil, err
		} else if job != "" {
			return nil, &domain.Error{Code: domain.CodeClientInJob, Param: job}
		}
	}
	// The deletion's event names no personal value: it outlives the client, as the client's
	// other events do once reduced (see the store).
	ev, err := a.newEvent(ctx, r, id, domain.ActionDeleted, a.Now())
	if err != nil {
		return nil, err
	}
	ev.Redacted = true
	pending, err := a.Clients.DeleteClient(ctx, r.who.Tenant, id, allowed, ev, a.InlineRedaction)
	if err != nil {
		return nil, err
	}
	if pending > 0 {
		if err := a.Tasks.SendRedaction(ctx, r.who.Tenant, id); err != nil {
			// The client is deleted; its events wait for an erasure of the same id to be
			// reduced. The operator's alarm on the API's 5xx tells of the queue's trouble.
			return nil, &domain.Error{Code: domain.CodeUnavailable}
		}
	}
	return &response{status: http.StatusNoContent}, nil
}
