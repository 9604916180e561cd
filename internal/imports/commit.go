package imports

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strconv"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/google/uuid"

	"github.com/clientdesk/clientdesk/internal/domain"
	"github.com/clientdesk/clientdesk/internal/jobs"
	"github.com/clientdesk/clientdesk/internal/retry"
	"github.com/clientdesk/clientdesk/internal/sheet"
	"github.com/clientdesk/clientdesk/internal/store"
)

// Writer writes an import's rows as clients, as the API writes them (package api): the
// record, its filing, the counts, unique e-mail and code, and an event naming the import, in
// one transaction.
type Writer interface {
	CreateImported(ctx context.Context, tenant string, job *domain.Job, id string, f domain.Fields, defs domain.Definitions, defsVersion int64) error
	UpdateImported(ctx context.Context, tenant string, job *domain.Job, old *domain.Client, f domain.Fields, defs domain.Definitions) error
}

// CommitStore is what a commit reads besides what a check reads: the clients the rows
// create, by the ids the rows give them.
type CommitStore interface {
	Store
	ClientsByID(ctx context.Context, tenant string, ids []string) ([]*domain.Client, error)
	PutImportWrites(ctx context.Context, tenant string, im *domain.Import, writes []domain.ImportWrite) error
	DeleteImportWrites(ctx context.Context, tenant string, im *domain.Import, rows []int) error
	ImportWrites(ctx context.Context, tenant string, im *domain.Import, after, limit int) ([]domain.ImportWrite, error)
}

// Commit runs an import's commit: the file read again with the mapping its check used, every
// row checked again against the clients as they are now (a row gone bad since is skipped and
// listed, never written), the good ones written, a batch of rows at a time, several at once.
//
// Each row is written once however often the job runs: a row's client has an id made from
// the import and the row (RowID), so a run after a crash or a redelivered message finds the
// clients it made and counts them done; an update already made finds the client as the row
// wants it, and at the version its record says it made (counted updated, not unchanged).
// The last row done and the counts so far are recorded with the job's
// progress after each batch, and a next run goes on from there.
type Commit struct {
	Imports CommitStore
	Writer  Writer
	S3      *s3.Client
	Bucket  string
	// ParsePhone reads phones (package phone).
	ParsePhone domain.PhoneParser
	TempDir    string
	// Parallel is the rows of a batch written at once (1 when 0).
	Parallel int
	// Margin is the time an invocation keeps to hand over: a batch is not started with less.
	Margin time.Duration
	// HotUnitsPerSecond bounds the write units a second the commit puts on the tenant's
	// busiest partition key (jobs.Pacer; 0: no pace). Sleep is the pacer's (nil: time.Sleep).
	HotUnitsPerSecond float64
	Sleep             func(time.Duration)
}

// Run commits the import its job names, if that is still the import's current job.
func (c *Commit) Run(ctx context.Context, run *jobs.Run) error {
	check := &Check{Imports: c.Imports, S3: c.S3, Bucket: c.Bucket, ParsePhone: c.ParsePhone, TempDir: c.TempDir}
	im, err := check.current(ctx, run)
	if im == nil || err != nil {
		return err
	}
	r, header, closeFile, err := check.openFile(ctx, run, im)
	if r == nil {
		return err
	}
	defer closeFile()
	defs, defsVersion, err := c.Imports.GetDefinitions(ctx, run.Tenant)
	if err != nil {
		return err
	}
	lang := jobLang(run.Job)
	columns := setColumns(header.Cells, im.Columns)
	checker := NewChecker(Reading{Columns: columns, Definitions: defs, Lang: lang, Country: im.Country, ParsePhone: c.ParsePhone},
		Mode(im.Mode), Match(im.Match))
	sink := &checkSink{ctx: ctx, run: run, store: c.Imports, im: im, headers: header.Cells, lang: lang, columns: columns, defs: defs,
		last: time.Now(), tempDir: c.TempDir}
	defer sink.discard()
	resume := domain.JobResume{Result: &domain.ImportResult{}}
	if run.Job.Resume != nil && run.Job.Resume.Result != nil {
		resume = *run.Job.Resume
	}
	cm := &committing{Commit: c, run: run, im: im, checker: checker, sink: sink, defs: defs, defsVersion: defsVersion, result: resume.Result,
		pace: jobs.NewPacer(c.HotUnitsPerSecond, c.Sleep), first: true}
	err = cm.rows(ctx, r, resume.Row)
	if errors.Is(err, jobs.ErrCancelled) {
		// Stopped by its requester: what is written stays written, the result says how far.
		im.Status, im.Result = domain.ImportCancelled, cm.result
		return check.record(ctx, run, im, err)
	}
	if err != nil {
		return err
	}
	// The failing rows' file holds this run's failures; the errors listing holds them all.
	if im.ErrorsFile, err = sink.keep(c.S3, c.Bucket); err != nil {
		return err
	}
	im.Status, im.Result = domain.ImportCommitted, cm.result
	run.Job.Progress = domain.JobProgress{Done: int64(cm.result.Rows), Total: int64(cm.result.Rows), Failed: int64(cm.result.Errors)}
	return check.record(ctx, run, im, nil)
}

