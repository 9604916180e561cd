package api

import (
	"context"
	"net/http"

	"github.com/clientdesk/clientdesk/internal/domain"
)

// exportResponse is an export job as staff see it, with a download link once it is ready.
type exportResponse struct {
	domain.ExportView
	DownloadURL string `json:"download_url,omitempty"`
}

// getExport: GET /v1/exports/{id}, a view on the export jobs of /v1/jobs; a ready job carries
// a presigned link valid 15 minutes, minted at each request, so the file stays downloadable
// for its 7 days.
func (a *API) getExport(ctx context.Context, r *request) (*response, error) {
	id, err := r.uuidParam("id")
	if err != nil {
		return nil, err
	}
	job, err := a.Jobs.GetJob(ctx, r.who.Tenant, id)
	if domain.CodeOf(err) == domain.CodeJobNotFound || err == nil && job.Kind != domain.JobExport {
		return nil, &domain.Error{Code: domain.CodeExportNotFound}
	}
	if err != nil {
		return nil, err
	}
	out := exportResponse{ExportView: job.ExportView()}
	if out.DownloadURL, err = a.fileLink(ctx, job); err != nil {
		return nil, err
	}
	return jsonResponse(http.StatusOK, out, nil)
}

// fileLink signs a link to a finished job's file ("" when it has none).
func (a *API) fileLink(ctx context.Context, job *domain.Job) (string, error) {
	if job.Status != domain.JobDone || job.File == nil {
		return "", nil
	}
	return a.Downloads.DownloadURL(ctx, job.File.ObjectKey, job.File.Name)
}
