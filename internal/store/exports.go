package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/clientdesk/clientdesk/internal/config"
	"github.com/clientdesk/clientdesk/internal/domain"
)

// Export jobs of a tenant live in one partition, by id (newest last), with the count of jobs
// not finished yet: T#<t>#EXPORTS / <job id>, and T#<t>#EXPORTS / ~RUNNING.

func exportsPK(tenant string) string { return "T#" + tenant + "#EXPORTS" }

const runningSK = "~RUNNING"

type exportItem struct {
	PK      string `json:"PK"`
	SK      string `json:"SK"`
	Expires int64  `json:"expires_at"`
	domain.ExportJob
}

// Errors of the export jobs.
var (
	ErrTooManyExports = errors.New("too many exports running")
	ErrExportFinished = errors.New("export already finished")
	ErrExportRun      = errors.New("export taken over by another run")
)

func (s *Store) exportItem(tenant string, j *domain.ExportJob) (map[string]types.AttributeValue, error) {
	return marshalItem(exportItem{PK: exportsPK(tenant), SK: j.ID,
		Expires: j.CreatedAt.Add(config.ExportJobRetention).Unix(), ExportJob: *j})
}

// CreateExport records a queued job, on condition that the tenant has fewer than max jobs
// unfinished (ErrTooManyExports otherwise), with the request's idempotency record.
func (s *Store) CreateExport(ctx context.Context, tenant string, j *domain.ExportJob, max int, idem *Idempotency) error {
	item, err := s.exportItem(tenant, j)
	if err != nil {
		return err
	}
	writes, err := s.withIdempotency(tenant, idem)
	if err != nil {
		return err
	}
	writes = append(writes, write{err: ErrTooManyExports, item: types.TransactWriteItem{Update: &types.Update{
		TableName:           aws.String(s.table),
		Key:                 key(exportsPK(tenant), runningSK),
		UpdateExpression:    aws.String("ADD running :one"),
		ConditionExpression: aws.String("attribute_not_exists(running) OR running < :max"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":one": &types.AttributeValueMemberN{Value: "1"}, ":max": &types.AttributeValueMemberN{Value: strconv.Itoa(max)}},
	}}}, write{err: fmt.Errorf("export %s exists", j.ID), item: types.TransactWriteItem{Put: &types.Put{
		TableName: aws.String(s.table), Item: item, ConditionExpression: aws.String("attribute_not_exists(PK)"),
	}}})
	return s.transact(ctx, writes)
}

// GetExport reads a job (strongly consistent); domain.ErrExportNotFound when there is none.
func (s *Store) GetExport(ctx context.Context, tenant, id string) (*domain.ExportJob, error) {
	if id == runningSK {
		return nil, domain.ErrExportNotFound
	}
	it, err := getItem[exportItem](ctx, s, exportsPK(tenant), id, domain.ErrExportNotFound)
	if err != nil {
		return nil, err
	}
	return &it.ExportJob, nil
}

// ListExports returns the tenant's most recent jobs, newest first.
func (s *Store) ListExports(ctx context.Context, tenant string, limit int) ([]*domain.ExportJob, error) {
	out, err := s.db.Query(ctx, &dynamodb.QueryInput{
		TableName:                 aws.String(s.table),
		KeyConditionExpression:    aws.String("PK = :pk AND SK < :running"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": str(exportsPK(tenant)), ":running": str(runningSK)},
		ScanIndexForward:          aws.Bool(false),
		Limit:                     aws.Int32(int32(limit)),
	})
	if err != nil {
		return nil, fmt.Errorf("list exports: %w", err)
	}
	jobs := make([]*domain.ExportJob, 0, len(out.Items))
	for _, item := range out.Items {
		it, err := decode[exportItem](item)
		if err != nil {
			return nil, err
		}
		jobs = append(jobs, &it.ExportJob)
	}
	return jobs, nil
}

// updateExport runs one conditional UpdateItem on a job and returns the job as it is afterwards.
func (s *Store) updateExport(ctx context.Context, tenant, id, expr, cond string, values map[string]types.AttributeValue, names map[string]string, failed error) (*domain.ExportJob, error) {
	in := &dynamodb.UpdateItemInput{
		TableName: aws.String(s.table), Key: key(exportsPK(tenant), id),
		UpdateExpression: aws.String(expr), ConditionExpression: aws.String(cond),
		ExpressionAttributeValues: values, ReturnValues: types.ReturnValueAllNew,
	}
	if len(names) > 0 {
		in.ExpressionAttributeNames = names
	}
	out, err := s.db.UpdateItem(ctx, in)
	var ccf *types.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		return nil, failed
	}
	if err != nil {
		return nil, fmt.Errorf("update export: %w", err)
	}
	it, err := decode[exportItem](out.Attributes)
	if err != nil {
		return nil, err
	}
	return &it.ExportJob, nil
}

