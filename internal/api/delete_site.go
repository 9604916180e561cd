package api

import (
	"context"
	"errors"
	"net/http"

	"github.com/clientdesk/clientdesk/internal/domain"
	"github.com/clientdesk/clientdesk/internal/store"
)

// deleteSite: DELETE /v1/sites/{id}; If-Match is honoured when sent. The site is first marked
// as being deleted (no client can be given it any more), then every client loses it, each in
// its own transaction with its event, then the site goes. Up to API.InlineUnassignments
// clients (config.InlineSiteUnassignments), within the request (204); beyond, by a job on the
// worker (202, Location: the job; the site shows its progress until it is gone). Asked again,
// a deletion goes on from where it stopped, under the same job while it runs.
func (a *API) deleteSite(ctx context.Context, r *request) (*response, error) {
	id, err := r.siteID()
	if err != nil {
		return nil, err
	}
	allowed, _, err := ifMatch(header(r.APIGatewayV2HTTPRequest, "If-Match"))
	if err != nil {
		return nil, err
	}
	site, err := a.Sites.StartSiteDeletion(ctx, r.who.Tenant, id, allowed, domain.At(a.Now()))
	if err != nil {
		return nil, err
	}
	actor := domain.Actor{Kind: domain.ActorStaff, ID: r.who.Subject, Name: r.who.Email}
	if site.ClientsCount <= a.InlineUnassignments {
		if err := a.CleanUpSite(ctx, r.who.Tenant, id, actor, r.RequestContext.RequestID, "", nil); err != nil {
			return nil, err
		}
		return &response{status: http.StatusNoContent}, nil
	}
	jobID, err := a.siteCleanupJob(ctx, r, site)
	if err != nil {
		return nil, err
	}
	site.Deletion.JobID = jobID
	return jsonResponse(http.StatusAccepted, viewSite(site), map[string]string{"Location": "/v1/jobs/" + jobID})
}

// siteCleanupJob is the job that finishes a site's deletion: the one already under way, or a
// new one (the previous one ended without finishing: failed after its attempts).
func (a *API) siteCleanupJob(ctx context.Context, r *request, site *domain.Site) (string, error) {
	if prev := site.Deletion.JobID; prev != "" {
		job, err := a.Jobs.GetJob(ctx, r.who.Tenant, prev)
		if err != nil && !errors.Is(err, domain.ErrJobNotFound) {
			return "", err
		}
		if err == nil && !job.Status.Final() {
			if job.Status == domain.JobQueued {
				// Its message may never have been sent: sending it again is harmless (a run
				// claims the job; a second message finds it running or done).
				if err := a.Queue.SendJob(ctx, r.who.Tenant, prev); err != nil {
					return "", &domain.Error{Code: domain.CodeUnavailable}
				}
			}
			return prev, nil
		}
	}
	id, err := a.NewID()
	if err != nil {
		return "", err
	}
	job := &domain.Job{ID: id, Kind: domain.JobSiteCleanup, Status: domain.JobQueued, Locale: r.lang, RequestedBy: r.who.Subject,
		CreatedAt: domain.At(a.Now()), Progress: domain.JobProgress{Total: int64(site.ClientsCount)}, SiteID: site.ID,
		RequesterEmail: r.who.Email, TenantName: r.who.TenantName}
	err = a.Jobs.CreateJob(ctx, r.who.Tenant, job, a.MaxRunningJobs, nil)
	if errors.Is(err, store.ErrTooManyJobs) {
		return "", &domain.Error{Code: domain.CodeTooManyJobs}
	}
	if err != nil {
		return "", err
	}
	if err := a.Sites.SetSiteDeletionJob(ctx, r.who.Tenant, site.ID, id); err != nil {
		return "", err
	}
	if err := a.Queue.SendJob(ctx, r.who.Tenant, id); err != nil {
		return "", &domain.Error{Code: domain.CodeUnavailable}
	}
	return id, nil
}
