package api

import (
	"context"
	"net/http"

	"github.com/clientdesk/clientdesk/internal/domain"
	"github.com/clientdesk/clientdesk/internal/routes"
	"github.com/clientdesk/clientdesk/internal/store"
)

// createClientField: POST /v1/client-fields (admins). Idempotency-Key honoured.
func (a *API) createClientField(ctx context.Context, r *request) (*response, error) {
	body, err := r.body("application/json")
	if err != nil {
		return nil, err
	}
	key, err := a.idempotencyOf(r, routes.CreateField, body)
	if err != nil {
		return nil, err
	}
	return key.createOnce(ctx, func(record func(*response) *store.Idempotency) (*response, error) {
		var out *response
		err := a.changeDefinitions(ctx, r.who.Tenant, func(defs domain.Definitions) (domain.Definitions, *store.Idempotency, error) {
			d, err := domain.NewFieldDefinition(body, defs, a.Now())
			if err != nil {
				return nil, nil, err
			}
			if _, exists := defs.Get(d.Key); exists {
				return nil, nil, &domain.Error{Code: domain.CodeFieldExists}
			}
			out, err = jsonResponse(http.StatusCreated, d, map[string]string{"Location": "/v1/client-fields/" + d.Key, "ETag": d.ETag()})
			if err != nil {
				return nil, nil, err
			}
			return append(defs, *d), record(out), nil
		})
		return out, err
	})
}
