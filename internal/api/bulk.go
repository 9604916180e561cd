package api

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"time"

	"github.com/clientdesk/clientdesk/internal/domain"
	"github.com/clientdesk/clientdesk/internal/retry"
	"github.com/clientdesk/clientdesk/internal/store"
)

// Bulk actions: one action on many clients, each client changed on its own under the version
// read (a client changed meanwhile is reported, never overwritten), with its event, its
// counts moving in the same transaction. By ids (at most 100) the answer comes at once, one
// result per id; by filter it is a job (package jobs runs it through ApplyBulk). Either way
// the caller says how many clients it expects to touch, and a count that differs is a 409
// before anything changes (MainWP's confirmation).

type bulkAnswer struct {
	Action    domain.BulkActionKind `json:"action"`
	Results   []domain.BulkResult   `json:"results"`
	Done      int                   `json:"done"`
	Unchanged int                   `json:"unchanged"`
	Refused   int                   `json:"refused"`
}

// bulkClients: POST /v1/clients/bulk.
func (a *API) bulkClients(ctx context.Context, r *request) (*response, error) {
	body, err := r.body("application/json")
	if err != nil {
		return nil, err
	}
	in, err := domain.DecodeBulk(body)
	if err != nil {
		return nil, err
	}
	var filter domain.ClientFilter
	if in.Filters != nil {
		var errs []domain.FieldError
		if filter, errs = filterFromBody(in.Filters, "/filter", r.who.Subject); len(errs) > 0 {
			return nil, domain.Invalid(errs)
		}
	}
	if in.Manager == "me" {
		in.Manager = r.who.Subject
	}
	if in.Action == domain.BulkSetManager {
		// The lead must be someone of the directory, checked once for every client.
		if _, err := a.Staff.GetStaff(ctx, r.who.Tenant, in.Manager); err != nil {
			return nil, err
		}
	}
	if in.IDs != nil {
		if in.Confirm != len(in.IDs) {
			return nil, &domain.Error{Code: domain.CodeConfirmMismatch, Param: strconv.Itoa(len(in.IDs))}
		}
		return a.bulkByIDs(ctx, r, in)
	}
	count, err := a.countClients(ctx, r.who.Tenant, filter)
	if err != nil {
		return nil, err
	}
	if count != in.Confirm {
		return nil, &domain.Error{Code: domain.CodeConfirmMismatch, Param: strconv.Itoa(count)}
	}
	id, err := a.NewID()
	if err != nil {
		return nil, err
	}
	action := in.BulkAction
	job := &domain.Job{ID: id, Kind: domain.JobBulk, Status: domain.JobQueued, Locale: r.lang, RequestedBy: r.who.Subject,
		CreatedAt: domain.At(a.Now()), Filter: &filter, Bulk: &action, Progress: domain.JobProgress{Total: int64(count)},
		RequesterEmail: r.who.Email, TenantName: r.who.TenantName}
	err = a.Jobs.CreateJob(ctx, r.who.Tenant, job, a.MaxRunningJobs, nil)
	if errors.Is(err, store.ErrTooManyJobs) {
		return nil, &domain.Error{Code: domain.CodeTooManyJobs}
	}
	if err != nil {
		return nil, err
	}
	if err := a.Queue.SendJob(ctx, r.who.Tenant, id); err != nil {
		return nil, &domain.Error{Code: domain.CodeUnavailable}
	}
	return jsonResponse(http.StatusAccepted, job.View(), map[string]string{"Location": "/v1/jobs/" + id})
}

// bulkByIDs changes the named clients at once: read together, changed one by one; one that
// is refused (unknown, changed meanwhile, in a state the action does not apply to) never
// stops the others.
func (a *API) bulkByIDs(ctx context.Context, r *request, in *domain.BulkRequest) (*response, error) {
	clients, defs, err := a.Clients.GetClients(ctx, r.who.Tenant, in.IDs)
	if err != nil {
		return nil, err
	}
	byID := map[string]*domain.Client{}
	for _, c := range clients {
		byID[c.ID] = c
	}
	actor := domain.Actor{Kind: domain.ActorStaff, ID: r.who.Subject, Name: r.who.Email}
	out := bulkAnswer{Action: in.Action, Results: make([]domain.BulkResult, 0, len(in.IDs))}
	for _, id := range in.IDs {
		var res domain.BulkResult
		if c, ok := byID[id]; ok {
			res = a.applyBulk(ctx, r.who.Tenant, actor, r.RequestContext.RequestID, "", &in.BulkAction, c, defs)
		} else {
			res = domain.BulkResult{Result: domain.BulkRefused, Code: domain.CodeClientNotFound}
		}
		res.ID = id
		if res.Code != "" {
			res.Detail = problemDetail(res.Code, res.Detail, r.lang)
		}
		switch res.Result {
		case domain.BulkDone:
			out.Done++
		case domain.BulkUnchanged:
			out.Unchanged++
		default:
			out.Refused++
		}
		out.Results = append(out.Results, res)
	}
	return jsonResponse(http.StatusOK, out, nil)
}

