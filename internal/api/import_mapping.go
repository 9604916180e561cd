package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/clientdesk/clientdesk/internal/domain"
	"github.com/clientdesk/clientdesk/internal/store"
)

// mappingColumn is a column as a mapping request sets it: its position and its target ("" or
// absent: not read). The header may come back as GET gave it; it is the file's, not changed.
type mappingColumn struct {
	Index  int
	Target string
}

// updateImportMapping: PUT /v1/imports/{id}/mapping {mode, match, default_country, columns}
// → 202 with the import, checking: a check of every row starts (a job of the import worker)
// with this mapping, and replaces the last one's report. Each member left out keeps its value
// (the first time: create, matched on e-mail, the columns detected, France for a request in
// French, an XLSX's first sheet); columns can be set once a check has read the headers. If-Match honoured: the
// import's version changes with each mapping, so a commit of a report another mapping has
// replaced is refused.
func (a *API) updateImportMapping(ctx context.Context, r *request) (*response, error) {
	body, err := r.body("application/json")
	if err != nil {
		return nil, err
	}
	d, err := domain.NewObjectDecoder(body)
	if err != nil {
		return nil, err
	}
	var mode, match, country, sheet string
	var rawColumns []json.RawMessage
	d.Members([]string{"mode", "match", "default_country", "sheet", "columns"}, nil)
	d.Field("mode", &mode, "string")
	d.Field("match", &match, "string")
	d.Field("default_country", &country, "string")
	d.Field("sheet", &sheet, "string")
	d.Field("columns", &rawColumns, "array")
	columns := make([]mappingColumn, len(rawColumns))
	for i, raw := range rawColumns {
		d.Element("columns", i, raw, func(e *domain.ObjectDecoder) {
			e.Members([]string{"index", "target", "header"}, nil)
			e.Field("index", &columns[i].Index, "integer")
			e.Field("target", &columns[i].Target, "string")
			if !e.Has("index") {
				e.Fail("index", domain.FieldRequired, "")
			}
		})
	}
	if err := d.Err(); err != nil {
		return nil, err
	}
	return a.startImportPhase(ctx, r, domain.ImportPhaseCheck, false, func(im, next *domain.Import) error {
		return a.setMapping(ctx, r, d, im, next, mapping{mode, match, country, sheet}, columns)
	})
}

// mapping is what a mapping request sets besides the columns.
type mapping struct{ mode, match, country, sheet string }

// setMapping gives next the mapping a request sets on im (see updateImportMapping). Another
// sheet has other headers: its columns are detected again, unless the request sets them.
func (a *API) setMapping(ctx context.Context, r *request, d *domain.ObjectDecoder, im, next *domain.Import, m mapping,
	columns []mappingColumn) error {
	if m.mode != "" {
		next.Mode = m.mode
	}
	if m.match != "" {
		next.Match = m.match
	}
	if d.Has("default_country") {
		next.Country = strings.ToUpper(strings.TrimSpace(m.country))
	}
	var errs []domain.FieldError
	if d.Has("sheet") {
		next.Sheet = strings.TrimSpace(m.sheet)
		if !strings.EqualFold(next.Sheet, im.Sheet) {
			next.Columns, next.ColumnsSet = nil, false
		}
		if e := sheetError(im, next.Sheet); e != nil {
			errs = append(errs, *e)
		}
	}
	if next.Mode == "" {
		next.Mode = domain.ImportCreateOnly
	}
	if next.Match == "" {
		next.Match = domain.ImportMatchEmail
	}
	if !d.Has("default_country") && im.Mode == "" && r.lang == "fr" {
		next.Country = "FR"
	}
	if !slices.Contains(domain.ImportModes, next.Mode) {
		errs = append(errs, domain.FieldError{Pointer: "/mode", Code: domain.FieldInvalidValue, Param: "create, update, create_or_update"})
	}
	if !slices.Contains(domain.ImportMatches, next.Match) {
		errs = append(errs, domain.FieldError{Pointer: "/match", Code: domain.FieldInvalidValue, Param: "email, code"})
	}
	if next.Country != "" && !domain.ValidCountry(next.Country) {
		errs = append(errs, domain.FieldError{Pointer: "/default_country", Code: domain.FieldInvalidCountry})
	}
	if d.Has("columns") {
		set, cerrs, err := a.mappingColumns(ctx, r.who.Tenant, im, columns)
		if err != nil {
			return err
		}
		errs = append(errs, cerrs...)
		next.Columns, next.ColumnsSet = set, true
	}
	return domain.Invalid(errs)
}

