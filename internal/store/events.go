package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/clientdesk/clientdesk/internal/domain"
	"github.com/clientdesk/clientdesk/internal/retry"
)

// A client's timeline: one item per event in the client's own collection
// (T#t#C#<id> / EV#<event id>), also in the tenant's activity feed (index GSI5,
// T#t#FEED / <event id>). Event ids are UUIDv7, so both sort by time. Every event is written
// in the same transaction as the change it records; it expires by itself (TTL).

type eventItem struct {
	PK     string `json:"PK"`
	SK     string `json:"SK"`
	GSI5PK string `json:"GSI5PK"`
	GSI5SK string `json:"GSI5SK"`
	domain.Event
}

const eventPrefix = "EV#"

func eventSK(id string) string { return eventPrefix + id }

// feedPK holds a tenant's events in the feed index.
func feedPK(tenant string) string { return "T#" + tenant + "#FEED" }

func (s *Store) eventWrite(tenant string, e *domain.Event) (write, error) {
	if e == nil || e.ID == "" || e.ClientID == "" {
		return write{}, errors.New("store: an event needs an id and a client")
	}
	item, err := marshalItem(eventItem{PK: clientPK(tenant, e.ClientID), SK: eventSK(e.ID), GSI5PK: feedPK(tenant), GSI5SK: e.ID, Event: *e})
	if err != nil {
		return write{}, err
	}
	w := s.put(item)
	w.item.Put.ConditionExpression = aws.String("attribute_not_exists(PK)")
	w.err = fmt.Errorf("event %s exists", e.ID)
	return w, nil
}

// EventQuery selects events: a client's (ClientID), or the tenant's feed, narrowed by action,
// actor and time (CreatedAfter inclusive, CreatedBefore exclusive), newest first.
type EventQuery struct {
	ClientID string
	Actions  []domain.Action
	ActorID  string
	After    domain.Time
	Before   domain.Time
	Limit    int
	Cursor   string
}

func (q EventQuery) selection() string {
	return fmt.Sprintf("events|client=%s|actions=%v|actor=%s|after=%d|before=%d", q.ClientID, q.Actions, q.ActorID,
		q.After.UnixMilli(), q.Before.UnixMilli())
}

// EventPage is a page of events and the cursor of the next ("" on the last).
type EventPage struct {
	Items      []*domain.Event
	NextCursor string
}

// Events returns a page of events, newest first: one Query of the client's collection, or of
// the feed index (more when filters discard entries, as for the client list).
func (s *Store) Events(ctx context.Context, tenant string, q EventQuery) (EventPage, error) {
	var p queryPlan
	lo, hi := eventSK(""), eventSK("~")
	if !q.After.IsZero() {
		lo = eventSK(idBound(q.After.Time))
	}
	if !q.Before.IsZero() {
		hi = eventSK(idBound(q.Before.Time))
	}
	if q.ClientID != "" {
		pk := clientPK(tenant, q.ClientID)
		in := s.query(pk, false)
		in.KeyConditionExpression = aws.String("#pk = :pk AND #sk BETWEEN :lo AND :hi")
		in.ExpressionAttributeNames["#sk"] = Schema.Keys.Sort
		in.ExpressionAttributeValues[":lo"], in.ExpressionAttributeValues[":hi"] = str(lo), str(hi)
		p = queryPlan{in: in, keyAttrs: []string{Schema.Keys.Partition, Schema.Keys.Sort},
			partition: map[string]string{Schema.Keys.Partition: pk}, sortAttr: Schema.Keys.Sort,
			sortFits: func(v string) bool { return v >= lo && v <= hi }}
	} else {
		ix := Schema.Index(ByFeed)
		pk := feedPK(tenant)
		in := s.query(pk, false)
		in.IndexName = aws.String(ix.Name)
		in.ExpressionAttributeNames["#pk"] = ix.Keys.Partition
		in.KeyConditionExpression = aws.String("#pk = :pk AND #sk BETWEEN :lo AND :hi")
		in.ExpressionAttributeNames["#sk"] = ix.Keys.Sort
		flo, fhi := lo[len(eventPrefix):], hi[len(eventPrefix):]
		in.ExpressionAttributeValues[":lo"], in.ExpressionAttributeValues[":hi"] = str(flo), str(fhi)
		p = queryPlan{in: in, keyAttrs: []string{Schema.Keys.Partition, Schema.Keys.Sort, ix.Keys.Partition, ix.Keys.Sort},
			partition: map[string]string{ix.Keys.Partition: pk}, sortAttr: ix.Keys.Sort,
			sortFits: func(v string) bool { return v >= flo && v <= fhi }}
	}
	if len(q.Actions) > 0 {
		p.keep = append(p.keep, func(it map[string]types.AttributeValue) bool {
			for _, a := range q.Actions {
				if attrString(it, "action") == string(a) {
					return true
				}
			}
			return false
		})
	}
	if q.ActorID != "" {
		p.keep = append(p.keep, func(it map[string]types.AttributeValue) bool {
			actor, ok := it["actor"].(*types.AttributeValueMemberM)
			return ok && attrString(actor.Value, "id") == q.ActorID
		})
	}
	if q.Cursor != "" {
		pos, err := decodeCursor(tenant, q.selection(), q.Cursor)
		if err != nil {
			return EventPage{}, err
		}
		if !p.accepts(tenant, pos) {
			return EventPage{}, domain.ErrInvalidCursor
		}
		p.in.ExclusiveStartKey = map[string]types.AttributeValue{}
		for name, v := range pos {
			p.in.ExclusiveStartKey[name] = str(v)
		}
	}
	items, position, err := s.collect(ctx, p, q.Limit, nil)
	if err != nil {
		return EventPage{}, err
	}
	page := EventPage{Items: make([]*domain.Event, 0, len(items))}
	for _, it := range items {
		e, err := decode[eventItem](it)
		if err != nil {
			return EventPage{}, err
		}
		page.Items = append(page.Items, &e.Event)
	}
	if position != nil {
		page.NextCursor = encodeCursor(tenant, q.selection(), position)
	}
	return page, nil
}

