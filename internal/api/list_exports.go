package api

import (
	"context"
	"net/http"
)

// listExports: GET /v1/exports, the tenant's recent jobs, newest first.
func (a *API) listExports(ctx context.Context, r *request) (*response, error) {
	q, err := r.query("limit")
	if err != nil {
		return nil, err
	}
	limit, err := intParam(q, "limit", 20, 1, 100)
	if err != nil {
		return nil, err
	}
	jobs, err := a.Exports.ListExports(ctx, r.who.Tenant, limit)
	if err != nil {
		return nil, err
	}
	items := make([]exportResponse, len(jobs))
	for i, j := range jobs {
		items[i] = exportResponse{ExportView: j.View()}
	}
	return jsonResponse(http.StatusOK, map[string]any{"items": items}, nil)
}
