package store

import (
	"context"
	"fmt"

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
