package store

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/clientdesk/clientdesk/internal/config"
	"github.com/clientdesk/clientdesk/internal/domain"
)

// A tenant's imports live in one partition by id (UUIDv7: by creation): T#<t>#IMPORTS /
// <import id>. They expire with their file (config.ImportRetention).

func importsPK(tenant string) string { return "T#" + tenant + "#IMPORTS" }

type importItem struct {
	PK      string `json:"PK"`
	SK      string `json:"SK"`
	Expires int64  `json:"expires_at"`
	domain.Import
}

// CreateImport records a new import with the request's idempotency record.
func (s *Store) CreateImport(ctx context.Context, tenant string, im *domain.Import, idem *Idempotency) error {
	item, err := marshalItem(importItem{PK: importsPK(tenant), SK: im.ID, Expires: im.CreatedAt.Add(config.ImportRetention).Unix(), Import: *im})
	if err != nil {
		return err
	}
	writes, err := s.withIdempotency(tenant, idem)
	if err != nil {
		return err
	}
	writes = append(writes, write{err: fmt.Errorf("import %s exists", im.ID), item: types.TransactWriteItem{Put: &types.Put{
		TableName: aws.String(s.table), Item: item, ConditionExpression: aws.String("attribute_not_exists(PK)"),
	}}})
	return s.transact(ctx, writes)
}

// GetImport reads an import (strongly consistent); domain.ErrImportNotFound when there is none.
func (s *Store) GetImport(ctx context.Context, tenant, id string) (*domain.Import, error) {
	it, err := getItem[importItem](ctx, s, importsPK(tenant), id, domain.ErrImportNotFound)
	if err != nil {
		return nil, err
	}
	return &it.Import, nil
}

// StartImportJob records im (its mapping changed and its status checking, or its status
// committing; job its check or commit) in place of the version expected, and queues job, in
// one transaction: a mapping changed by
// someone else since the caller read the import fails with domain.ErrPreconditionFailed;
// ErrTooManyJobs when the tenant has max jobs unfinished.
func (s *Store) StartImportJob(ctx context.Context, tenant string, im *domain.Import, expected int64, job *domain.Job, max int) error {
	item, err := marshalItem(importItem{PK: importsPK(tenant), SK: im.ID, Expires: im.CreatedAt.Add(config.ImportRetention).Unix(), Import: *im})
	if err != nil {
		return err
	}
	writes, err := s.createJobWrites(tenant, job, max)
	if err != nil {
		return err
	}
	writes = append(writes, write{err: domain.ErrPreconditionFailed, item: types.TransactWriteItem{Put: &types.Put{
		TableName: aws.String(s.table), Item: item, ConditionExpression: aws.String("version = :v"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":v": number(expected)},
	}}})
	return s.transact(ctx, writes)
}

// ErrImportMoved is what recording a check's result meets when the import has moved on (a
// new mapping, a new check): the result is for a version nobody will read.
var ErrImportMoved = errors.New("import moved on to another version")

// RecordImport replaces an import as a run of its job leaves it, on condition that it is
// still at the same version and with the same job (ErrImportMoved otherwise).
func (s *Store) RecordImport(ctx context.Context, tenant string, im *domain.Import) error {
	item, err := marshalItem(importItem{PK: importsPK(tenant), SK: im.ID, Expires: im.CreatedAt.Add(config.ImportRetention).Unix(), Import: *im})
	if err != nil {
		return err
	}
	return s.transact(ctx, []write{{err: ErrImportMoved, item: types.TransactWriteItem{Put: &types.Put{
		TableName: aws.String(s.table), Item: item, ConditionExpression: aws.String("version = :v AND job_id = :job"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":v": number(im.Version), ":job": str(im.JobID)},
	}}}})
}

// StopImport marks the import of a job that ended without its run recording so (failed for
// good, or cancelled before a run saw the request: status; domain.Import.Stop), if the import
// is still that job's: nothing otherwise.
func (s *Store) StopImport(ctx context.Context, tenant string, job *domain.Job, status domain.ImportStatus) error {
	if job.Import == nil {
		return nil
	}
	im, err := s.GetImport(ctx, tenant, job.Import.ImportID)
	if err != nil || im.JobID != job.ID || im.Version != job.Import.Version || !im.Stop(job, status) {
		return err
	}
	if err := s.RecordImport(ctx, tenant, im); !errors.Is(err, ErrImportMoved) {
		return err
	}
	return nil
}

// A check's errors live in the import's own partition, one item per row in error, by the
// version checked and the row: T#<t>#IMPORT#<id> / E#<version>#<row>, both zero-padded so
// that they sort as numbers. A new check writes under its own version; the old ones expire
// with the import.

func importPK(tenant, id string) string { return "T#" + tenant + "#IMPORT#" + id }

func importErrorSK(version int64, row int) string { return fmt.Sprintf("E#%010d#%010d", version, row) }

type importErrorItem struct {
	PK      string                  `json:"PK"`
	SK      string                  `json:"SK"`
	Expires int64                   `json:"expires_at"`
	Row     int                     `json:"row"`
	Errors  []domain.ImportRowError `json:"errors"`
}

// PutImportErrors records the rows in error a check found (each row's errors together), in
// BatchWriteItem requests of 25: a row written again by a second run of the check is
// replaced, never doubled.
func (s *Store) PutImportErrors(ctx context.Context, tenant string, im *domain.Import, rows [][]domain.ImportRowError) error {
	reqs := make([]types.WriteRequest, 0, len(rows))
	for _, errs := range rows {
		if len(errs) == 0 {
			continue
		}
		item, err := marshalItem(importErrorItem{PK: importPK(tenant, im.ID), SK: importErrorSK(im.Version, errs[0].Row),
			Expires: im.CreatedAt.Add(config.ImportRetention).Unix(), Row: errs[0].Row, Errors: errs})
		if err != nil {
			return err
		}
		reqs = append(reqs, types.WriteRequest{PutRequest: &types.PutRequest{Item: item}})
	}
	return s.batchWrite(ctx, reqs)
}