// rows commits the rows after the row done (the rows before are read and checked all the
// same: the file's duplicates), a batch at a time, until the file ends or the invocation's
// time runs short.
func (cm *committing) rows(ctx context.Context, r sheet.Reader, done int) error {
	var batch []pending
	batches := 0
	for {
		row, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil && sheet.CodeOf(err) != sheet.CodeBadEncoding {
			return err // the check read this file through: a fault of the run, tried again
		}
		checked := cm.checker.Check(row, err)
		if row.Number <= done {
			continue
		}
		batch = append(batch, pending{checked: checked, cells: row.Cells, present: cm.checker.Present(row.Cells)})
		if len(batch) < BatchRows {
			continue
		}
		if err := cm.next(ctx, batch, batches); err != nil {
			return err
		}
		batch, batches = batch[:0], batches+1
	}
	if err := cm.next(ctx, batch, batches); err != nil {
		return err
	}
	return cm.sink.flush()
}

// next commits the next batch, unless the invocation has too little time left after the
// batches it did (it always does one: a job always moves on).
func (cm *committing) next(ctx context.Context, batch []pending, done int) error {
	if len(batch) == 0 {
		return nil
	}
	if deadline, ok := ctx.Deadline(); ok && done > 0 && time.Until(deadline) < cm.Margin {
		return jobs.ErrContinue // the progress of the last batch says where to go on
	}
	return cm.batch(ctx, batch)
}

// committing is one run of a commit.
type committing struct {
	*Commit
	run         *jobs.Run
	im          *domain.Import
	checker     *Checker
	sink        *checkSink
	defs        domain.Definitions
	defsVersion int64
	result      *domain.ImportResult
	pace        *jobs.Pacer
	// first: the next batch is the run's first, which a run that died may have begun.
	first bool
}

// batch writes a batch of rows: the clients their e-mails and codes belong to now, and those
// their ids name (made by an earlier run), read together; each row decided again and written,
// Parallel at once; the rows in error kept; the progress and the counts recorded.
func (cm *committing) batch(ctx context.Context, batch []pending) error {
	var emails, codes, ids []string
	for _, p := range batch {
		if p.checked.EmailKey != "" {
			emails = append(emails, p.checked.EmailKey)
		}
		if p.checked.CodeKey != "" {
			codes = append(codes, p.checked.CodeKey)
		}
		if len(p.checked.Errors) == 0 && !p.checked.Blank() {
			ids = append(ids, RowID(cm.run.Job, p.checked.Row))
		}
	}
	byEmail, byCode, err := cm.Imports.Holders(ctx, cm.run.Tenant, emails, codes)
	if err != nil {
		return err
	}
	made := map[string]bool{}
	if len(ids) > 0 {
		found, err := cm.Imports.ClientsByID(ctx, cm.run.Tenant, ids)
		if err != nil {
			return err
		}
		for _, c := range found {
			made[c.ID] = true
		}
	}
	// A run that died during this batch made some of its writes: their records say which
	// (an update's record holds the version it gave the client).
	var begun map[int]domain.ImportWrite
	if cm.first {
		cm.first = false
		earlier, err := cm.Imports.ImportWrites(ctx, cm.run.Tenant, cm.im, batch[0].checked.Row-1, len(batch))
		if err != nil {
			return err
		}
		begun = map[int]domain.ImportWrite{}
		for _, w := range earlier {
			begun[w.Row] = w
		}
	}
	type write struct {
		p      *pending
		id     string
		target *domain.Client
		fields *domain.Fields
		err    error
	}
	var writes []*write
	for i := range batch {
		p := &batch[i]
		cm.result.Rows++
		if id := RowID(cm.run.Job, p.checked.Row); made[id] {
			cm.result.Created++ // made by an earlier run of this commit
			continue
		}
		action, fields := cm.checker.Decide(&p.checked, p.present, byEmail[p.checked.EmailKey], byCode[p.checked.CodeKey])
		target := byEmail[p.checked.EmailKey]
		if cm.checker.Match == MatchCode {
			target = byCode[p.checked.CodeKey]
		}
		switch action {
		case ActionBlank:
			cm.result.Blank++
		case ActionUnchanged:
			if w, ok := begun[p.checked.Row]; ok && w.Action == domain.ActionUpdated && target != nil && target.Version == w.Version {
				cm.result.Updated++ // made by the run that died
				continue
			}
			cm.result.Unchanged++
		case ActionError:
			cm.result.Errors++
			if err := cm.sink.Failed(p.checked, p.cells); err != nil {
				return err
			}
		case ActionCreate:
			writes = append(writes, &write{p: p, id: RowID(cm.run.Job, p.checked.Row), fields: fields})
		case ActionUpdate:
			writes = append(writes, &write{p: p, target: target, fields: fields})
		}
	}
	// What the batch is about to write, recorded first (for a revert: the client's version
	// tells later whether the write was made).
	intents := make([]domain.ImportWrite, 0, len(writes))
	for _, w := range writes {
		if w.target == nil {
			intents = append(intents, domain.ImportWrite{Row: w.p.checked.Row, ClientID: w.id, Action: domain.ActionCreated, Version: 1})
		} else {
			before := w.target.Fields
			intents = append(intents, domain.ImportWrite{Row: w.p.checked.Row, ClientID: w.target.ID, Action: domain.ActionUpdated,
				Version: w.target.Version + 1, Before: &before})
		}
	}
	if err := cm.Imports.PutImportWrites(ctx, cm.run.Tenant, cm.im, intents); err != nil {
		return err
	}
	inParallel(len(writes), cm.Parallel, func(i int) {
		// The client as the row writes it, for what its write costs the busiest key.
		w := writes[i]
		written := &domain.Client{ID: w.id, Fields: *w.fields, Status: domain.StatusProspect}
		if w.target != nil {
			target := *w.target
			target.Fields = *w.fields
			written = &target
		}
		cm.pace.Spend(store.HotWriteUnits(cm.run.Tenant, written, cm.defs))
	}, func(i int) {
		w := writes[i]
		if w.target == nil {
			w.err = cm.Writer.CreateImported(ctx, cm.run.Tenant, cm.run.Job, w.id, *w.fields, cm.defs, cm.defsVersion)
		} else {
			w.err = cm.Writer.UpdateImported(ctx, cm.run.Tenant, cm.run.Job, w.target, *w.fields, cm.defs)
		}
	})
	var refused []int
	for _, w := range writes {
		var de *domain.Error
		if w.err != nil && errors.As(w.err, &de) && !retry.Busy(w.err) {
			refused = append(refused, w.p.checked.Row)
		}
		switch {
		case w.err == nil && w.target == nil:
			cm.result.Created++
		case w.err == nil:
			cm.result.Updated++
		case retry.Busy(w.err) || !errors.As(w.err, &de):
			// Not the row's fault: the run stops here and is tried again from the last batch.
			return fmt.Errorf("row %d: %w", w.p.checked.Row, w.err)
		default:
			// Since the check, another write took the row's e-mail or code, or changed the
			// client it updates: the row is skipped and said.
			cm.result.Errors++
			w.p.checked.Errors = append(w.p.checked.Errors, rowErrorOf(cm.checker, de))
			if err := cm.sink.Failed(w.p.checked, w.p.cells); err != nil {
				return err
			}
		}
	}
	// A write refused is no write: a revert must not take the client's version for its.
	if err := cm.Imports.DeleteImportWrites(ctx, cm.run.Tenant, cm.im, refused); err != nil {
		return err
	}
	if err := cm.sink.flush(); err != nil {
		return err
	}
	last := batch[len(batch)-1].checked.Row
	// The check counted the rows: the progress has its total, for a percentage.
	var total int64
	if cm.im.Report != nil {
		total = int64(max(cm.im.Report.Rows, cm.result.Rows))
	}
	return cm.run.ProgressAt(ctx, domain.JobProgress{Done: int64(cm.result.Rows), Total: total, Failed: int64(cm.result.Errors)},
		&domain.JobResume{Row: last, Result: cm.result})
}

