package api

import (
	"context"
	"net/http"
)

// getClientField: GET /v1/client-fields/{key}.
func (a *API) getClientField(ctx context.Context, r *request) (*response, error) {
	defs, _, err := a.Fields.GetDefinitions(ctx, r.who.Tenant)
	if err != nil {
		return nil, err
	}
	i, err := findField(defs, r.fieldKey())
	if err != nil {
		return nil, err
	}
	return jsonResponse(http.StatusOK, defs[i], map[string]string{"ETag": defs[i].ETag()})
}
