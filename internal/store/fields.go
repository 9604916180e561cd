package store

import (
	"context"
	"errors"

	"github.com/aws/aws-sdk-go-v2/aws"
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

// sorted are the definitions in display order.
func (it *definitionsItem) sorted() domain.Definitions {
	it.Defs.Sort()
	return it.Defs
}

// GetDefinitions reads the tenant's definitions, in display order, and the version of the
// whole set (0 when there are none yet).
func (s *Store) GetDefinitions(ctx context.Context, tenant string) (domain.Definitions, int64, error) {
	it, err := getItem[definitionsItem](ctx, s, fieldsPK(tenant), fieldsSK, ErrNotFound)
	if errors.Is(err, ErrNotFound) {
		return nil, 0, nil
	}
	if err != nil {
		return nil, 0, err
	}
	return it.sorted(), it.Version, nil
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
	writes, err := s.withIdempotency(tenant, idem)
	if err != nil {
		return err
	}
	check := s.definitionsCheck(tenant, version)
	put := s.put(item)
	put.err = check.err
	put.item.Put.ConditionExpression = check.item.ConditionCheck.ConditionExpression
	put.item.Put.ExpressionAttributeValues = check.item.ConditionCheck.ExpressionAttributeValues
	return s.apply(ctx, append(writes, put))
}

// definitionsCheck makes a write depend on the definitions still being at version.
func (s *Store) definitionsCheck(tenant string, version int64) write {
	cc := &types.ConditionCheck{TableName: aws.String(s.table), Key: key(fieldsPK(tenant), fieldsSK)}
	if version == 0 {
		cc.ConditionExpression = aws.String("attribute_not_exists(PK)")
	} else {
		cc.ConditionExpression = aws.String("version = :dv")
		cc.ExpressionAttributeValues = map[string]types.AttributeValue{":dv": number(version)}
	}
	return write{err: ErrDefinitionsChanged, item: types.TransactWriteItem{ConditionCheck: cc}}
}
