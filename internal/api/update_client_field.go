package api

import (
	"context"
	"net/http"

	"github.com/clientdesk/clientdesk/internal/domain"
	"github.com/clientdesk/clientdesk/internal/store"
)

// updateClientField: PATCH /v1/client-fields/{key} (admins), a merge patch; If-Match required.
// Changing the type or the options does not touch stored values: a value that no longer fits
// is hidden and dropped at the client's next write (see domain.Definitions.Visible).
func (a *API) updateClientField(ctx context.Context, r *request) (*response, error) {
	allowed, patch, err := r.mergePatch()
	if err != nil {
		return nil, err
	}
	var updated *domain.FieldDefinition
	err = a.changeDefinitions(ctx, r.who.Tenant, func(defs domain.Definitions) (domain.Definitions, *store.Idempotency, error) {
		i, err := findField(defs, r.fieldKey())
		if err != nil {
			return nil, nil, err
		}
		if !allowed(defs[i].Version) {
			return nil, nil, domain.ErrPreconditionFailed
		}
		if updated, err = domain.PatchFieldDefinition(&defs[i], patch, a.Now()); err != nil {
			return nil, nil, err
		}
		defs[i] = *updated
		return defs, nil, nil
	})
	if err != nil {
		return nil, err
	}
	return jsonResponse(http.StatusOK, updated, map[string]string{"ETag": updated.ETag()})
}