// rowErrorOf says what a write's refusal means for its row, on the column at fault.
func rowErrorOf(c *Checker, de *domain.Error) CellError {
	switch de.Code {
	case domain.CodeEmailTaken:
		return CellError{Column: c.Column("email"), Code: CodeAlreadyExists, Param: "email"}
	case domain.CodeCodeTaken:
		return CellError{Column: c.Column("code"), Code: CodeAlreadyExists, Param: "code"}
	case domain.CodeValidation:
		if len(de.Fields) > 0 {
			return CellError{Column: -1, Code: de.Fields[0].Code, Param: de.Fields[0].Param}
		}
	}
	return CellError{Column: -1, Code: de.Code, Param: de.Param}
}

// RowID is the id a commit gives the client a row creates: a UUIDv7 of the commit job's
// creation time (clients sort by creation, and an import's in its rows' order), the row's
// number in its first 24 random bits, the rest from a hash of the import and the row. The
// same on every run of the job; no other import's row has it.
func RowID(job *domain.Job, row int) string {
	sum := sha256.Sum256([]byte(job.Import.ImportID + "/" + strconv.Itoa(row)))
	var u uuid.UUID
	var ms [8]byte
	binary.BigEndian.PutUint64(ms[:], uint64(job.CreatedAt.UnixMilli()))
	copy(u[0:6], ms[2:8])
	u[6] = 0x70 | byte(row>>20)&0x0f
	u[7] = byte(row >> 12)
	u[8] = 0x80 | byte(row>>6)&0x3f
	u[9] = byte(row<<2) | sum[0]&0x03
	copy(u[10:], sum[1:7])
	return u.String()
}

// inParallel runs do(i) for every i below n, at most parallel at once (1 when 0), each
// started once before(i) has returned (a pacer's wait); it returns when all are done.
func inParallel(n, parallel int, before, do func(i int)) {
	var wg sync.WaitGroup
	slots := make(chan struct{}, max(parallel, 1))
	for i := range n {
		before(i)
		slots <- struct{}{}
		wg.Go(func() {
			defer func() { <-slots }()
			do(i)
		})
	}
	wg.Wait()
}
