package jobs

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/clientdesk/clientdesk/internal/domain"
	"github.com/clientdesk/clientdesk/internal/retry"
	"github.com/clientdesk/clientdesk/internal/store"
)

// Changer applies a bulk action to one client (package api): under the version it read, with
// the client's event naming the job, whole or not at all.
type Changer interface {
	ApplyBulk(ctx context.Context, tenant string, job *domain.Job, c *domain.Client, defs domain.Definitions) domain.BulkResult
}

// Results keeps a job's per-client results, a page at a time (package store).
type Results interface {
	PutJobResults(ctx context.Context, tenant string, j *domain.Job, page int, rows []domain.BulkResult) error
	JobResults(ctx context.Context, tenant, jobID string, each func(domain.BulkResult) error) error
}

// Bulk runs bulk jobs: the clients the filter selected when the job started, page after page,
// each changed once; the results of each page recorded before the progress that moves past
// it, so that a run after a crash or a cancellation goes on from there without changing a
// client twice (a client done already is unchanged the second time); at the end a file of
// every client's result.
type Bulk struct {
	Changes Changer
	Clients Clients
	Results Results
	// PageSize is the clients a page holds.
	PageSize int
	// HotUnitsPerSecond bounds the write units a second the job puts on the tenant's busiest
	// partition key (Pacer); 0 leaves the pace to the requests' own.
	HotUnitsPerSecond float64
	// Margin is the time an invocation keeps to hand over: a page is not started with less.
	Margin time.Duration
	Sleep  func(time.Duration)
	// Zone is the tenant's time zone, for the file's name.
	Zone *time.Location
}

// Run goes on from where the job stands.
func (b *Bulk) Run(ctx context.Context, run *Run) error {
	job := run.Job
	q := store.ListQuery{Filter: *job.Filter, Limit: b.PageSize}
	if q.Filter.CreatedBefore.IsZero() || job.StartedAt.Before(q.Filter.CreatedBefore) {
		q.Filter.CreatedBefore = job.StartedAt.Time // the clients as they were when it started
	}
	q.Filter.Fields = nil
	resume := domain.JobResume{}
	if job.Resume != nil {
		resume = *job.Resume
	}
	q.Cursor = resume.Cursor
	progress := job.Progress
	pace := NewPacer(b.HotUnitsPerSecond, b.Sleep)
	for pages := 0; resume.Page == 0 || resume.Cursor != ""; pages++ {
		// Every invocation does a page at least: a job always moves on.
		if deadline, ok := ctx.Deadline(); ok && pages > 0 && time.Until(deadline) < b.Margin {
			return ErrContinue
		}
		page, err := b.Clients.ListClients(ctx, run.Tenant, q)
		if err != nil {
			return err
		}
		rows := make([]domain.BulkResult, 0, len(page.Items))
		for _, c := range page.Items {
			res, ok := pace.apply(ctx, func() domain.BulkResult { return b.Changes.ApplyBulk(ctx, run.Tenant, job, c, page.Definitions) })
			if !ok {
				// DynamoDB stays busy: the next invocation takes the page again, slower (a
				// client already changed is then found unchanged, never changed twice).
				run.Log.WarnContext(ctx, "bulk job slowed down by throttling, handing over", "pace", pace.perSecond)
				return ErrContinue
			}
			res.ID, res.Name = c.ID, clientName(c)
			rows = append(rows, res)
			progress.Done++
			if res.Result == domain.BulkRefused {
				progress.Failed++
			}
			if res.Result == domain.BulkDone {
				pace.Spend(hotWrites(run.Tenant, job.Bulk.Action, c, page.Definitions))
			}
		}
		if err := b.Results.PutJobResults(ctx, run.Tenant, job, resume.Page, rows); err != nil {
			return err
		}
		resume = domain.JobResume{Cursor: page.NextCursor, Page: resume.Page + 1}
		if progress.Total < progress.Done {
			progress.Total = progress.Done
		}
		err = run.ProgressAt(ctx, progress, &resume)
		if errors.Is(err, ErrCancelled) {
			if ferr := b.file(ctx, run); ferr != nil {
				return ferr
			}
			return err
		}
		if err != nil {
			return err
		}
		q.Cursor = page.NextCursor
	}
	progress.Total = progress.Done
	job.Progress = progress
	return b.file(ctx, run)
}

