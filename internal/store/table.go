package store

import (
	"context"
	"errors"
	"fmt"
	awsretry "github.com/aws/aws-sdk-go-v2/aws/retry"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/clientdesk/clientdesk/internal/domain"
	"github.com/clientdesk/clientdesk/internal/retry"
)

// The table's plumbing: how items are encoded, read one at a time, and written alone or
// together in a transaction. Every other file of the package writes through these.

// Store reads and writes one table.
type Store struct {
	db    *dynamodb.Client
	table string
	now   func() time.Time
}

// New returns a store over table. now is the clock that expiries are judged by.
func New(db *dynamodb.Client, table string, now func() time.Time) *Store {
	return &Store{db: db, table: table, now: now}
}

// ErrNotFound is what a getter returns when the item does not exist, unless the item has a
// domain error of its own (a client, an export).
var ErrNotFound = errors.New("item not found")

// conflictAttempts bounds the tries of a write that meets concurrent ones.
const conflictAttempts = 10

// maxTransactActions is DynamoDB's limit on one transaction. The validation bounds what a
// client is filed under so that no write plans more (TestWriteBudget).
const maxTransactActions = 100

// marshalItem is how every item is written: the domain's JSON names are the attribute
// names, and empty maps are left out. DynamoDB would store an empty map, but reading one back
// means nothing more than its absence, and minidyn mangles them.
func marshalItem(v any) (map[string]types.AttributeValue, error) {
	item, err := attributevalue.MarshalMapWithOptions(v, func(o *attributevalue.EncoderOptions) {
		o.TagKey, o.UseEncodingMarshalers = "json", true
	})
	if err != nil {
		return nil, err
	}
	dropEmptyMaps(item)
	return item, nil
}

func dropEmptyMaps(m map[string]types.AttributeValue) {
	for k, v := range m {
		switch x := v.(type) {
		case *types.AttributeValueMemberM:
			dropEmptyMaps(x.Value)
			if len(x.Value) == 0 {
				delete(m, k)
			}
		case *types.AttributeValueMemberL:
			for _, e := range x.Value {
				if em, ok := e.(*types.AttributeValueMemberM); ok {
					dropEmptyMaps(em.Value)
				}
			}
		}
	}
}

// decode reads an item written by marshalItem.
func decode[T any](item map[string]types.AttributeValue) (*T, error) {
	var v T
	if err := attributevalue.UnmarshalMapWithOptions(item, &v, func(o *attributevalue.DecoderOptions) {
		o.TagKey, o.UseEncodingUnmarshalers = "json", true
	}); err != nil {
		return nil, fmt.Errorf("decode %T: %w", v, err)
	}
	return &v, nil
}

// getItem reads one item, strongly consistent; notFound when there is none.
func getItem[T any](ctx context.Context, s *Store, pk, sk string, notFound error) (*T, error) {
	out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: aws.String(s.table), Key: key(pk, sk), ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return nil, fmt.Errorf("get %s: %w", pk, err)
	}
	if out.Item == nil {
		return nil, notFound
	}
	return decode[T](out.Item)
}

// write is one conditional write and the error its failed condition means.
type write struct {
	item types.TransactWriteItem
	err  error
}

func (s *Store) put(item map[string]types.AttributeValue) write {
	return write{item: types.TransactWriteItem{Put: &types.Put{TableName: aws.String(s.table), Item: item}}}
}

func (s *Store) del(pk, sk string) write {
	return write{item: types.TransactWriteItem{Delete: &types.Delete{TableName: aws.String(s.table), Key: key(pk, sk)}}}
}