// sheetError is what is wrong with the sheet a mapping names: a CSV has none; a workbook's
// must be one of its tabs, when the last check listed them all.
func sheetError(im *domain.Import, sheet string) *domain.FieldError {
	switch {
	case sheet == "":
		return nil
	case im.Format != "xlsx":
		return &domain.FieldError{Pointer: "/sheet", Code: domain.FieldInvalidValue, Param: "xlsx"}
	case len(sheet) > domain.MaxSheetNameBytes:
		return &domain.FieldError{Pointer: "/sheet", Code: domain.FieldTooLong, Param: strconv.Itoa(domain.MaxSheetNameBytes)}
	case im.Read == nil || len(im.Read.Sheets) >= domain.MaxImportSheets ||
		slices.ContainsFunc(im.Read.Sheets, func(s string) bool { return strings.EqualFold(s, sheet) }):
		return nil
	}
	return &domain.FieldError{Pointer: "/sheet", Code: domain.FieldInvalidValue, Param: strings.Join(im.Read.Sheets, ", ")}
}

// mappingColumns checks the columns a mapping sets against the file's headers, as the last
// check read them: each position once and within the file, each target one a column can
// fill, at most once, and a name column without first and last name columns.
func (a *API) mappingColumns(ctx context.Context, tenant string, im *domain.Import, columns []mappingColumn) ([]domain.ImportColumn, []domain.FieldError, error) {
	if len(im.Columns) == 0 {
		return nil, []domain.FieldError{{Pointer: "/columns", Code: domain.FieldColumnsUnknown}}, nil
	}
	defs, _, err := a.Fields.GetDefinitions(ctx, tenant)
	if err != nil {
		return nil, nil, err
	}
	set := make([]domain.ImportColumn, len(im.Columns))
	for i, c := range im.Columns {
		set[i] = domain.ImportColumn{Index: c.Index, Header: c.Header}
	}
	var errs []domain.FieldError
	used := map[string]bool{}
	seen := map[int]bool{}
	for i, c := range columns {
		at := "/columns/" + strconv.Itoa(i)
		switch {
		case c.Index < 0 || c.Index >= len(set):
			errs = append(errs, domain.FieldError{Pointer: at + "/index", Code: domain.FieldOutOfRange, Param: "0–" + strconv.Itoa(len(set)-1)})
			continue
		case seen[c.Index]:
			errs = append(errs, domain.FieldError{Pointer: at + "/index", Code: domain.FieldDuplicate})
			continue
		}
		seen[c.Index] = true
		if c.Target == "" {
			continue
		}
		switch {
		case !domain.IsImportTarget(c.Target, defs):
			errs = append(errs, domain.FieldError{Pointer: at + "/target", Code: domain.FieldInvalidValue, Param: c.Target})
			continue
		case used[c.Target]:
			errs = append(errs, domain.FieldError{Pointer: at + "/target", Code: domain.FieldDuplicate})
			continue
		}
		used[c.Target] = true
		set[c.Index].Target = c.Target
	}
	if used[domain.TargetFullName] && (used["first_name"] || used["last_name"]) {
		errs = append(errs, domain.FieldError{Pointer: "/columns", Code: domain.FieldNamesTwice})
	}
	return set, errs, nil
}

// importErrorView is a problem of a row, worded in the reader's language.
type importErrorView struct {
	domain.ImportRowError
	Message string `json:"message"`
}

type importErrorPage struct {
	Items      []importErrorView `json:"items"`
	NextCursor *string           `json:"next_cursor"`
}

