package api

import (
	"context"
	"net/http"

	"github.com/clientdesk/clientdesk/internal/domain"
	"github.com/clientdesk/clientdesk/internal/store"
)

// listExports: GET /v1/exports, the tenant's recent export jobs, newest first (the export
// jobs of /v1/jobs).
func (a *API) listExports(ctx context.Context, r *request) (*response, error) {
	q, err := r.query("limit")
	if err != nil {
		return nil, err
	}
	limit, err := intParam(q, "limit", 20, 1, 100)
	if err != nil {
		return nil, err
	}
	page, err := a.Jobs.ListJobs(ctx, r.who.Tenant, store.JobQuery{Kind: domain.JobExport, Limit: limit})
	if err != nil {
		return nil, err
	}
	items := make([]exportResponse, len(page.Items))
	for i, j := range page.Items {
		items[i] = exportResponse{ExportView: j.ExportView()}
	}
	return jsonResponse(http.StatusOK, map[string]any{"items": items}, nil)
}