// ApplyBulk applies a bulk job's action to one of its clients, on behalf of who asked for
// the job; the events name the job. For package jobs.
func (a *API) ApplyBulk(ctx context.Context, tenant string, job *domain.Job, c *domain.Client, defs domain.Definitions) domain.BulkResult {
	res := a.applyBulk(ctx, tenant, job.Requester(), "", job.ID, job.Bulk, c, defs)
	if res.Code != "" {
		res.Detail = problemDetail(res.Code, res.Detail, job.Locale)
	}
	return res
}

// applyBulk changes one client as the action says, under the version read: done, unchanged
// (the client is already as asked: a redelivered job finds its own changes so), or refused
// with the problem's code (and its parameter as detail, worded by the caller).
func (a *API) applyBulk(ctx context.Context, tenant string, actor domain.Actor, requestID, jobID string, act *domain.BulkAction,
	c *domain.Client, defs domain.Definitions) domain.BulkResult {
	now := a.Now()
	refused := func(err error) domain.BulkResult {
		var de *domain.Error
		if retry.Busy(err) {
			// A failure that passes: a job slows down and tries the client again.
			return domain.BulkResult{Result: domain.BulkRefused, Code: domain.CodeUnavailable}
		}
		if !errors.As(err, &de) {
			a.Log.ErrorContext(ctx, "bulk change failed", "client_id", c.ID, "error", err.Error())
			return domain.BulkResult{Result: domain.BulkRefused, Code: domain.CodeInternal}
		}
		if de.Code == domain.CodeValidation && len(de.Fields) > 0 {
			return domain.BulkResult{Result: domain.BulkRefused, Code: de.Fields[0].Code, Detail: de.Fields[0].Param}
		}
		return domain.BulkResult{Result: domain.BulkRefused, Code: de.Code, Detail: de.Param}
	}
	unchanged := func(code domain.Code) domain.BulkResult {
		return domain.BulkResult{Result: domain.BulkUnchanged, Code: code}
	}
	event := func(action domain.Action, next *domain.Client) (*domain.Event, error) {
		ev, err := a.event(ctx, tenant, actor, requestID, c.ID, action, now)
		if err != nil {
			return nil, err
		}
		ev.JobID = jobID
		if next != nil {
			ev.Changes = domain.Diff(c, next)
		}
		return ev, nil
	}
	// A client's state change (archive, suspension): one transaction with its filing.
	transition := func(action domain.Action, change func(*domain.Client, time.Time) (*domain.Client, error), already domain.Code) domain.BulkResult {
		next, err := change(c, now)
		if domain.CodeOf(err) == already {
			return unchanged(already)
		}
		if err != nil {
			return refused(err)
		}
		ev, err := event(action, next)
		if err == nil {
			err = a.Access.ChangeAccess(ctx, tenant, c, next, defs, store.Transition{Event: ev})
		}
		if err != nil {
			return refused(err)
		}
		return domain.BulkResult{Result: domain.BulkDone}
	}
	// A change of what the client holds (tags, team): one update of the record and its filing.
	update := func(action domain.Action, next *domain.Client, err error) domain.BulkResult {
		if err != nil {
			return refused(err)
		}
		if reflect.DeepEqual(next.Fields, c.Fields) && reflect.DeepEqual(next.Team, c.Team) {
			return unchanged("")
		}
		ev, err := event(action, next)
		if err == nil {
			err = a.Clients.UpdateClient(ctx, tenant, c, next, defs, ev)
		}
		if err != nil {
			return refused(err)
		}
		return domain.BulkResult{Result: domain.BulkDone}
	}
	switch act.Action {
	case domain.BulkArchive:
		return transition(domain.ActionArchived, domain.Archive, domain.CodeAlreadyArchived)
	case domain.BulkUnarchive:
		return transition(domain.ActionUnarchived, domain.Unarchive, domain.CodeNotArchived)
	case domain.BulkSuspend:
		return transition(domain.ActionSuspended, domain.Suspend, domain.CodeClientSuspended)
	case domain.BulkReactivate:
		return transition(domain.ActionReactivated, domain.Reactivate, domain.CodeNotSuspended)
	case domain.BulkAddTags:
		next, err := domain.WithTags(c, act.Tags, nil, now)
		return update(domain.ActionUpdated, next, err)
	case domain.BulkRemoveTags:
		next, err := domain.WithTags(c, nil, act.Tags, now)
		return update(domain.ActionUpdated, next, err)
	case domain.BulkSetManager:
		staff, err := a.Staff.GetStaff(ctx, tenant, act.Manager)
		if err != nil {
			return refused(err)
		}
		roles := []domain.TeamRole{domain.TeamLead}
		contact := false
		if i := slices.IndexFunc(c.Team, func(m domain.TeamMember) bool { return m.Sub == act.Manager }); i >= 0 {
			if c.Team[i].Has(domain.TeamLead) {
				return unchanged("")
			}
			roles = append(roles, c.Team[i].Roles...)
			contact = c.Team[i].Contact
		}
		next, err := domain.PutTeamMember(c, staff, roles, contact, now)
		return update(domain.ActionTeamChanged, next, err)
	case domain.BulkDelete:
		if job, err := a.jobOn(ctx, tenant, c, defs, jobID); err != nil {
			return refused(err)
		} else if job != "" {
			return refused(&domain.Error{Code: domain.CodeClientInJob, Param: job})
		}
		ev, err := event(domain.ActionDeleted, nil)
		if err != nil {
			return refused(err)
		}
		ev.Redacted = true
		version := c.Version
		pending, err := a.Clients.DeleteClient(ctx, tenant, c.ID, func(v int64) bool { return v == version }, ev, a.InlineRedaction)
		if errors.Is(err, domain.ErrClientNotFound) {
			return unchanged(domain.CodeClientNotFound) // gone already: a redelivered job's own deletion
		}
		if err != nil {
			return refused(err)
		}
		if pending > 0 && a.Tasks != nil {
			if err := a.Tasks.SendRedaction(ctx, tenant, c.ID); err != nil {
				a.Log.ErrorContext(ctx, "redaction not queued", "client_id", c.ID, "error", err.Error())
			}
		}
		return domain.BulkResult{Result: domain.BulkDone}
	}
	return refused(domain.Errorf(domain.CodeInvalidParameter, "action"))
}

