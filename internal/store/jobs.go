package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/clientdesk/clientdesk/internal/config"
	"github.com/clientdesk/clientdesk/internal/domain"
)

// A tenant's jobs, of every kind, live in one partition by id (UUIDv7: by creation), with the
// count of jobs not finished yet: T#<t>#JOBS / <job id>, and T#<t>#JOBS / ~RUNNING.

func jobsPK(tenant string) string { return "T#" + tenant + "#JOBS" }

const runningSK = "~RUNNING"

type jobItem struct {
	PK      string `json:"PK"`
	SK      string `json:"SK"`
	Expires int64  `json:"expires_at"`
	domain.Job
}

// Errors of the jobs.
var (
	ErrTooManyJobs = errors.New("too many jobs running")
	ErrJobFinished = errors.New("job already finished")
	ErrJobRun      = errors.New("job taken over by another run")
)

func (s *Store) jobItem(tenant string, j *domain.Job) (map[string]types.AttributeValue, error) {
	return marshalItem(jobItem{PK: jobsPK(tenant), SK: j.ID, Expires: j.CreatedAt.Add(config.JobRetention).Unix(), Job: *j})
}

// CreateJob records a queued job, on condition that the tenant has fewer than max jobs
// unfinished (ErrTooManyJobs otherwise), with the request's idempotency record.
func (s *Store) CreateJob(ctx context.Context, tenant string, j *domain.Job, max int, idem *Idempotency) error {
	writes, err := s.withIdempotency(tenant, idem)
	if err != nil {
		return err
	}
	jw, err := s.createJobWrites(tenant, j, max)
	if err != nil {
		return err
	}
	return s.transact(ctx, append(writes, jw...))
}

// createJobWrites are a new job's writes: the tenant's count of jobs running, on condition
// that it stays under max, and the job.
func (s *Store) createJobWrites(tenant string, j *domain.Job, max int) ([]write, error) {
	item, err := s.jobItem(tenant, j)
	if err != nil {
		return nil, err
	}
	return []write{{err: ErrTooManyJobs, item: types.TransactWriteItem{Update: &types.Update{
		TableName:                 aws.String(s.table),
		Key:                       key(jobsPK(tenant), runningSK),
		UpdateExpression:          aws.String("ADD running :one"),
		ConditionExpression:       aws.String("attribute_not_exists(running) OR running < :max"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":one": number(1), ":max": number(int64(max))},
	}}}, {err: fmt.Errorf("job %s exists", j.ID), item: types.TransactWriteItem{Put: &types.Put{
		TableName: aws.String(s.table), Item: item, ConditionExpression: aws.String("attribute_not_exists(PK)"),
	}}}}, nil
}

// GetJob reads a job (strongly consistent); domain.ErrJobNotFound when there is none.
func (s *Store) GetJob(ctx context.Context, tenant, id string) (*domain.Job, error) {
	if id == runningSK {
		return nil, domain.ErrJobNotFound
	}
	it, err := getItem[jobItem](ctx, s, jobsPK(tenant), id, domain.ErrJobNotFound)
	if err != nil {
		return nil, err
	}
	return &it.Job, nil
}

// JobQuery asks for a page of a tenant's jobs, newest first, of one kind or all.
type JobQuery struct {
	Kind   domain.JobKind
	Limit  int
	Cursor string
}

// JobPage is a page of jobs and the cursor of the next one ("" on the last page).
type JobPage struct {
	Items      []*domain.Job
	NextCursor string
}

// ListJobs returns a page of the tenant's jobs, newest first (one Query; a kind is checked on
// the jobs read, so a page of one kind may come back short).
func (s *Store) ListJobs(ctx context.Context, tenant string, q JobQuery) (JobPage, error) {
	in := s.query(jobsPK(tenant), false)
	in.KeyConditionExpression = aws.String("#pk = :pk AND #sk < :running")
	in.ExpressionAttributeNames["#sk"] = Schema.Keys.Sort
	in.ExpressionAttributeValues[":running"] = str(runningSK)
	p := queryPlan{in: in, keyAttrs: []string{Schema.Keys.Partition, Schema.Keys.Sort},
		partition: map[string]string{Schema.Keys.Partition: jobsPK(tenant)},
		sortAttr:  Schema.Keys.Sort, sortFits: func(sk string) bool { return sk < runningSK }}
	if q.Kind != "" {
		p.keep = append(p.keep, func(it map[string]types.AttributeValue) bool { return attrString(it, "kind") == string(q.Kind) })
	}
	selection := "jobs|kind=" + string(q.Kind)
	if err := p.startAt(tenant, selection, q.Cursor); err != nil {
		return JobPage{}, err
	}
	items, position, err := s.collect(ctx, p, q.Limit, nil)
	if err != nil {
		return JobPage{}, err
	}
	var page JobPage
	if position != nil {
		page.NextCursor = encodeCursor(tenant, selection, position)
	}
	for _, item := range items {
		it, err := decode[jobItem](item)
		if err != nil {
			return JobPage{}, err
		}
		page.Items = append(page.Items, &it.Job)
	}
	return page, nil
}

