package api

import (
	"context"
	"net/http"

	"github.com/clientdesk/clientdesk/internal/domain"
)

// exportResponse is a job as staff see it, with a download link once it is ready.
type exportResponse struct {
	domain.ExportView
	DownloadURL string `json:"download_url,omitempty"`
}

// getExport: GET /v1/exports/{id}; a ready job carries a presigned link valid 15 minutes,
// minted at each request, so the file stays downloadable for its 7 days.
func (a *API) getExport(ctx context.Context, r *request) (*response, error) {
	id, err := r.uuidParam("id")
	if err != nil {
		return nil, err
	}
	job, err := a.Exports.GetExport(ctx, r.who.Tenant, id)
	if err != nil {
		return nil, err
	}
	out := exportResponse{ExportView: job.View()}
	if job.Status == domain.ExportReady {
		if out.DownloadURL, err = a.Downloads.DownloadURL(ctx, job.ObjectKey, job.FileName); err != nil {
			return nil, err
		}
	}
	return jsonResponse(http.StatusOK, out, nil)
}
