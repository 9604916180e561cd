package api

import (
	"context"
	"errors"
	"net/http"
	"slices"

	"github.com/clientdesk/clientdesk/internal/domain"
	"github.com/clientdesk/clientdesk/internal/store"
)

// The one job model (domain.Job) seen whole: every kind of job of the tenant, one job with
// its progress and its file's link, and the cancellation of one.

type jobPage struct {
	Items      []domain.JobView `json:"items"`
	NextCursor *string          `json:"next_cursor"`
}

// listJobs: GET /v1/jobs?kind=…, the tenant's jobs, newest first, cursor pages.
func (a *API) listJobs(ctx context.Context, r *request) (*response, error) {
	q, err := r.query("kind", "limit", "cursor")
	if err != nil {
		return nil, err
	}
	jq := store.JobQuery{Kind: domain.JobKind(q["kind"]), Cursor: q["cursor"]}
	if _, ok := q["kind"]; ok && !slices.Contains(domain.JobKinds, jq.Kind) {
		return nil, domain.Errorf(domain.CodeInvalidParameter, "kind")
	}
	if jq.Limit, err = intParam(q, "limit", DefaultLimit, 1, MaxLimit); err != nil {
		return nil, err
	}
	page, err := a.Jobs.ListJobs(ctx, r.who.Tenant, jq)
	if errors.Is(err, domain.ErrInvalidCursor) {
		return nil, domain.Errorf(domain.CodeInvalidCursor, "cursor")
	}
	if err != nil {
		return nil, err
	}
	out := jobPage{Items: make([]domain.JobView, 0, len(page.Items))}
	for _, j := range page.Items {
		out.Items = append(out.Items, j.View())
	}
	if page.NextCursor != "" {
		out.NextCursor = &page.NextCursor
	}
	return jsonResponse(http.StatusOK, out, nil)
}

// getJob: GET /v1/jobs/{id}; a done job's file carries a link valid 15 minutes.
func (a *API) getJob(ctx context.Context, r *request) (*response, error) {
	id, err := r.uuidParam("id")
	if err != nil {
		return nil, err
	}
	job, err := a.Jobs.GetJob(ctx, r.who.Tenant, id)
	if err != nil {
		return nil, err
	}
	v := job.View()
	if v.File != nil {
		if v.File.DownloadURL, err = a.fileLink(ctx, job); err != nil {
			return nil, err
		}
	}
	return jsonResponse(http.StatusOK, v, nil)
}

// cancelJob: POST /v1/jobs/{id}/cancel. A queued job never runs; a running one stops at its
// next page, what it did left consistent (each client's change is whole or not made); 202
// until it has stopped. A site's clean-up cannot be cancelled: the site is going either way.
func (a *API) cancelJob(ctx context.Context, r *request) (*response, error) {
	id, err := r.uuidParam("id")
	if err != nil {
		return nil, err
	}
	job, err := a.Jobs.GetJob(ctx, r.who.Tenant, id)
	if err != nil {
		return nil, err
	}
	if job.Kind == domain.JobSiteCleanup {
		return nil, &domain.Error{Code: domain.CodeJobNotCancellable}
	}
	job, err = a.Jobs.CancelJob(ctx, r.who.Tenant, id, a.Now())
	if errors.Is(err, store.ErrJobFinished) {
		return nil, &domain.Error{Code: domain.CodeJobFinished}
	}
	if err != nil {
		return nil, err
	}
	if job.Status == domain.JobCancelled {
		// Cancelled before any run: no run will tell its import (if it has one), this does.
		if err := a.Imports.StopImport(ctx, r.who.Tenant, job, domain.ImportCancelled); err != nil {
			return nil, err
		}
	}
	status := http.StatusOK
	if !job.Status.Final() {
		status = http.StatusAccepted
	}
	return jsonResponse(status, job.View(), nil)
}
