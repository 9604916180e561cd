package store

import (
	"context"
	"errors"
	"math/rand/v2"

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
	put := s.put(item)
	put.err = ErrDefinitionsChanged
	if version == 0 {
		put.item.Put.ConditionExpression = aws.String("attribute_not_exists(PK)")
	} else {
		put.item.Put.ConditionExpression = aws.String("version = :dv")
		put.item.Put.ExpressionAttributeValues = map[string]types.AttributeValue{":dv": number(version)}
	}
	writes = append(writes, put)
	// The version's markers move with the set, in the same transaction.
	for i := range defsMarkers {
		marker, err := marshalItem(defsMarkerItem{PK: fieldsPK(tenant), SK: defsMarkerSK(i), Version: version + 1})
		if err != nil {
			return err
		}
		writes = append(writes, s.put(marker))
	}
	return s.apply(ctx, writes)
}

// defsMarkerItem is a copy of the definitions' version.
type defsMarkerItem struct {
	PK      string `json:"PK"`
	SK      string `json:"SK"`
	Version int64  `json:"version"`
}

// definitionsCheck makes a client's write depend on the definitions still being at version:
// a check of one of the version's markers, chosen at random, which every change of the
// definitions rewrites in its transaction. (A check of the definitions item itself would be
// held by every concurrent create of the tenant, and DynamoDB cancels transactions that hold
// one item at once.) A marker that does not exist yet stands for a set that no change has
// touched since the markers were introduced, or for no set at all.
func (s *Store) definitionsCheck(tenant string, version int64) write {
	cc := &types.ConditionCheck{TableName: aws.String(s.table), Key: key(fieldsPK(tenant), defsMarkerSK(rand.IntN(defsMarkers)))}
	if version == 0 {
		cc.ConditionExpression = aws.String("attribute_not_exists(PK)")
	} else {
		cc.ConditionExpression = aws.String("attribute_not_exists(PK) OR version = :dv")
		cc.ExpressionAttributeValues = map[string]types.AttributeValue{":dv": number(version)}
	}
	return write{err: ErrDefinitionsChanged, item: types.TransactWriteItem{ConditionCheck: cc}}
}
