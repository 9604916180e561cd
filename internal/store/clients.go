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

	"github.com/clientdesk/clientdesk/internal/domain"
)

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

// clientItem is a client as stored. The domain's JSON names are the attribute names.
type clientItem struct {
	PK     string `json:"PK"`
	SK     string `json:"SK"`
	GSI1PK string `json:"GSI1PK"`
	GSI1SK string `json:"GSI1SK"`
	domain.Client
}

func withJSONTags(o *attributevalue.EncoderOptions) { o.TagKey = "json" }
func fromJSONTags(o *attributevalue.DecoderOptions) { o.TagKey = "json" }

func marshalClient(tenant string, c *domain.Client) (map[string]types.AttributeValue, error) {
	return attributevalue.MarshalMapWithOptions(clientItem{
		PK: clientPK(tenant, c.ID), SK: clientSK,
		GSI1PK: listPK(tenant, c.Archived), GSI1SK: c.ID,
		Client: *c,
	}, withJSONTags)
}

func unmarshalClient(item map[string]types.AttributeValue) (*domain.Client, error) {
	var it clientItem
	if err := attributevalue.UnmarshalMapWithOptions(item, &it, fromJSONTags); err != nil {
		return nil, fmt.Errorf("decode client item: %w", err)
	}
	return &it.Client, nil
}

// uniqueClaim is a value that at most one client of a tenant may hold.
type uniqueClaim struct {
	kind string
	err  error
	of   func(*domain.Client) string
}

var uniqueClaims = []uniqueClaim{
	{kind: "email", err: domain.ErrEmailTaken, of: func(c *domain.Client) string { return domain.EmailKey(c.Email) }},
	{kind: "code", err: domain.ErrCodeTaken, of: func(c *domain.Client) string { return domain.CodeKey(c.Code) }},
}

// write is one element of a transaction and the error its failed condition means.
type write struct {
	item types.TransactWriteItem
	err  error
}

func (s *Store) claim(tenant string, u uniqueClaim, value, clientID string) write {
	return write{err: u.err, item: types.TransactWriteItem{Put: &types.Put{
		TableName: aws.String(s.table),
		Item: map[string]types.AttributeValue{
			Schema.Keys.Partition: &types.AttributeValueMemberS{Value: uniquePK(tenant, u.kind, value)},
			Schema.Keys.Sort:      &types.AttributeValueMemberS{Value: uniqueSK},
			"client_id":           &types.AttributeValueMemberS{Value: clientID},
		},
		ConditionExpression: aws.String("attribute_not_exists(PK)"),
	}}}
}

// release frees a value held by clientID. It tolerates a claim that is already gone, so a
// missing claim can never block the client's own updates, but never frees another client's.
func (s *Store) release(tenant string, u uniqueClaim, value, clientID string) write {
	return write{err: domain.ErrPreconditionFailed, item: types.TransactWriteItem{Delete: &types.Delete{
		TableName:                 aws.String(s.table),
		Key:                       key(uniquePK(tenant, u.kind, value), uniqueSK),
		ConditionExpression:       aws.String("attribute_not_exists(PK) OR client_id = :id"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":id": &types.AttributeValueMemberS{Value: clientID}},
	}}}
}

func versionValue(v int64) types.AttributeValue {
	return &types.AttributeValueMemberN{Value: strconv.FormatInt(v, 10)}
}

// CreateClient writes a new client, its unique claims and, when given, the idempotency record
// of the request in one transaction: either all of it exists afterwards or none of it.
// It fails with domain.ErrEmailTaken, domain.ErrCodeTaken or ErrIdempotencyKeyUsed.
func (s *Store) CreateClient(ctx context.Context, tenant string, c *domain.Client, idem *Idempotency) error {
	item, err := marshalClient(tenant, c)
	if err != nil {
		return err
	}
	// The idempotency record goes first: when a retry finds its key used, that is the answer,
	// even though the first request's email and code claims now fail too.
	var writes []write
	if idem != nil {
		w, err := s.idempotencyPut(tenant, idem)
		if err != nil {
			return err
		}
		writes = append(writes, w)
	}
	writes = append(writes, write{err: fmt.Errorf("client id %s already exists", c.ID), item: types.TransactWriteItem{Put: &types.Put{
		TableName: aws.String(s.table), Item: item, ConditionExpression: aws.String("attribute_not_exists(PK)"),
	}}})
	for _, u := range uniqueClaims {
		if v := u.of(c); v != "" {
			writes = append(writes, s.claim(tenant, u, v, c.ID))
		}
	}
	return s.transact(ctx, writes)
}