// file writes every client's result, in the job's language.
func (b *Bulk) file(ctx context.Context, run *Run) (err error) {
	job := run.Job
	columns := []domain.ExportColumn{
		{Key: "id", Header: domain.Localized{FR: "Identifiant", EN: "ID"}},
		{Key: "client", Header: domain.Localized{FR: "Client", EN: "Client"}},
		{Key: "result", Header: domain.Localized{FR: "Résultat", EN: "Result"}},
		{Key: "code", Header: domain.Localized{FR: "Code", EN: "Code"}},
		{Key: "detail", Header: domain.Localized{FR: "Détail", EN: "Detail"}},
	}
	name := FileName("bulk-"+strings.ReplaceAll(string(job.Bulk.Action), "_", "-"), run.Tenant, job.StartedAt.Time, b.Zone, job.ID)
	f, err := run.Create(ctx, name, domain.FormatCSV, columns, nil, domain.DialectOf(job.Locale, 0, b.Zone))
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Abort(ctx, run.Log)
		}
	}()
	err = b.Results.JobResults(ctx, run.Tenant, job.ID, func(r domain.BulkResult) error {
		label := outcomeLabels[r.Result]
		result := label.EN
		if job.Locale == "fr" {
			result = label.FR
		}
		return f.WriteRow(r.ID, r.Name, result, string(r.Code), r.Detail)
	})
	if err != nil {
		return err
	}
	job.File, err = f.Close()
	return err
}

var outcomeLabels = map[domain.BulkOutcome]domain.Localized{
	domain.BulkDone:      {FR: "effectué", EN: "done"},
	domain.BulkUnchanged: {FR: "inchangé", EN: "unchanged"},
	domain.BulkRefused:   {FR: "refusé", EN: "refused"},
}

func clientName(c *domain.Client) string {
	name := strings.TrimSpace(c.FirstName + " " + c.LastName)
	switch {
	case c.CompanyName != "" && name != "":
		return c.CompanyName + " (" + name + ")"
	case c.CompanyName != "":
		return c.CompanyName
	}
	return name
}

// hotWrites is what a change of c costs on the tenant's busiest partition key, in write
// units: what any client write costs there (store.HotWriteUnits), and for a change of team,
// the client's entry in the staff member's partition, which every client of the job shares
// (2 units: a small item in a transaction).
func hotWrites(tenant string, action domain.BulkActionKind, c *domain.Client, defs domain.Definitions) float64 {
	units := store.HotWriteUnits(tenant, c, defs)
	if action == domain.BulkSetManager {
		units = max(units, 2)
	}
	return units
}

// busyTries bounds the tries of one client while DynamoDB answers that it is busy.
const busyTries = 6

// minPace is the slowest a job goes (hot writes a second).
const minPace = 25

// apply runs one client's change; while it is refused as unavailable (DynamoDB throttling,
// or transaction conflicts past the store's tries: a failure that passes), the job slows
// down (half the pace each time) and tries again after a jittered wait, within the
// invocation's time. ok is false when DynamoDB stayed busy: the run hands over.
func (p *Pacer) apply(ctx context.Context, change func() domain.BulkResult) (res domain.BulkResult, ok bool) {
	for attempt := 0; ; attempt++ {
		res = change()
		if res.Code != domain.CodeUnavailable {
			return res, true
		}
		if attempt+1 >= busyTries {
			return res, false
		}
		if p.perSecond > 0 {
			p.perSecond = max(p.perSecond/2, minPace)
			p.start, p.spent = p.now(), 0
		}
		wait := retry.Wait(attempt + 3) // from 80 ms up
		if deadline, has := ctx.Deadline(); has && time.Until(deadline) < wait {
			return res, false
		}
		p.sleep(wait)
	}
}
