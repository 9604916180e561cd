package api

import (
	"context"
	"errors"
	"maps"
	"net/http"
	"slices"
	"strconv"

	"github.com/clientdesk/clientdesk/internal/domain"
	"github.com/clientdesk/clientdesk/internal/routes"
	"github.com/clientdesk/clientdesk/internal/store"
)

// exportRequest is POST /v1/exports's body.
type exportRequest struct {
	Filters   map[string]any
	Columns   []string
	Locale    string
	Format    string
	Separator string
}

// createExport: POST /v1/exports {filters, columns, locale, format, separator} → 202 with the
// queued job: a zipped CSV in the locale's dialect (separator ";" in French, "," otherwise,
// unless the request chooses) or an XLSX workbook. The
// filters are the list's parameters, read into the same filter the list uses; a tenant has
// at most a few exports unfinished (429 beyond). Idempotency-Key honoured.
func (a *API) createExport(ctx context.Context, r *request) (*response, error) {
	body, err := r.body("application/json")
	if err != nil {
		return nil, err
	}
	key, err := a.idempotencyOf(r, routes.CreateExport, body)
	if err != nil {
		return nil, err
	}
	var in exportRequest
	d, err := domain.NewObjectDecoder(body)
	if err != nil {
		return nil, err
	}
	d.Members([]string{"filters", "columns", "locale", "format", "separator"}, nil)
	d.Field("filters", &in.Filters, "object")
	d.Field("columns", &in.Columns, "array of strings")
	d.Field("locale", &in.Locale, "string")
	d.Field("format", &in.Format, "string")
	d.Field("separator", &in.Separator, "string")
	if err := d.Err(); err != nil {
		return nil, err
	}
	filter, errs := filterFromBody(in.Filters, "/filters", r.who.Subject)
	if in.Locale == "" {
		in.Locale = r.lang
	}
	if !slices.Contains(domain.Locales, in.Locale) {
		errs = append(errs, domain.FieldError{Pointer: "/locale", Code: domain.FieldInvalidValue, Param: "fr, en"})
	}
	format, separator, ferrs := exportDialect(in.Format, in.Separator, in.Locale)
	errs = append(errs, ferrs...)
	if len(in.Columns) > 0 {
		defs, _, err := a.Fields.GetDefinitions(ctx, r.who.Tenant)
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
	job := &domain.Job{ID: id, Kind: domain.JobExport, Status: domain.JobQueued, Columns: in.Columns, Locale: in.Locale, Format: format, Separator: separator,
		RequestedBy: r.who.Subject, CreatedAt: domain.At(a.Now()), Filter: &filter, RequesterEmail: r.who.Email, TenantName: r.who.TenantName}
	out, err := key.createOnce(ctx, func(record func(*response) *store.Idempotency) (*response, error) {
		out, err := jsonResponse(http.StatusAccepted, job.ExportView(), map[string]string{"Location": "/v1/exports/" + id})
		if err != nil {
			return nil, err
		}
		err = a.Jobs.CreateJob(ctx, r.who.Tenant, job, a.MaxRunningJobs, record(out))
		if errors.Is(err, store.ErrTooManyJobs) {
			return nil, &domain.Error{Code: domain.CodeTooManyExports}
		}
		return out, err
	})
	if err != nil || out.headers["Idempotent-Replayed"] != "" {
		return out, err
	}
	if err := a.Queue.SendJob(ctx, r.who.Tenant, id); err != nil {
		// The job stays queued; a retry of this request (same key) replays it, and the
		// operator's alarm on the API's 5xx tells of the queue's trouble.
		return nil, &domain.Error{Code: domain.CodeUnavailable}
	}
	return out, nil
}

// exportDialect settles an export's format and, for a CSV, its separator: the one asked, or
// the locale's.
func exportDialect(format, separator, locale string) (domain.ExportFormat, string, []domain.FieldError) {
	var errs []domain.FieldError
	f := domain.ExportFormat(format)
	if f == "" {
		f = domain.FormatCSV
	}
	if !slices.Contains(domain.ExportFormats, f) {
		errs = append(errs, domain.FieldError{Pointer: "/format", Code: domain.FieldInvalidValue, Param: "csv, xlsx"})
	}
	sep, ok := domain.Separators[separator]
	switch {
	case separator != "" && !ok:
		errs = append(errs, domain.FieldError{Pointer: "/separator", Code: domain.FieldInvalidValue, Param: "; , tab"})
	case separator != "" && f == domain.FormatXLSX:
		errs = append(errs, domain.FieldError{Pointer: "/separator", Code: domain.FieldInvalidValue, Param: "only with format csv"})
	}
	if f != domain.FormatCSV {
		return f, "", errs
	}
	return f, domain.SeparatorName(domain.DialectOf(locale, sep, nil).Separator), errs
}

// filterFromBody reads the list's parameters given as a JSON object (an export's filters, a
// bulk action's filter): archived a boolean, the others strings, into the list's filter; each
// problem a field error under pointer.
func filterFromBody(filters map[string]any, pointer, me string) (domain.ClientFilter, []domain.FieldError) {
	var errs []domain.FieldError
	params := map[string]string{}
	for _, name := range slices.Sorted(maps.Keys(filters)) {
		v := filters[name]
		switch s, isString := v.(string); {
		case !slices.Contains(domain.FilterMembers, name):
			errs = append(errs, domain.FieldError{Pointer: pointer + "/" + name, Code: domain.FieldUnknown})
		case name == domain.FilterArchived:
			b, ok := v.(bool)
			if !ok {
				errs = append(errs, domain.FieldError{Pointer: pointer + "/" + name, Code: domain.FieldInvalidType, Param: "boolean"})
			}
			params[name] = strconv.FormatBool(b)
		case !isString:
			errs = append(errs, domain.FieldError{Pointer: pointer + "/" + name, Code: domain.FieldInvalidType, Param: "string"})
		default:
			params[name] = s
		}
	}
	var filter domain.ClientFilter
	if len(errs) == 0 {
		var err error
		if filter, err = parseClientFilter(params, me); err != nil {
			var de *domain.Error
			if errors.As(err, &de) {
				errs = append(errs, domain.FieldError{Pointer: pointer + "/" + de.Param, Code: domain.FieldInvalidValue, Param: de.Param})
			} else {
				errs = append(errs, domain.FieldError{Pointer: pointer, Code: domain.FieldInvalidValue})
			}
		}
	}
	return filter, errs
}
