package api

import (
	"context"

	"github.com/clientdesk/clientdesk/internal/domain"
)

// reactivateClient: POST /v1/clients/{id}/reactivate; back to active, or to invited if the
// client never accepted.
func (a *API) reactivateClient(ctx context.Context, r *request) (*response, error) {
	return a.simpleAccessChange(ctx, r, domain.ActionReactivated, domain.Reactivate)
}
