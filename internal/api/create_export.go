package api

import (
	"context"
	"errors"
	"net/http"
	"slices"

	"github.com/clientdesk/clientdesk/internal/domain"
	"github.com/clientdesk/clientdesk/internal/routes"
	"github.com/clientdesk/clientdesk/internal/store"
)

// exportRequest is POST /v1/exports's body.
type exportRequest struct {
	Filters map[string]string
	Columns []string
	Locale  string
}

// createExport: POST /v1/exports {filters, columns, locale} → 202 with the queued job. The
// filters are the list's parameters, checked the same way; a tenant has at most a few
// exports unfinished (429 beyond). Idempotency-Key honoured.
func (a *API) createExport(ctx context.Context, r *request) (*response, error) {
	key, err := idempotencyKey(r)
	if err != nil {
		return nil, err
	}
	body, err := r.body("application/json")
	if err != nil {
		return nil, err
	}
	var in exportRequest
	d, err := domain.NewObjectDecoder(body)
	if err != nil {
		return nil, err
	}
	d.Members([]string{"filters", "columns", "locale"}, nil)
	d.Field("filters", &in.Filters, "object of strings")
	d.Field("columns", &in.Columns, "array of strings")
	d.Field("locale", &in.Locale, "string")
	if err := d.Err(); err != nil {
		return nil, err
	}
	var errs []domain.FieldError
	for name := range in.Filters {
		if !slices.Contains(store.ListParams, name) {
			errs = append(errs, domain.FieldError{Pointer: "/filters/" + name, Code: domain.FieldUnknown})
		}
	}
	if len(errs) == 0 {
		if _, err := store.ParseListParams(in.Filters); err != nil {
			var de *domain.Error
			if errors.As(err, &de) {
				errs = append(errs, domain.FieldError{Pointer: "/filters/" + de.Param, Code: domain.FieldInvalidValue, Param: de.Param})
			}
		}
	}
	if in.Locale == "" {
		in.Locale = r.lang
	}
	if !slices.Contains(domain.Locales, in.Locale) {
		errs = append(errs, domain.FieldError{Pointer: "/locale", Code: domain.FieldInvalidValue, Param: "fr, en"})
	}
	if len(in.Columns) > 0 {
		defs, _, err := a.Clients.GetDefinitions(ctx, r.who.Tenant)
		if err != nil {
			return nil, err
		}
		if _, bad := domain.ExportColumns(defs, in.Columns); bad != "" {
			errs = append(errs, domain.FieldError{Pointer: "/columns", Code: domain.FieldInvalidValue, Param: bad})
		}
	}
	if err := domain.Invalid(errs); err != nil {
		return nil, err
	}
	id, err := a.NewID()
	if err != nil {
		return nil, err
	}
	now := a.Now().UTC().Truncate(1e6)
	job := &domain.ExportJob{ID: id, Status: domain.ExportQueued, Filters: in.Filters, Columns: in.Columns, Locale: in.Locale,
		RequestedBy: r.who.Subject, RequesterEmail: r.who.Email, TenantName: r.who.TenantName, CreatedAt: now}
	out, err := jsonResponse(http.StatusAccepted, exportView(job), map[string]string{"Location": "/v1/exports/" + id})
	if err != nil {
		return nil, err
	}
	var idem *store.Idempotency
	if key != "" {
		idem = &store.Idempotency{Scope: routes.CreateExport, Key: key, RequestHash: requestHash(body),
			Status: out.status, Headers: out.headers, Body: string(out.body), ExpiresAt: now.Add(IdempotencyWindow).Unix()}
	}
	err = a.Clients.CreateExport(ctx, r.who.Tenant, job, a.MaxRunningExports, idem)
	switch {
	case errors.Is(err, store.ErrIdempotencyKeyUsed):
		return a.replay(ctx, r, idem)
	case errors.Is(err, store.ErrTooManyExports):
		return nil, &domain.Error{Code: domain.CodeTooManyExports}
	case err != nil:
		return nil, err
	}
	if err := a.Exports.SendExport(ctx, r.who.Tenant, id); err != nil {
		// The job stays queued; a retry of this request (same key) replays it, and the
		// operator's alarm on the API's 5xx tells of the queue's trouble.
		return nil, &domain.Error{Code: domain.CodeUnavailable}
	}
	return out, nil
}