// countClients counts the clients a filter selects: from the tab's counters when it only
// names a tab and statuses (one Query), otherwise by reading the list's pages of ids.
func (a *API) countClients(ctx context.Context, tenant string, f domain.ClientFilter) (int, error) {
	plain := f.Query == "" && f.Tag == "" && f.Site == "" && f.Manager == "" && f.CreatedAfter.IsZero() && f.CreatedBefore.IsZero()
	if plain {
		st, err := a.Clients.GetStats(ctx, tenant)
		if err != nil {
			return 0, err
		}
		counts := st.ByStatus
		if f.Archived {
			counts = st.ArchivedByStatus
		}
		n := 0
		for status, c := range counts {
			if len(f.Statuses) == 0 || slices.Contains(f.Statuses, status) {
				n += c
			}
		}
		return n, nil
	}
	f.Fields, f.Sort = []string{"id"}, ""
	if f.Query != "" {
		f.Sort = domain.SortNewest
	}
	q := store.ListQuery{Filter: f, Limit: 1000}
	n := 0
	for {
		page, err := a.Clients.ListClients(ctx, tenant, q)
		if err != nil {
			return 0, err
		}
		n += len(page.Items)
		if page.NextCursor == "" {
			return n, nil
		}
		q.Cursor = page.NextCursor
	}
}

// jobOn names an unfinished bulk job or import of the tenant that is working on c (its
// filter selected c when it started), other than except; "" when there is none. A tenant with
// no job unfinished costs one read; the list of its jobs is read once in a few seconds per
// process (a bulk deletion asks for each of its clients).
func (a *API) jobOn(ctx context.Context, tenant string, c *domain.Client, defs domain.Definitions, except string) (string, error) {
	jobs, err := a.unfinishedJobs(ctx, tenant, false)
	if err != nil {
		return "", err
	}
	for _, j := range jobs {
		if j.ID == except || (j.Kind != domain.JobBulk && j.Kind != domain.JobImport) || j.Filter == nil {
			continue
		}
		if j.Filter.Matches(c, defs.Searchable) && c.CreatedAt.Before(j.CreatedAt.Time) {
			return j.ID, nil
		}
	}
	return "", nil
}

// jobsFreshness is how long a process trusts the list of a tenant's unfinished jobs.
const jobsFreshness = 5 * time.Second

type cachedJobs struct {
	jobs []*domain.Job
	read time.Time
}

// unfinishedJobs are the tenant's jobs not ended yet, read again when fresh (a single
// deletion), or as this process saw them a few seconds ago (a bulk deletion's clients).
func (a *API) unfinishedJobs(ctx context.Context, tenant string, fresh bool) ([]*domain.Job, error) {
	a.jobsMu.Lock()
	cached, ok := a.jobsSeen[cacheKey(ctx, tenant)]
	a.jobsMu.Unlock()
	if ok && !fresh && time.Since(cached.read) < jobsFreshness {
		return cached.jobs, nil
	}
	n, err := a.Jobs.RunningJobs(ctx, tenant)
	if err != nil {
		return nil, err
	}
	var jobs []*domain.Job
	if n > 0 {
		page, err := a.Jobs.ListJobs(ctx, tenant, store.JobQuery{Limit: 100})
		if err != nil {
			return nil, err
		}
		for _, j := range page.Items {
			if !j.Status.Final() {
				jobs = append(jobs, j)
			}
		}
	}
	a.jobsMu.Lock()
	defer a.jobsMu.Unlock()
	if a.jobsSeen == nil || len(a.jobsSeen) >= maxCachedTenants {
		a.jobsSeen = map[string]cachedJobs{}
	}
	a.jobsSeen[cacheKey(ctx, tenant)] = cachedJobs{jobs: jobs, read: time.Now()}
	return jobs, nil
}