// ClaimExport starts a run of a job that is queued or running (a redelivered message after a
// crash): the run gets its id, and any older run can no longer write. ErrExportFinished if
// the job is ready, failed or unknown: one request answers whether there is work at all.
func (s *Store) ClaimExport(ctx context.Context, tenant, id, runID string, now time.Time) (*domain.ExportJob, error) {
	return s.updateExport(ctx, tenant, id,
		"SET #st = :running, run_id = :run, started_at = if_not_exists(started_at, :now), rows_written = :zero ADD attempt :one",
		"attribute_exists(PK) AND #st IN (:queued, :running)",
		map[string]types.AttributeValue{":running": str(string(domain.ExportRunning)), ":queued": str(string(domain.ExportQueued)),
			":run": str(runID), ":now": str(now.UTC().Format(time.RFC3339Nano)), ":zero": &types.AttributeValueMemberN{Value: "0"},
			":one": &types.AttributeValueMemberN{Value: "1"}},
		map[string]string{"#st": "status"}, ErrExportFinished)
}

// ExportProgress records the rows a run has written so far.
func (s *Store) ExportProgress(ctx context.Context, tenant, id, runID string, rows int64) error {
	_, err := s.updateExport(ctx, tenant, id, "SET rows_written = :rows", "run_id = :run",
		map[string]types.AttributeValue{":rows": &types.AttributeValueMemberN{Value: strconv.FormatInt(rows, 10)}, ":run": str(runID)},
		nil, ErrExportRun)
	return err
}

// FinishExport ends a run: ready with its file, or failed with a reason; the tenant's count of
// unfinished jobs goes down in the same transaction. ErrExportRun if another run took over.
func (s *Store) FinishExport(ctx context.Context, tenant string, j *domain.ExportJob, runID string) error {
	item, err := s.exportItem(tenant, j)
	if err != nil {
		return err
	}
	return s.transact(ctx, []write{{err: ErrExportRun, item: types.TransactWriteItem{Put: &types.Put{
		TableName: aws.String(s.table), Item: item,
		ConditionExpression:       aws.String("run_id = :run AND #st = :running"),
		ExpressionAttributeNames:  map[string]string{"#st": "status"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":run": str(runID), ":running": str(string(domain.ExportRunning))},
	}}}, {item: types.TransactWriteItem{Update: &types.Update{
		TableName: aws.String(s.table), Key: key(exportsPK(tenant), runningSK),
		UpdateExpression:          aws.String("ADD running :minus"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":minus": &types.AttributeValueMemberN{Value: "-1"}},
	}}}})
}

// MarkExportNotified reports whether this call is the one to notify the requester: of any
// number of calls (a redelivered message), exactly one gets true.
func (s *Store) MarkExportNotified(ctx context.Context, tenant, id string) (bool, error) {
	_, err := s.updateExport(ctx, tenant, id, "SET notified = :t", "attribute_not_exists(notified)",
		map[string]types.AttributeValue{":t": &types.AttributeValueMemberBOOL{Value: true}}, nil, ErrExportFinished)
	if errors.Is(err, ErrExportFinished) {
		return false, nil
	}
	return err == nil, err
}
