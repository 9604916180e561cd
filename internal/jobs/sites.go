package jobs

import (
	"context"

	"github.com/clientdesk/clientdesk/internal/domain"
)

// SiteCleaner finishes a site's deletion (package api): every client unassigned, each with
// its event, then the site removed.
type SiteCleaner interface {
	CleanUpSite(ctx context.Context, tenant, siteID string, actor domain.Actor, requestID, jobID string, progress func(done int) error) error
}

// SiteCleanup runs site clean-up jobs. A run again after a crash goes on from where the last
// one stopped: the clients unassigned are no longer the site's.
type SiteCleanup struct {
	Sites SiteCleaner
}

// Run unassigns the site's clients page by page, reporting progress after each.
func (c *SiteCleanup) Run(ctx context.Context, run *Run) error {
	job := run.Job
	before := job.Progress.Done // what earlier runs reported
	err := c.Sites.CleanUpSite(ctx, run.Tenant, job.SiteID, job.Requester(), "", job.ID, func(done int) error {
		return run.Progress(ctx, domain.JobProgress{Done: min(before+int64(done), job.Progress.Total), Total: job.Progress.Total})
	})
	if err == nil {
		job.Progress.Done = job.Progress.Total
	}
	return err
}