// collection reads every item of a client's collection: its record, credential, quota,
// idempotency references and events.
func (s *Store) collection(ctx context.Context, tenant, id string) ([]map[string]types.AttributeValue, error) {
	in := s.query(clientPK(tenant, id), true)
	in.ConsistentRead = aws.Bool(true)
	var items []map[string]types.AttributeValue
	for {
		out, err := s.db.Query(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("read collection: %w", err)
		}
		items = append(items, out.Items...)
		if out.LastEvaluatedKey == nil {
			return items, nil
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
}

// redactEvents rewrites a client's events without their personal values, 25 at a time; it
// can be run again (an interrupted run is finished by the next).
func (s *Store) redactEvents(ctx context.Context, items []map[string]types.AttributeValue) error {
	var puts []types.WriteRequest
	for _, it := range items {
		if !isEvent(it) || attrBool(it, "redacted") {
			continue
		}
		e, err := decode[eventItem](it)
		if err != nil {
			return err
		}
		e.Redact()
		item, err := marshalItem(e)
		if err != nil {
			return err
		}
		puts = append(puts, types.WriteRequest{PutRequest: &types.PutRequest{Item: item}})
	}
	return s.batchWrite(ctx, puts)
}

// batchWrite runs puts and deletes 25 at a time (BatchWriteItem's limit), asking again for
// what DynamoDB leaves unprocessed. Each request stands alone: no condition, no transaction.
func (s *Store) batchWrite(ctx context.Context, reqs []types.WriteRequest) error {
	for len(reqs) > 0 {
		n := min(len(reqs), maxBatchWrites)
		pending := map[string][]types.WriteRequest{s.table: reqs[:n]}
		reqs = reqs[n:]
		err := retry.OnConflict(ctx, conflictAttempts, func(int) error {
			out, err := s.db.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: pending})
			if err != nil {
				return fmt.Errorf("batch write: %w", err)
			}
			if pending = out.UnprocessedItems; len(pending) > 0 {
				return retry.Conflict(&domain.Error{Code: domain.CodeUnavailable})
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// maxBatchWrites is BatchWriteItem's limit.
const maxBatchWrites = 25

func isEvent(item map[string]types.AttributeValue) bool {
	sk := attrString(item, Schema.Keys.Sort)
	return len(sk) > len(eventPrefix) && sk[:len(eventPrefix)] == eventPrefix
}
