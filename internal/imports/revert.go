package imports

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/clientdesk/clientdesk/internal/domain"
	"github.com/clientdesk/clientdesk/internal/jobs"
	"github.com/clientdesk/clientdesk/internal/retry"
	"github.com/clientdesk/clientdesk/internal/store"
)

// Reverter undoes what a commit wrote, as the API would (package api): a client deleted, or
// given back its fields, under the version the commit left it at, with an event naming the
// import.
type Reverter interface {
	DeleteImported(ctx context.Context, tenant string, job *domain.Job, c *domain.Client) error
	UpdateImported(ctx context.Context, tenant string, job *domain.Job, old *domain.Client, f domain.Fields, defs domain.Definitions) error
}

// RevertStore is what a revert reads and keeps.
type RevertStore interface {
	CommitStore
	DeletedByImport(ctx context.Context, tenant, clientID, importID string) (bool, error)
}

// Revert runs an import's revert: every write its commit recorded, in row order, a page at a
// time. A client it created is deleted; a client it updated gets back the fields it had;
// either only if the client is still at the version the commit left it (otherwise it changed
// since: listed, never overwritten). A run again goes on from the last page recorded; a write
// already undone is found so (the client gone, or back at its version before) and counted.
type Revert struct {
	Imports RevertStore
	Writer  Reverter
	// Margin is the time an invocation keeps to hand over.
	Margin time.Duration
	// Parallel is the writes of a page undone at once (1 when 0).
	Parallel int
	// HotUnitsPerSecond bounds the write units a second the revert puts on the tenant's
	// busiest partition key (jobs.Pacer; 0: no pace). Sleep is the pacer's (nil: time.Sleep).
	HotUnitsPerSecond float64
	Sleep             func(time.Duration)
}

// revertPage is the writes a revert undoes at once.
const revertPage = 50

// Run reverts the import its job names, if that is still the import's current job.
func (rv *Revert) Run(ctx context.Context, run *jobs.Run) error {
	check := &Check{Imports: rv.Imports}
	im, err := check.current(ctx, run)
	if im == nil || err != nil {
		return err
	}
	defs, _, err := rv.Imports.GetDefinitions(ctx, run.Tenant)
	if err != nil {
		return err
	}
	resume := domain.JobResume{Reverted: &domain.ImportRevertResult{}}
	if run.Job.Resume != nil && run.Job.Resume.Reverted != nil {
		resume = *run.Job.Resume
	}
	counts := resume.Reverted
	pace := jobs.NewPacer(rv.HotUnitsPerSecond, rv.Sleep)
	for pages := 0; ; pages++ {
		if deadline, ok := ctx.Deadline(); ok && pages > 0 && time.Until(deadline) < rv.Margin {
			return jobs.ErrContinue
		}
		writes, err := rv.Imports.ImportWrites(ctx, run.Tenant, im, resume.Row, revertPage)
		if err != nil {
			return err
		}
		if len(writes) == 0 {
			break
		}
		ids := make([]string, len(writes))
		for i, w := range writes {
			ids[i] = w.ClientID
		}
		found, err := rv.Imports.ClientsByID(ctx, run.Tenant, ids)
		if err != nil {
			return err
		}
		byID := map[string]*domain.Client{}
		for _, c := range found {
			byID[c.ID] = c
		}
		// The page's writes undone Parallel at once, each at the pace of what it writes on the
		// busiest key (the client's entries, removed or written again). A write that fails
		// fails the run (no undo starts after it), and the next delivery redoes the page:
		// what was undone is found so.
		outcomes := make([]undoOutcome, len(writes))
		errs := make([]error, len(writes))
		var failed atomic.Bool
		inParallel(len(writes), rv.Parallel, func(i int) {
			if c := byID[writes[i].ClientID]; c != nil && !failed.Load() {
				pace.Spend(store.HotWriteUnits(run.Tenant, c, defs))
			}
		}, func(i int) {
			if failed.Load() {
				errs[i] = errStopped
				return
			}
			if outcomes[i], errs[i] = rv.undo(ctx, run, writes[i], byID[writes[i].ClientID], defs); errs[i] != nil {
				failed.Store(true)
			}
		})
		var changed [][]domain.ImportRowError
		for i, w := range writes {
			if errs[i] != nil {
				return fmt.Errorf("row %d: %w", w.Row, errs[i])
			}
			switch outcomes[i] {
			case undoDeleted:
				counts.Deleted++
			case undoRestored:
				counts.Restored++
			case undoNothing:
				counts.Untouched++
			case undoChanged:
				counts.ChangedSince++
				changed = append(changed, []domain.ImportRowError{{Row: w.Row, Column: -1, Code: domain.CodeChangedSince}})
			}
		}
		if err := rv.Imports.PutImportErrors(ctx, run.Tenant, im, changed); err != nil {
			return err
		}
		resume.Row = writes[len(writes)-1].Row
		done := int64(counts.Deleted + counts.Restored + counts.Untouched + counts.ChangedSince)
		if err := run.ProgressAt(ctx, domain.JobProgress{Done: done, Failed: int64(counts.ChangedSince)},
			&domain.JobResume{Row: resume.Row, Reverted: counts}); err != nil {
			if errors.Is(err, jobs.ErrCancelled) {
				im.Status, im.Reverted = domain.ImportCancelled, counts
				return check.record(ctx, run, im, err)
			}
			return err
		}
	}
	im.Status, im.Reverted = domain.ImportReverted, counts
	return check.record(ctx, run, im, nil)
}

