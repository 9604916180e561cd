package api

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/clientdesk/clientdesk/internal/config"
	"github.com/clientdesk/clientdesk/internal/domain"
	"github.com/clientdesk/clientdesk/internal/routes"
	"github.com/clientdesk/clientdesk/internal/store"
)

// importRequest is POST /v1/imports's body.
type importRequest struct {
	FileName string
	Format   string
	Size     int64
}

// upload is how the import's file is sent: a PUT of exactly the file to url, with these
// headers, before expires_at. The file goes straight to S3, never through the API.
type upload struct {
	URL       string            `json:"url"`
	Method    string            `json:"method"`
	Headers   map[string]string `json:"headers"`
	ExpiresAt domain.Time       `json:"expires_at"`
}

// importResponse is an import as staff see it: with its upload while the file is awaited
// (or was found missing or unreadable: a new upload replaces it), the headers of the columns
// that no target reads, and the file of its failing rows as a download link.
type importResponse struct {
	domain.Import
	Upload     *upload     `json:"upload,omitempty"`
	Unmapped   []string    `json:"unmapped,omitempty"`
	FailedRows *failedRows `json:"errors_file,omitempty"`
}

// failedRows is the file of an import's failing rows, with an "error" column: a CSV in the
// import file's own separator, to fix in a spreadsheet and upload again.
type failedRows struct {
	Name        string `json:"name"`
	Bytes       int64  `json:"bytes"`
	Rows        int64  `json:"rows"`
	DownloadURL string `json:"download_url"`
}

// createImport: POST /v1/imports {file_name, format, size} → 201 with the import and its
// upload: a presigned PUT valid 15 minutes whose signature fixes the file's length (at most
// 100 MB) and type, under the import's own key. Idempotency-Key honoured.
func (a *API) createImport(ctx context.Context, r *request) (*response, error) {
	body, err := r.body("application/json")
	if err != nil {
		return nil, err
	}
	key, err := a.idempotencyOf(r, routes.CreateImport, body)
	if err != nil {
		return nil, err
	}
	var in importRequest
	d, err := domain.NewObjectDecoder(body)
	if err != nil {
		return nil, err
	}
	d.Members([]string{"file_name", "format", "size"}, []string{"id", "status", "version", "upload"})
	d.Field("file_name", &in.FileName, "string")
	d.Field("format", &in.Format, "string")
	d.Field("size", &in.Size, "integer")
	if err := d.Err(); err != nil {
		return nil, err
	}
	name, format, errs := domain.CheckImportFile(in.FileName, in.Format, in.Size)
	if !d.Has("size") {
		errs = slices.DeleteFunc(errs, func(e domain.FieldError) bool { return e.Pointer == "/size" })
		errs = append(errs, domain.FieldError{Pointer: "/size", Code: domain.FieldRequired})
	}
	if err := domain.Invalid(errs); err != nil {
		return nil, err
	}
	id, err := a.NewID()
	if err != nil {
		return nil, err
	}
	now := domain.At(a.Now())
	im := &domain.Import{ID: id, FileName: name, Format: format, Size: in.Size, Status: domain.ImportAwaitingFile, Version: 1,
		CreatedBy: r.who.Subject, CreatedAt: now, UpdatedAt: now}
	return key.createOnce(ctx, func(record func(*response) *store.Idempotency) (*response, error) {
		view, err := a.importView(ctx, r.who.Tenant, im)
		if err != nil {
			return nil, err
		}
		out, err := jsonResponse(http.StatusCreated, view, map[string]string{"Location": "/v1/imports/" + id})
		if err != nil {
			return nil, err
		}
		return out, a.Imports.CreateImport(ctx, r.who.Tenant, im, record(out))
	})
}

// getImport: GET /v1/imports/{id}; while its file is awaited, with an upload link signed at
// this request (the one the creation gave lasts 15 minutes).
func (a *API) getImport(ctx context.Context, r *request) (*response, error) {
	id, err := r.uuidParam("id")
	if err != nil {
		return nil, err
	}
	im, err := a.Imports.GetImport(ctx, r.who.Tenant, id)
	if err != nil {
		return nil, err
	}
	view, err := a.importView(ctx, r.who.Tenant, im)
	if err != nil {
		return nil, err
	}
	return jsonResponse(http.StatusOK, view, map[string]string{"ETag": domain.ETagOf(im.Version)})
}

// importView is an import with its upload while its file is awaited.
func (a *API) importView(ctx context.Context, tenant string, im *domain.Import) (importResponse, error) {
	out := importResponse{Import: *im}
	for _, c := range im.Columns {
		if c.Target == "" {
			out.Unmapped = append(out.Unmapped, c.Header)
		}
	}
	if f := im.ErrorsFile; f != nil && im.Status == domain.ImportChecked {
		link, err := a.Downloads.DownloadURL(ctx, f.ObjectKey, f.Name)
		if err != nil {
			return out, err
		}
		out.FailedRows = &failedRows{Name: f.Name, Bytes: f.Bytes, Rows: f.Rows, DownloadURL: link}
	}
	if im.Status != domain.ImportAwaitingFile && im.Status != domain.ImportUnreadable {
		return out, nil
	}
	link, err := a.Uploads.UploadURL(ctx, im.ObjectKey(tenant), im.ContentType(), im.Size)
	if err != nil {
		return out, err
	}
	out.Upload = &upload{URL: link, Method: http.MethodPut, ExpiresAt: domain.At(a.Now().Add(config.UploadValidity).Truncate(time.Second)),
		Headers: map[string]string{"Content-Type": im.ContentType(), "Content-Length": strconv.FormatInt(im.Size, 10)}}
	return out, nil
}
