package jobs

import (
	"context"
	"fmt"
	"time"

	"github.com/clientdesk/clientdesk/internal/domain"
	"github.com/clientdesk/clientdesk/internal/store"
)

// Clients reads what an export writes: clients page by page, as the list shows them.
type Clients interface {
	GetDefinitions(ctx context.Context, tenant string) (domain.Definitions, int64, error)
	ListClients(ctx context.Context, tenant string, q store.ListQuery) (store.Page, error)
}

// Exporter runs export jobs: the clients a filter selects, as the list shows them when the
// job starts, written as a zipped CSV to the bucket.
type Exporter struct {
	Clients Clients
	// PageSize is the clients read per list request.
	PageSize int
	// Zone is the tenant's time zone, which dates are written in.
	Zone *time.Location
}

// Run writes the file of one run. Any error aborts the upload: no object appears.
func (e *Exporter) Run(ctx context.Context, run *Run) (err error) {
	job := run.Job
	q := store.ListQuery{Filter: *job.Filter, Limit: e.PageSize}
	// The clients as the list shows them when the export starts: later ones are left out.
	if q.Filter.CreatedBefore.IsZero() || job.StartedAt.Before(q.Filter.CreatedBefore) {
		q.Filter.CreatedBefore = job.StartedAt.Time
	}
	q.Filter.Fields = nil // every member: the columns pick theirs
	defs, _, err := e.Clients.GetDefinitions(ctx, run.Tenant)
	if err != nil {
		return err
	}
	columns, bad := domain.ExportColumns(defs, job.Columns)
	if bad != "" {
		return fmt.Errorf("column %q no longer exists", bad)
	}
	kinds := make([]domain.CellKind, len(columns))
	for i, c := range columns {
		kinds[i] = domain.KindOf(c, defs)
	}
	dialect := domain.DialectOf(job.Locale, domain.Separators[job.Separator], e.Zone)
	f, err := run.Create(ctx, FileName("clients", run.Tenant, job.StartedAt.Time, e.Zone, job.ID), job.Format, columns, kinds, dialect)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Abort(ctx, run.Log)
		}
	}()
	for pages := 0; ; pages++ {
		page, err := e.Clients.ListClients(ctx, run.Tenant, q)
		if err != nil {
			return err
		}
		for _, c := range page.Items {
			if err := f.Write(page.Definitions.View(c)); err != nil {
				return err
			}
		}
		if page.NextCursor == "" {
			break
		}
		q.Cursor = page.NextCursor
		if pages%4 == 3 {
			if err := run.Progress(ctx, domain.JobProgress{Done: f.Written()}); err != nil {
				return err
			}
		}
	}
	file, err := f.Close()
	if err != nil {
		return err
	}
	job.File, job.Progress = file, domain.JobProgress{Done: file.Rows, Total: file.Rows}
	return nil
}
