package api

import (
	"context"
	"net/http"
	"slices"

	"github.com/clientdesk/clientdesk/internal/domain"
	"github.com/clientdesk/clientdesk/internal/store"
)

// deleteClientField: DELETE /v1/client-fields/{key} (admins); If-Match honoured when sent.
// Clients keep their stored values out of sight until their next write drops them: no client
// becomes unreadable or unwritable, and no bulk rewrite is needed.
func (a *API) deleteClientField(ctx context.Context, r *request) (*response, error) {
	allowed, _, err := ifMatch(header(r.APIGatewayV2HTTPRequest, "If-Match"))
	if err != nil {
		return nil, err
	}
	err = a.changeDefinitions(ctx, r.who.Tenant, func(defs domain.Definitions) (domain.Definitions, *store.Idempotency, error) {
		i, err := findField(defs, r.fieldKey())
		if err != nil {
			return nil, nil, err
		}
		if allowed != nil && !allowed(defs[i].Version) {
			return nil, nil, domain.ErrPreconditionFailed
		}
		return slices.Delete(defs, i, i+1), nil, nil
	})
	if err != nil {
		return nil, err
	}
	return &response{status: http.StatusNoContent}, nil
}