// ImportErrorPage is a page of a check's errors, by row, and the cursor of the next page.
type ImportErrorPage struct {
	Items      []domain.ImportRowError
	NextCursor string
}

// ImportErrors returns a page of the rows in error of an import's check at version, in row
// order: limit rows (each with all its errors), after cursor.
func (s *Store) ImportErrors(ctx context.Context, tenant string, im *domain.Import, cursor string, limit int) (ImportErrorPage, error) {
	pk, prefix := importPK(tenant, im.ID), fmt.Sprintf("E#%010d#", im.Version)
	in := s.query(pk, true)
	in.KeyConditionExpression = aws.String("#pk = :pk AND begins_with(#sk, :prefix)")
	in.ExpressionAttributeNames["#sk"] = Schema.Keys.Sort
	in.ExpressionAttributeValues[":prefix"] = str(prefix)
	p := queryPlan{in: in, keyAttrs: []string{Schema.Keys.Partition, Schema.Keys.Sort},
		partition: map[string]string{Schema.Keys.Partition: pk},
		sortAttr:  Schema.Keys.Sort, sortFits: func(sk string) bool { return strings.HasPrefix(sk, prefix) }}
	selection := "import-errors|" + im.ID + "|" + strconv.FormatInt(im.Version, 10)
	if err := p.startAt(tenant, selection, cursor); err != nil {
		return ImportErrorPage{}, err
	}
	items, position, err := s.collect(ctx, p, limit, nil)
	if err != nil {
		return ImportErrorPage{}, err
	}
	page := ImportErrorPage{Items: []domain.ImportRowError{}}
	if position != nil {
		page.NextCursor = encodeCursor(tenant, selection, position)
	}
	for _, item := range items {
		it, err := decode[importErrorItem](item)
		if err != nil {
			return ImportErrorPage{}, err
		}
		page.Items = append(page.Items, it.Errors...)
	}
	return page, nil
}

// What a commit wrote, row by row, in the import's partition: T#<t>#IMPORT#<id> / W#<row>.
// A commit records each row's write before making it (an intent: the client's version tells
// whether it was made), so that a revert knows every client it created and every field it
// changed, with the fields as they were.

func importWriteSK(row int) string { return fmt.Sprintf("W#%010d", row) }

type importWriteItem struct {
	PK      string `json:"PK"`
	SK      string `json:"SK"`
	Expires int64  `json:"expires_at"`
	domain.ImportWrite
}

// PutImportWrites records what a commit is about to write (BatchWriteItem of 25; a row
// recorded again is replaced).
func (s *Store) PutImportWrites(ctx context.Context, tenant string, im *domain.Import, writes []domain.ImportWrite) error {
	reqs := make([]types.WriteRequest, 0, len(writes))
	for _, w := range writes {
		item, err := marshalItem(importWriteItem{PK: importPK(tenant, im.ID), SK: importWriteSK(w.Row),
			Expires: im.CreatedAt.Add(config.ImportRetention).Unix(), ImportWrite: w})
		if err != nil {
			return err
		}
		reqs = append(reqs, types.WriteRequest{PutRequest: &types.PutRequest{Item: item}})
	}
	return s.batchWrite(ctx, reqs)
}

// ImportWrites returns up to limit of a commit's writes after row after, in row order.
func (s *Store) ImportWrites(ctx context.Context, tenant string, im *domain.Import, after, limit int) ([]domain.ImportWrite, error) {
	in := s.query(importPK(tenant, im.ID), true)
	in.KeyConditionExpression = aws.String("#pk = :pk AND #sk BETWEEN :from AND :to")
	in.ExpressionAttributeNames["#sk"] = Schema.Keys.Sort
	in.ExpressionAttributeValues[":from"] = str(importWriteSK(after + 1))
	in.ExpressionAttributeValues[":to"] = str(importWriteSK(math.MaxInt32))
	in.ConsistentRead = aws.Bool(true)
	in.Limit = aws.Int32(int32(limit))
	out, err := s.db.Query(ctx, in)
	if err != nil {
		return nil, fmt.Errorf("import writes: %w", err)
	}
	writes := make([]domain.ImportWrite, 0, len(out.Items))
	for _, item := range out.Items {
		it, err := decode[importWriteItem](item)
		if err != nil {
			return nil, err
		}
		writes = append(writes, it.ImportWrite)
	}
	return writes, nil
}

// DeleteImportWrites forgets the writes of rows that a commit did not make after all.
func (s *Store) DeleteImportWrites(ctx context.Context, tenant string, im *domain.Import, rows []int) error {
	reqs := make([]types.WriteRequest, 0, len(rows))
	for _, row := range rows {
		reqs = append(reqs, types.WriteRequest{DeleteRequest: &types.DeleteRequest{Key: key(importPK(tenant, im.ID), importWriteSK(row))}})
	}
	return s.batchWrite(ctx, reqs)
}

// DeletedByImport reports whether the client was deleted by a revert of the import: its
// deletion's event, which outlives the client (redacted), names the import.
func (s *Store) DeletedByImport(ctx context.Context, tenant, clientID, importID string) (bool, error) {
	page, err := s.Events(ctx, tenant, EventQuery{ClientID: clientID, Actions: []domain.Action{domain.ActionDeleted}, Limit: 10})
	if err != nil {
		return false, err
	}
	for _, e := range page.Items {
		if e.ImportID == importID {
			return true, nil
		}
	}
	return false, nil
}