// listImportErrors: GET /v1/imports/{id}/errors?limit&cursor, the problems the last check
// found, by row (a page holds limit rows, each with all its problems), each with its column's
// header and a message in French or English.
func (a *API) listImportErrors(ctx context.Context, r *request) (*response, error) {
	id, err := r.uuidParam("id")
	if err != nil {
		return nil, err
	}
	q, err := r.query("limit", "cursor")
	if err != nil {
		return nil, err
	}
	limit, err := intParam(q, "limit", DefaultLimit, 1, MaxLimit)
	if err != nil {
		return nil, err
	}
	im, err := a.Imports.GetImport(ctx, r.who.Tenant, id)
	if err != nil {
		return nil, err
	}
	out := importErrorPage{Items: []importErrorView{}}
	// The errors of the import's last job: its check, its commit or its revert.
	if im.Report != nil && (im.Report.Errors > 0 || im.Result != nil || im.Reverted != nil) {
		page, err := a.Imports.ImportErrors(ctx, r.who.Tenant, im, q["cursor"], limit)
		if errors.Is(err, domain.ErrInvalidCursor) {
			return nil, domain.Errorf(domain.CodeInvalidCursor, "cursor")
		}
		if err != nil {
			return nil, err
		}
		headers := make([]string, len(im.Columns))
		for i, c := range im.Columns {
			headers[i] = c.Header
		}
		for _, e := range page.Items {
			if e.Column >= 0 && e.Column < len(headers) {
				e.Header = headers[e.Column]
			}
			out.Items = append(out.Items, importErrorView{ImportRowError: e, Message: domain.ImportMessage(e, headers, r.lang)})
		}
		if page.NextCursor != "" {
			out.NextCursor = &page.NextCursor
		}
	} else if q["cursor"] != "" {
		return nil, domain.Errorf(domain.CodeInvalidCursor, "cursor")
	}
	return jsonResponse(http.StatusOK, out, map[string]string{"ETag": domain.ETagOf(im.Version)})
}

// commitImport: POST /v1/imports/{id}/commit, If-Match required (the version whose report
// the person read) → 202 with the import, committing: a job writes every row the check found
// good (rows now in error are skipped and listed), each client once however often the job
// runs. A commit after a new mapping or upload names an older version: 412.
func (a *API) commitImport(ctx context.Context, r *request) (*response, error) {
	return a.startImportPhase(ctx, r, domain.ImportPhaseCommit, true, func(_, next *domain.Import) error {
		next.Result = &domain.ImportResult{}
		return nil
	})
}

// startImportPhase starts a job of the import the path names: under If-Match (required when
// must), if the import's state lets it start phase (domain.Import.Starts), with the next state
// set makes (a mapping's); the import's version moves on, its status to the phase's.
func (a *API) startImportPhase(ctx context.Context, r *request, phase string, must bool, set func(im, next *domain.Import) error) (*response, error) {
	id, err := r.uuidParam("id")
	if err != nil {
		return nil, err
	}
	allowed, present, err := ifMatch(header(r.APIGatewayV2HTTPRequest, "If-Match"))
	if err != nil {
		return nil, err
	}
	if must && !present {
		return nil, domain.Errorf(domain.CodePreconditionNeeded, "If-Match")
	}
	im, err := a.Imports.GetImport(ctx, r.who.Tenant, id)
	if err != nil {
		return nil, err
	}
	if present && !allowed(im.Version) {
		return nil, domain.ErrPreconditionFailed
	}
	if err := im.Starts(phase); err != nil {
		return nil, err
	}
	next := *im
	if err := set(im, &next); err != nil {
		return nil, err
	}
	jobID, err := a.NewID()
	if err != nil {
		return nil, err
	}
	now := domain.At(a.Now())
	next.Version, next.Status, next.JobID, next.UpdatedAt = im.Version+1, domain.ImportPhaseStatus[phase], jobID, now
	job := &domain.Job{ID: jobID, Kind: domain.JobImport, Status: domain.JobQueued, Locale: r.lang, RequestedBy: r.who.Subject, CreatedAt: now,
		RequesterEmail: r.who.Email, TenantName: r.who.TenantName,
		Import: &domain.ImportTask{ImportID: im.ID, Version: next.Version, Phase: phase}}
	if phase == domain.ImportPhaseRevert {
		if job.Resume, err = a.revertResume(ctx, r.who.Tenant, im); err != nil {
			return nil, err
		}
	}
	return a.startImportJob(ctx, r, im, &next, job)
}

// startImportJob records next in place of im with job queued, and hands the job to the
// import worker: 202 with the import.
func (a *API) startImportJob(ctx context.Context, r *request, im, next *domain.Import, job *domain.Job) (*response, error) {
	err := a.Imports.StartImportJob(ctx, r.who.Tenant, next, im.Version, job, a.MaxRunningJobs)
	if errors.Is(err, store.ErrTooManyJobs) {
		return nil, &domain.Error{Code: domain.CodeTooManyJobs}
	}
	if err != nil {
		return nil, err
	}
	if err := a.ImportQueue.SendJob(ctx, r.who.Tenant, job.ID); err != nil {
		// The job stays queued; the request sent again (with the new version) starts another.
		return nil, &domain.Error{Code: domain.CodeUnavailable}
	}
	view, err := a.importView(ctx, r.who.Tenant, next)
	if err != nil {
		return nil, err
	}
	return jsonResponse(http.StatusAccepted, view, map[string]string{"ETag": domain.ETagOf(next.Version), "Location": "/v1/jobs/" + job.ID})
}

