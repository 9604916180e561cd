package api

import (
	"context"
	"net/http"

	"github.com/clientdesk/clientdesk/internal/domain"
	"github.com/clientdesk/clientdesk/internal/routes"
	"github.com/clientdesk/clientdesk/internal/store"
)

// createSite: POST /v1/sites. The alias, the domain and the external id are claimed in the
// site's own transaction (409 alias_taken, domain_taken, external_id_taken); an
// Idempotency-Key makes a retry replay the first answer.
func (a *API) createSite(ctx context.Context, r *request) (*response, error) {
	body, err := r.body("application/json")
	if err != nil {
		return nil, err
	}
	key, err := a.idempotencyOf(r, routes.CreateSite, body)
	if err != nil {
		return nil, err
	}
	id, err := a.NewID()
	if err != nil {
		return nil, err
	}
	site, err := domain.NewSite(id, body, a.Now())
	if err != nil {
		return nil, err
	}
	return key.createOnce(ctx, func(record func(*response) *store.Idempotency) (*response, error) {
		out, err := jsonResponse(http.StatusCreated, viewSite(site), map[string]string{"Location": "/v1/sites/" + site.ID, "ETag": site.ETag()})
		if err != nil {
			return nil, err
		}
		return out, a.Sites.CreateSite(ctx, r.who.Tenant, site, record(out))
	})
}
