package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/clientdesk/clientdesk/internal/domain"
)

// ErrDefinitionsChanged means the custom field definitions changed since they were read:
// read them again and retry.
var ErrDefinitionsChanged = errors.New("custom field definitions changed")

// definitionsItem holds all of a tenant's custom field definitions: one small item, read in
// the same request as the clients it applies to.
type definitionsItem struct {
	PK      string             `json:"PK"`
	SK      string             `json:"SK"`
	Defs    domain.Definitions `json:"defs"`
	Version int64              `json:"version"`
}

func unmarshalDefinitions(item map[string]types.AttributeValue) (*definitionsItem, error) {
	var it definitionsItem
	if err := attributevalue.UnmarshalMapWithOptions(item, &it, fromJSONTags); err != nil {
		return nil, fmt.Errorf("decode definitions: %w", err)
	}
	it.Defs.Sort()
	return &it, nil
}

// GetDefinitions reads the tenant's definitions, in display order, and the version of the
// whole set (0 when there are none yet).
func (s *Store) GetDefinitions(ctx context.Context, tenant string) (domain.Definitions, int64, error) {
	out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: aws.String(s.table), Key: key(fieldsPK(tenant), fieldsSK), ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return nil, 0, fmt.Errorf("get definitions: %w", err)
	}
	if out.Item == nil {
		return nil, 0, nil
	}
	it, err := unmarshalDefinitions(out.Item)
	if err != nil {
		return nil, 0, err
	}
	return it.Defs, it.Version, nil
}

// PutDefinitions replaces the tenant's definitions, on condition that the set is still at
// version (0: none yet). It fails with ErrDefinitionsChanged otherwise. With idem, the
// response of the request is recorded in the same transaction (ErrIdempotencyKeyUsed when
// the key is taken).
func (s *Store) PutDefinitions(ctx context.Context, tenant string, defs domain.Definitions, version int64, idem *Idempotency) error {
	if defs == nil {
		defs = domain.Definitions{}
	}
	item, err := marshalItem(definitionsItem{PK: fieldsPK(tenant), SK: fieldsSK, Defs: defs, Version: version + 1})
	if err != nil {
		return err
	}
	if idem != nil {
		w, err := s.idempotencyPut(tenant, idem)
		if err != nil {
			return err
		}
		check := s.definitionsCheck(tenant, version)
		put := s.put(item)
		put.err = ErrDefinitionsChanged
		put.item.Put.ConditionExpression = check.item.ConditionCheck.ConditionExpression
		put.item.Put.ExpressionAttributeValues = check.item.ConditionCheck.ExpressionAttributeValues
		return s.transact(ctx, []write{w, put})
	}
	in := &dynamodb.PutItemInput{TableName: aws.String(s.table), Item: item}
	check := s.definitionsCheck(tenant, version).item.ConditionCheck
	in.ConditionExpression, in.ExpressionAttributeValues = check.ConditionExpression, check.ExpressionAttributeValues
	_, err = s.db.PutItem(ctx, in)
	var ccf *types.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		return ErrDefinitionsChanged
	}
	if err != nil {
		return fmt.Errorf("put definitions: %w", err)
	}
	return nil
}

// definitionsCheck makes a write depend on the definitions still being at version.
func (s *Store) definitionsCheck(tenant string, version int64) write {
	cc := &types.ConditionCheck{TableName: aws.String(s.table), Key: key(fieldsPK(tenant), fieldsSK)}
	if version == 0 {
		cc.ConditionExpression = aws.String("attribute_not_exists(PK)")
	} else {
		cc.ConditionExpression = aws.String("version = :dv")
		cc.ExpressionAttributeValues = map[string]types.AttributeValue{":dv": versionValue(version)}
	}
	return write{err: ErrDefinitionsChanged, item: types.TransactWriteItem{ConditionCheck: cc}}
}