// errStopped is the error of an undo not started, after another failed.
var errStopped = errors.New("not undone: an undo before failed")

type undoOutcome int

const (
	undoNothing undoOutcome = iota
	undoDeleted
	undoRestored
	undoChanged
)

// undo undoes one write, if the client is still as the commit left it.
func (rv *Revert) undo(ctx context.Context, run *jobs.Run, w domain.ImportWrite, c *domain.Client, defs domain.Definitions) (undoOutcome, error) {
	switch {
	case w.Action == domain.ActionCreated && c == nil:
		// Deleted by a run of a revert that died after it, or a revert before (its deletion's
		// event names the import); else never made, or deleted by someone since.
		deleted, err := rv.Imports.DeletedByImport(ctx, run.Tenant, w.ClientID, run.Job.Import.ImportID)
		if deleted {
			return undoDeleted, err
		}
		return undoNothing, err
	case w.Action == domain.ActionCreated && c.Version == w.Version:
		err := rv.Writer.DeleteImported(ctx, run.Tenant, run.Job, c)
		return rv.outcome(undoDeleted, err)
	case w.Action == domain.ActionUpdated && c != nil && c.Version == w.Version-1:
		return undoNothing, nil // the update was never made
	case w.Action == domain.ActionUpdated && c != nil && c.Version == w.Version && w.Before != nil:
		err := rv.Writer.UpdateImported(ctx, run.Tenant, run.Job, c, *w.Before, defs)
		return rv.outcome(undoRestored, err)
	case w.Action == domain.ActionUpdated && c != nil && c.Version == w.Version+1 && w.Before != nil && sameFields(c.Fields, *w.Before):
		return undoRestored, nil // by a run of a revert that died after it, or a revert before
	}
	return undoChanged, nil
}

// sameFields reports whether two clients' fields are the same, as stored (an empty list or
// map is no list or map).
func sameFields(a, b domain.Fields) bool {
	x, errX := json.Marshal(a)
	y, errY := json.Marshal(b)
	return errX == nil && errY == nil && bytes.Equal(x, y)
}

// outcome is what a write's answer means: done; changed since when another write came first
// (or the value it gives back is someone else's now); the run's failure otherwise.
func (rv *Revert) outcome(done undoOutcome, err error) (undoOutcome, error) {
	var de *domain.Error
	switch {
	case err == nil:
		return done, nil
	case retry.Busy(err) || !errors.As(err, &de):
		return undoNothing, err
	}
	return undoChanged, nil
}