// updateJob runs one conditional UpdateItem on a job and returns the job as it is afterwards.
func (s *Store) updateJob(ctx context.Context, tenant, id, expr, cond string, values map[string]types.AttributeValue, failed error) (*domain.Job, error) {
	in := &dynamodb.UpdateItemInput{
		TableName: aws.String(s.table), Key: key(jobsPK(tenant), id),
		UpdateExpression: aws.String(expr), ConditionExpression: aws.String(cond),
		ExpressionAttributeValues: values, ReturnValues: types.ReturnValueAllNew,
	}
	if strings.Contains(expr+cond, "#st") {
		in.ExpressionAttributeNames = map[string]string{"#st": "status"}
	}
	out, err := s.db.UpdateItem(ctx, in)
	var ccf *types.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		return nil, failed
	}
	if err != nil {
		return nil, fmt.Errorf("update job: %w", err)
	}
	it, err := decode[jobItem](out.Attributes)
	if err != nil {
		return nil, err
	}
	return &it.Job, nil
}

// ClaimJob starts a run of a job that is queued or running (a redelivered message after a
// crash): the run gets its id, and any older run can no longer write. ErrJobFinished if the
// job has ended or is unknown: one request answers whether there is work at all.
func (s *Store) ClaimJob(ctx context.Context, tenant, id, runID string, now time.Time) (*domain.Job, error) {
	return s.updateJob(ctx, tenant, id,
		"SET #st = :running, run_id = :run, started_at = if_not_exists(started_at, :now) ADD attempt :one",
		"attribute_exists(PK) AND #st IN (:queued, :running)",
		map[string]types.AttributeValue{":running": str(string(domain.JobRunning)), ":queued": str(string(domain.JobQueued)),
			":run": str(runID), ":now": str(domain.At(now).String()), ":one": number(1)}, ErrJobFinished)
}

// ReportProgress records how far a run has gone (and, when resume is not nil, where the next
// run would go on from) and tells whether the job is to stop (a cancellation was asked).
// ErrJobRun if another run took over.
func (s *Store) ReportProgress(ctx context.Context, tenant, id, runID string, p domain.JobProgress, resume *domain.JobResume) (cancel bool, err error) {
	v, err := marshalItem(struct {
		P domain.JobProgress `json:"p"`
		R *domain.JobResume  `json:"r,omitempty"`
	}{p, resume})
	if err != nil {
		return false, err
	}
	expr := "SET progress = :p"
	values := map[string]types.AttributeValue{":p": v["p"], ":run": str(runID), ":running": str(string(domain.JobRunning))}
	if resume != nil {
		expr += ", resume = :r"
		values[":r"] = v["r"]
	}
	j, err := s.updateJob(ctx, tenant, id, expr, "run_id = :run AND #st = :running", values, ErrJobRun)
	if err != nil {
		return false, err
	}
	return j.CancelRequested, nil
}

// ContinueJob hands a running job on to a next run (the worker's time is running out, not
// the job's attempts): its attempts start again. ErrJobRun if another run took over.
func (s *Store) ContinueJob(ctx context.Context, tenant, id, runID string) error {
	_, err := s.updateJob(ctx, tenant, id, "SET attempt = :zero", "run_id = :run AND #st = :running",
		map[string]types.AttributeValue{":zero": number(0), ":run": str(runID), ":running": str(string(domain.JobRunning))}, ErrJobRun)
	return err
}

// jobResultsPK holds a job's per-client results, one item per page of clients.
func jobResultsPK(tenant, jobID string) string { return "T#" + tenant + "#JOBRES#" + jobID }

type resultsItem struct {
	PK      string             `json:"PK"`
	SK      string             `json:"SK"`
	Expires int64              `json:"expires_at"`
	Rows    []storedBulkResult `json:"rows"`
}

type storedBulkResult struct {
	domain.BulkResult
	Name string `json:"name,omitempty"`
}

// PutJobResults records the results of one page of a job's clients (page: its number). A
// page written again (a redelivered run redoing its last page) keeps, for each client, the
// result first written: the one of the run that made the change.
func (s *Store) PutJobResults(ctx context.Context, tenant string, j *domain.Job, page int, rows []domain.BulkResult) error {
	sk := fmt.Sprintf("%06d", page)
	prev, err := getItem[resultsItem](ctx, s, jobResultsPK(tenant, j.ID), sk, ErrNotFound)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return err
	}
	before := map[string]storedBulkResult{}
	if prev != nil {
		for _, r := range prev.Rows {
			before[r.ID] = r
		}
	}
	it := resultsItem{PK: jobResultsPK(tenant, j.ID), SK: sk, Expires: j.CreatedAt.Add(config.JobRetention).Unix()}
	for _, r := range rows {
		if p, ok := before[r.ID]; ok && p.Result != domain.BulkUnchanged {
			it.Rows = append(it.Rows, p)
			continue
		}
		it.Rows = append(it.Rows, storedBulkResult{BulkResult: r, Name: r.Name})
	}
	item, err := marshalItem(it)
	if err != nil {
		return err
	}
	return s.apply(ctx, []write{s.put(item)})
}

