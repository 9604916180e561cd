package imports

import (
	"context"
	"io"

	"github.com/clientdesk/clientdesk/internal/domain"
	"github.com/clientdesk/clientdesk/internal/sheet"
)

// BatchRows is how many rows are checked against the existing clients at once: their
// e-mails and codes in one lookup (store.Holders: two BatchGetItem requests of 100 keys).
const BatchRows = 50

// Report counts what a file's rows would do.
type Report = domain.ImportReport

// Lookup finds the clients holding e-mails and codes (see store.Holders).
type Lookup func(ctx context.Context, emails, codes []string) (byEmail, byCode map[string]*domain.Client, err error)

// Sink receives what a validation run finds, as it goes.
type Sink interface {
	// Failed is told of each row in error, with its cells (for the file of failing rows).
	Failed(ch Checked, cells []string) error
	// Progress is told after each batch of the rows read so far and the report.
	Progress(rows int, report Report) error
}

type pending struct {
	checked Checked
	cells   []string
	present []string
}

// Validate checks every row r has left (the header read already) with c, against the clients
// lookup finds, batch by batch: nothing is written to the clients. A file that stops being
// readable ends the run with the reader's error; the rows before it are counted.
func Validate(ctx context.Context, r sheet.Reader, c *Checker, lookup Lookup, sink Sink) (Report, error) {
	var report Report
	var batch []pending
	flush := func() error {
		if err := c.decideBatch(ctx, batch, lookup, sink, &report); err != nil {
			return err
		}
		batch = batch[:0]
		return sink.Progress(report.Rows, report)
	}
	for {
		row, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil && sheet.CodeOf(err) != sheet.CodeBadEncoding {
			if ferr := flush(); ferr != nil {
				return report, ferr
			}
			return report, err
		}
		report.Rows++
		batch = append(batch, pending{checked: c.Check(row, err), cells: row.Cells, present: c.Present(row.Cells)})
		if len(batch) == BatchRows {
			if err := flush(); err != nil {
				return report, err
			}
		}
	}
	return report, flush()
}

func (c *Checker) decideBatch(ctx context.Context, batch []pending, lookup Lookup, sink Sink, report *Report) error {
	var emails, codes []string
	for _, p := range batch {
		if p.checked.EmailKey != "" {
			emails = append(emails, p.checked.EmailKey)
		}
		if p.checked.CodeKey != "" {
			codes = append(codes, p.checked.CodeKey)
		}
	}
	byEmail, byCode := map[string]*domain.Client{}, map[string]*domain.Client{}
	if len(emails)+len(codes) > 0 {
		var err error
		if byEmail, byCode, err = lookup(ctx, emails, codes); err != nil {
			return err
		}
	}
	for i := range batch {
		p := &batch[i]
		action, _ := c.Decide(&p.checked, p.present, byEmail[p.checked.EmailKey], byCode[p.checked.CodeKey])
		switch action {
		case ActionBlank:
			report.Blank++
		case ActionCreate:
			report.Create++
		case ActionUpdate:
			report.Update++
		case ActionUnchanged:
			report.Unchanged++
		case ActionError:
			report.Errors++
			if err := sink.Failed(p.checked, p.cells); err != nil {
				return err
			}
		}
	}
	return nil
}
