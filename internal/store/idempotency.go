package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Idempotency is the record of a create request made with an Idempotency-Key: what was asked
// (a hash of the body) and what was answered, so a retry gets the first answer again.
type Idempotency struct {
	Scope       string            `json:"scope"`
	Key         string            `json:"key"`
	RequestHash string            `json:"request_hash"`
	Status      int               `json:"status"`
	Headers     map[string]string `json:"headers"`
	Body        string            `json:"body"`
	ExpiresAt   int64             `json:"expires_at"`
	// Pending marks a claim taken before a side effect (an e-mail) whose response is not
	// known yet; Claimed says this record replaces such a claim.
	Pending bool `json:"pending,omitempty"`
	Claimed bool `json:"-"`
}

// ErrIdempotencyKeyUsed means the key already has a live record: read it with GetIdempotency.
var ErrIdempotencyKeyUsed = errors.New("idempotency key already used")

type idempotencyItem struct {
	PK string `json:"PK"`
	SK string `json:"SK"`
	Idempotency
}

// idempotencyPut claims the key unless a live record holds it; an expired record that TTL has
// not yet removed does not count.
func (s *Store) idempotencyPut(tenant string, r *Idempotency) (write, error) {
	item, err := marshalItem(idempotencyItem{
		PK: idempotencyPK(tenant, r.Scope, r.Key), SK: idempotencySK, Idempotency: *r})
	if err != nil {
		return write{}, err
	}
	if r.Claimed {
		return write{err: ErrIdempotencyKeyUsed, item: types.TransactWriteItem{Put: &types.Put{
			TableName:                 aws.String(s.table),
			Item:                      item,
			ConditionExpression:       aws.String("pending = :t"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":t": &types.AttributeValueMemberBOOL{Value: true}},
		}}}, nil
	}
	return write{err: ErrIdempotencyKeyUsed, item: types.TransactWriteItem{Put: &types.Put{
		TableName:                 aws.String(s.table),
		Item:                      item,
		ConditionExpression:       aws.String("attribute_not_exists(PK) OR expires_at < :now"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":now": epoch(s.now())},
	}}}, nil
}

// GetIdempotency reads the live record of a key, or returns nil when there is none.
func (s *Store) GetIdempotency(ctx context.Context, tenant, scope, idemKey string) (*Idempotency, error) {
	out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:      aws.String(s.table),
		Key:            key(idempotencyPK(tenant, scope, idemKey), idempotencySK),
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return nil, fmt.Errorf("get idempotency record: %w", err)
	}
	if out.Item == nil {
		return nil, nil
	}
	var it idempotencyItem
	if err := attributevalue.UnmarshalMapWithOptions(out.Item, &it, fromJSONTags); err != nil {
		return nil, fmt.Errorf("decode idempotency record: %w", err)
	}
	if it.ExpiresAt < s.now().Unix() {
		return nil, nil
	}
	return &it.Idempotency, nil
}

func epoch(t time.Time) types.AttributeValue {
	return &types.AttributeValueMemberN{Value: strconv.FormatInt(t.Unix(), 10)}
}