// JobResults reads a job's results, page after page, in order.
func (s *Store) JobResults(ctx context.Context, tenant, jobID string, each func(domain.BulkResult) error) error {
	in := s.query(jobResultsPK(tenant, jobID), true)
	for {
		out, err := s.db.Query(ctx, in)
		if err != nil {
			return fmt.Errorf("job results: %w", err)
		}
		for _, item := range out.Items {
			it, err := decode[resultsItem](item)
			if err != nil {
				return err
			}
			for _, r := range it.Rows {
				r.BulkResult.Name = r.Name
				if err := each(r.BulkResult); err != nil {
					return err
				}
			}
		}
		if out.LastEvaluatedKey == nil {
			return nil
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
}

// FinishJob ends a run: done (with its file, if any), failed with a reason, or cancelled; the
// tenant's count of unfinished jobs goes down in the same transaction. ErrJobRun if another
// run took over.
func (s *Store) FinishJob(ctx context.Context, tenant string, j *domain.Job, runID string) error {
	item, err := s.jobItem(tenant, j)
	if err != nil {
		return err
	}
	return s.transact(ctx, []write{{err: ErrJobRun, item: types.TransactWriteItem{Put: &types.Put{
		TableName: aws.String(s.table), Item: item,
		ConditionExpression:       aws.String("run_id = :run AND #st = :running"),
		ExpressionAttributeNames:  map[string]string{"#st": "status"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":run": str(runID), ":running": str(string(domain.JobRunning))},
	}}}, s.runningCount(tenant, -1)})
}

func (s *Store) runningCount(tenant string, delta int64) write {
	return write{item: types.TransactWriteItem{Update: &types.Update{
		TableName: aws.String(s.table), Key: key(jobsPK(tenant), runningSK),
		UpdateExpression:          aws.String("ADD running :d"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":d": number(delta)},
	}}}
}

// CancelJob cancels a job: a queued one at once (it never runs), a running one at its next
// page (its run sees the request when it reports progress). ErrJobFinished if it has ended.
func (s *Store) CancelJob(ctx context.Context, tenant, id string, now time.Time) (*domain.Job, error) {
	j, err := s.GetJob(ctx, tenant, id)
	if err != nil {
		return nil, err
	}
	switch j.Status {
	case domain.JobQueued:
		next := *j
		next.Status, next.FinishedAt = domain.JobCancelled, domain.AtPtr(now)
		item, err := s.jobItem(tenant, &next)
		if err != nil {
			return nil, err
		}
		err = s.transact(ctx, []write{{err: errJobMoved, item: types.TransactWriteItem{Put: &types.Put{
			TableName: aws.String(s.table), Item: item, ConditionExpression: aws.String("#st = :queued"),
			ExpressionAttributeNames:  map[string]string{"#st": "status"},
			ExpressionAttributeValues: map[string]types.AttributeValue{":queued": str(string(domain.JobQueued))},
		}}}, s.runningCount(tenant, -1)})
		if errors.Is(err, errJobMoved) {
			return s.CancelJob(ctx, tenant, id, now) // a run started meanwhile
		}
		return &next, err
	case domain.JobRunning:
		out, err := s.updateJob(ctx, tenant, id, "SET cancel_requested = :t", "#st = :running",
			map[string]types.AttributeValue{":t": &types.AttributeValueMemberBOOL{Value: true}, ":running": str(string(domain.JobRunning))}, errJobMoved)
		if errors.Is(err, errJobMoved) {
			return s.CancelJob(ctx, tenant, id, now) // it ended meanwhile
		}
		return out, err
	}
	return nil, ErrJobFinished
}

var errJobMoved = errors.New("job moved on")

// MarkJobNotified reports whether this call is the one to notify the requester: of any
// number of calls (a redelivered message), exactly one gets true.
func (s *Store) MarkJobNotified(ctx context.Context, tenant, id string) (bool, error) {
	_, err := s.updateJob(ctx, tenant, id, "SET notified = :t", "attribute_not_exists(notified)",
		map[string]types.AttributeValue{":t": &types.AttributeValueMemberBOOL{Value: true}}, ErrJobFinished)
	if errors.Is(err, ErrJobFinished) {
		return false, nil
	}
	return err == nil, err
}

// RunningJobs is the tenant's count of unfinished jobs (for tests and the operator).
func (s *Store) RunningJobs(ctx context.Context, tenant string) (int, error) {
	out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(s.table), Key: key(jobsPK(tenant), runningSK), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return 0, fmt.Errorf("running jobs: %w", err)
	}
	n := 0
	if v, ok := out.Item["running"].(*types.AttributeValueMemberN); ok {
		n, _ = strconv.Atoi(v.Value)
	}
	return n, nil
}
