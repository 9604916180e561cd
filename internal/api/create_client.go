package api

import (
	"context"
	"errors"
	"maps"
	"net/http"

	"github.com/clientdesk/clientdesk/internal/domain"
	"github.com/clientdesk/clientdesk/internal/retry"
	"github.com/clientdesk/clientdesk/internal/routes"
	"github.com/clientdesk/clientdesk/internal/store"
)

// createClient: POST /v1/clients. With an Idempotency-Key, the client and the record of the
// response are written in one transaction, so a retry can only ever replay, never duplicate.
func (a *API) createClient(ctx context.Context, r *request) (*response, error) {
	body, err := r.body("application/json")
	if err != nil {
		return nil, err
	}
	key, err := a.idempotencyOf(r, routes.CreateClient, body)
	if err != nil {
		return nil, err
	}
	fields, err := domain.DecodeFields(body)
	if err != nil {
		return nil, err
	}
	return key.createOnce(ctx, func(record func(*response) *store.Idempotency) (*response, error) {
		var out *response
		// Validate against the definitions as this process knows them; the store checks, in
		// the same transaction, that they have not changed. If they have, read them and go
		// again.
		err := retry.OnConflict(ctx, 3, func(attempt int) error {
			defs, version, err := a.cachedDefinitions(ctx, r.who.Tenant, attempt > 0)
			if err != nil {
				return err
			}
			f := fields
			f.CustomFields = maps.Clone(fields.CustomFields)
			if err := domain.Invalid(f.Normalize(domain.Rules{DefaultLocale: r.lang, ParsePhone: a.Phones, Fields: defs})); err != nil {
				return err
			}
			id, err := a.NewID()
			if err != nil {
				return err
			}
			now := a.Now()
			c := domain.NewClient(id, f, now)
			out, err = jsonResponse(http.StatusCreated, c, map[string]string{"Location": "/v1/clients/" + c.ID, "ETag": c.ETag()})
			if err != nil {
				return err
			}
			ev, err := a.changeEvent(ctx, r, domain.ActionCreated, nil, c, now)
			if err != nil {
				return err
			}
			err = a.Clients.CreateClient(ctx, r.who.Tenant, c, defs, version, record(out), ev)
			if errors.Is(err, store.ErrDefinitionsChanged) {
				return retry.Conflict(&domain.Error{Code: domain.CodeUnavailable})
			}
			return err
		})
		return out, err
	})
}