// CreateImported creates a client from an import's row, with the id the row's commit gives
// it (the same on every run, so a run again finds it made), its event naming the import and
// the job: as a POST /v1/clients would, unique e-mail and code, counts and filing in the
// same transaction.
func (a *API) CreateImported(ctx context.Context, tenant string, job *domain.Job, id string, f domain.Fields, defs domain.Definitions, defsVersion int64) error {
	now := a.Now()
	c := domain.NewClient(id, f, now)
	ev, err := a.importEvent(ctx, tenant, job, id, domain.ActionCreated, now)
	if err != nil {
		return err
	}
	ev.Changes = domain.Diff(nil, c)
	return a.Clients.CreateClient(ctx, tenant, c, defs, defsVersion, nil, ev)
}

// UpdateImported gives old the fields an import's row makes it have, under old's version,
// with its event naming the import and the job.
func (a *API) UpdateImported(ctx context.Context, tenant string, job *domain.Job, old *domain.Client, f domain.Fields, defs domain.Definitions) error {
	now := a.Now()
	next := old.Revise(f, now)
	ev, err := a.importEvent(ctx, tenant, job, old.ID, domain.ActionUpdated, now)
	if err != nil {
		return err
	}
	ev.Changes = domain.Diff(old, next)
	return a.Clients.UpdateClient(ctx, tenant, old, next, defs, ev)
}

func (a *API) importEvent(ctx context.Context, tenant string, job *domain.Job, clientID string, action domain.Action, now time.Time) (*domain.Event, error) {
	ev, err := a.event(ctx, tenant, job.Requester(), "", clientID, action, now)
	if err != nil {
		return nil, err
	}
	ev.JobID, ev.ImportID = job.ID, job.Import.ImportID
	return ev, nil
}

// revertImport: POST /v1/imports/{id}/revert, If-Match required → 202 with the import,
// reverting: a job deletes the clients the commit created and gives the clients it updated
// back their fields, each only if it is still as the commit left it (otherwise it changed
// since: listed in GET …/errors, left as it is). A commit cancelled or failed midway can be
// reverted for what it wrote.
func (a *API) revertImport(ctx context.Context, r *request) (*response, error) {
	return a.startImportPhase(ctx, r, domain.ImportPhaseRevert, true, func(_, next *domain.Import) error {
		if next.Reverted == nil {
			next.Reverted = &domain.ImportRevertResult{}
		}
		return nil
	})
}

// revertResume is where a revert takes up after one that was cancelled or failed (the
// import's job): the last row it recorded, and its counts.
func (a *API) revertResume(ctx context.Context, tenant string, im *domain.Import) (*domain.JobResume, error) {
	if im.Reverted == nil {
		return nil, nil
	}
	prev, err := a.Jobs.GetJob(ctx, tenant, im.JobID)
	if domain.CodeOf(err) == domain.CodeOf(domain.ErrJobNotFound) {
		return nil, nil // expired (8 days): the revert starts over, finding what was undone
	}
	if err != nil || prev.Resume == nil || prev.Resume.Reverted == nil {
		return nil, err
	}
	return &domain.JobResume{Row: prev.Resume.Row, Reverted: prev.Resume.Reverted}, nil
}

// revertInline is the most events a revert's deletion reduces itself: a client an import
// created and nobody changed since has one.
const revertInline = 100

// DeleteImported deletes a client an import created, under the version the import left it
// at, with an event naming the import.
func (a *API) DeleteImported(ctx context.Context, tenant string, job *domain.Job, c *domain.Client) error {
	ev, err := a.importEvent(ctx, tenant, job, c.ID, domain.ActionDeleted, a.Now())
	if err != nil {
		return err
	}
	pending, err := a.Clients.DeleteClient(ctx, tenant, c.ID, func(v int64) bool { return v == c.Version }, ev, revertInline)
	if err == nil && pending > 0 {
		a.Log.WarnContext(ctx, "a reverted client's events are left to reduce", "client_id", c.ID, "pending", pending)
	}
	return err
}