// GetClient reads a client with a strongly consistent read.
func (s *Store) GetClient(ctx context.Context, tenant, id string) (*domain.Client, error) {
	out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:      aws.String(s.table),
		Key:            key(clientPK(tenant, id), clientSK),
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return nil, fmt.Errorf("get client: %w", err)
	}
	if out.Item == nil {
		return nil, domain.ErrClientNotFound
	}
	return unmarshalClient(out.Item)
}

// UpdateClient replaces old by next, on condition that the stored version is still old's.
// It fails with domain.ErrPreconditionFailed when another write came first, and with
// domain.ErrEmailTaken or domain.ErrCodeTaken when a changed value belongs to another client.
func (s *Store) UpdateClient(ctx context.Context, tenant string, old, next *domain.Client) error {
	item, err := marshalClient(tenant, next)
	if err != nil {
		return err
	}
	put := types.Put{
		TableName:                 aws.String(s.table),
		Item:                      item,
		ConditionExpression:       aws.String("version = :v"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":v": versionValue(old.Version)},
	}
	writes := []write{{err: domain.ErrPreconditionFailed, item: types.TransactWriteItem{Put: &put}}}
	for _, u := range uniqueClaims {
		before, after := u.of(old), u.of(next)
		if before == after {
			continue
		}
		if before != "" {
			writes = append(writes, s.release(tenant, u, before, old.ID))
		}
		if after != "" {
			writes = append(writes, s.claim(tenant, u, after, old.ID))
		}
	}
	if len(writes) == 1 {
		// A plain conditional Put costs half of a one-item transaction.
		_, err := s.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: put.TableName, Item: put.Item,
			ConditionExpression: put.ConditionExpression, ExpressionAttributeValues: put.ExpressionAttributeValues})
		var ccf *types.ConditionalCheckFailedException
		if errors.As(err, &ccf) {
			return domain.ErrPreconditionFailed
		}
		if err != nil {
			return fmt.Errorf("update client: %w", err)
		}
		return nil
	}
	return s.transact(ctx, writes)
}

// DeleteClient deletes a client and frees its email and code. When allowed is not nil, the
// stored version must satisfy it (If-Match). It fails with domain.ErrClientNotFound or
// domain.ErrPreconditionFailed.
func (s *Store) DeleteClient(ctx context.Context, tenant, id string, allowed func(version int64) bool) error {
	c, err := s.GetClient(ctx, tenant, id)
	if err != nil {
		return err
	}
	if allowed != nil && !allowed(c.Version) {
		return domain.ErrPreconditionFailed
	}
	writes := []write{{err: domain.ErrPreconditionFailed, item: types.TransactWriteItem{Delete: &types.Delete{
		TableName:                 aws.String(s.table),
		Key:                       key(clientPK(tenant, id), clientSK),
		ConditionExpression:       aws.String("version = :v"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":v": versionValue(c.Version)},
	}}}}
	for _, u := range uniqueClaims {
		if v := u.of(c); v != "" {
			writes = append(writes, s.release(tenant, u, v, id))
		}
	}
	return s.transact(ctx, writes)
}

// transact runs writes as one transaction and turns a cancellation into the error of the
// first write whose condition failed. A transaction cancelled only because another one held
// the same items is tried again: every write here is conditional, so a retry is safe.
func (s *Store) transact(ctx context.Context, writes []write) error {
	items := make([]types.TransactWriteItem, len(writes))
	for i, w := range writes {
		items[i] = w.item
	}
	for attempt := 0; ; attempt++ {
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
		if attempt == maxConflictRetries {
			return &domain.Error{Code: domain.CodeUnavailable}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Duration(10<<attempt) * time.Millisecond):
		}
	}
}

const maxConflictRetries = 3