// apply runs writes: one alone as a plain request (half the cost of a one-item transaction),
// several as one transaction. A failed condition becomes the error of the write it guards.
func (s *Store) apply(ctx context.Context, writes []write) error {
	if len(writes) != 1 || writes[0].item.ConditionCheck != nil {
		return s.transact(ctx, writes)
	}
	w := writes[0].item
	var err error
	switch {
	case w.Put != nil:
		_, err = s.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: w.Put.TableName, Item: w.Put.Item,
			ConditionExpression: w.Put.ConditionExpression, ExpressionAttributeNames: w.Put.ExpressionAttributeNames,
			ExpressionAttributeValues: w.Put.ExpressionAttributeValues})
	case w.Delete != nil:
		_, err = s.db.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: w.Delete.TableName, Key: w.Delete.Key,
			ConditionExpression: w.Delete.ConditionExpression, ExpressionAttributeNames: w.Delete.ExpressionAttributeNames,
			ExpressionAttributeValues: w.Delete.ExpressionAttributeValues})
	case w.Update != nil:
		_, err = s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: w.Update.TableName, Key: w.Update.Key,
			UpdateExpression: w.Update.UpdateExpression, ConditionExpression: w.Update.ConditionExpression,
			ExpressionAttributeNames: w.Update.ExpressionAttributeNames, ExpressionAttributeValues: w.Update.ExpressionAttributeValues})
	}
	var ccf *types.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		return writes[0].err
	}
	if err != nil {
		return fmt.Errorf("write: %w", err)
	}
	return nil
}

// transact runs writes as one transaction and turns a cancellation into the error of the
// first write whose condition failed. A transaction cancelled only because another one held
// the same items is tried again: every write here is conditional, so a retry is safe.
func (s *Store) transact(ctx context.Context, writes []write) error {
	if len(writes) > maxTransactActions {
		return fmt.Errorf("a transaction of %d actions: DynamoDB allows %d", len(writes), maxTransactActions)
	}
	items := make([]types.TransactWriteItem, len(writes))
	for i, w := range writes {
		items[i] = w.item
	}
	return retry.OnConflict(ctx, conflictAttempts, func(int) error {
		_, err := s.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items})
		var tce *types.TransactionCanceledException
		if !errors.As(err, &tce) {
			if err != nil {
				return fmt.Errorf("transact write: %w", err)
			}
			return nil
		}
		for i, r := range tce.CancellationReasons {
			if aws.ToString(r.Code) == "ConditionalCheckFailed" && i < len(writes) {
				return writes[i].err
			}
		}
		return retry.Conflict(&domain.Error{Code: domain.CodeUnavailable})
	})
}

func str(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }

func number(n int64) types.AttributeValue {
	return &types.AttributeValueMemberN{Value: strconv.FormatInt(n, 10)}
}

func epoch(t time.Time) types.AttributeValue { return number(t.Unix()) }

func unix(seconds int64) time.Time { return time.Unix(seconds, 0) }

func attrString(item map[string]types.AttributeValue, name string) string {
	if v, ok := item[name].(*types.AttributeValueMemberS); ok {
		return v.Value
	}
	return ""
}

func attrBool(item map[string]types.AttributeValue, name string) bool {
	v, ok := item[name].(*types.AttributeValueMemberBOOL)
	return ok && v.Value
}

func attrInt(item map[string]types.AttributeValue, name string) int {
	if v, ok := item[name].(*types.AttributeValueMemberN); ok {
		n, _ := strconv.Atoi(v.Value)
		return n
	}
	return 0
}

// ClientOptions configure a DynamoDB client as the store expects it: the SDK's standard
// retryer (up to 3 attempts, exponential backoff with jitter, on throttling, 5xx and
// connection errors), plus TransactionConflictException, which a plain write gets when it
// meets a transaction in flight on its item: the write never happened, so sending it again is
// safe. A cancelled transaction (TransactionCanceledException) is left to the store, which
// reads its reasons: a failed condition is an answer, a conflict is retried by
// retry.OnConflict within the request's deadline.
func ClientOptions(o *dynamodb.Options) {
	standard := awsretry.NewStandard(func(so *awsretry.StandardOptions) {
		// The one backoff of the service (package retry): full jitter, exponential, and the
		// SDK sleeps with the request's context, so never past its deadline.
		so.Backoff = backoff{}
	})
	o.Retryer = awsretry.AddWithErrorCodes(standard, (&types.TransactionConflictException{}).ErrorCode())
}

type backoff struct{}

func (backoff) BackoffDelay(attempt int, _ error) (time.Duration, error) {
	return retry.Wait(attempt), nil
}
