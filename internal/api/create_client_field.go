package api

import (
	"context"
	"errors"
	"net/http"

	"github.com/clientdesk/clientdesk/internal/domain"
	"github.com/clientdesk/clientdesk/internal/routes"
	"github.com/clientdesk/clientdesk/internal/store"
)

// createClientField: POST /v1/client-fields (admins). Idempotency-Key honoured.
func (a *API) createClientField(ctx context.Context, r *request) (*response, error) {
	key, err := idempotencyKey(r)
	if err != nil {
		return nil, err
	}
	body, err := r.body("application/json")
	if err != nil {
		return nil, err
	}
	var out *response
	err = a.changeDefinitions(ctx, r.who.Tenant, func(defs domain.Definitions) (domain.Definitions, *store.Idempotency, error) {
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
		var idem *store.Idempotency
		if key != "" {
			idem = &store.Idempotency{Scope: routes.CreateField, Key: key, RequestHash: requestHash(body),
				Status: out.status, Headers: out.headers, Body: string(out.body), ExpiresAt: a.Now().Add(IdempotencyWindow).Unix()}
		}
		return append(defs, *d), idem, nil
	})
	if key != "" && (errors.Is(err, store.ErrIdempotencyKeyUsed) || domain.CodeOf(err) == domain.CodeFieldExists) {
		// A retry of a create that went through finds its key used, or its field made.
		if prev, perr := a.Clients.GetIdempotency(ctx, r.who.Tenant, routes.CreateField, key); perr == nil && prev != nil {
			return replayRecord(prev, requestHash(body))
		}
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}
