package store

import (
	"context"
	"errors"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/clientdesk/clientdesk/internal/domain"
)

// A tenant's settings: one small versioned item, T#<t>#SETTINGS / S.

type settingsItem struct {
	PK string `json:"PK"`
	SK string `json:"SK"`
	domain.Settings
}

const settingsSK = "S"

func settingsPK(tenant string) string { return "T#" + tenant + "#SETTINGS" }

// GetSettings reads the tenant's settings; the defaults (version 0) when it has none.
func (s *Store) GetSettings(ctx context.Context, tenant string) (domain.Settings, error) {
	it, err := getItem[settingsItem](ctx, s, settingsPK(tenant), settingsSK, ErrNotFound)
	if errors.Is(err, ErrNotFound) {
		return domain.DefaultSettings(), nil
	}
	if err != nil {
		return domain.Settings{}, err
	}
	return it.Settings, nil
}

// PutSettings replaces the settings on condition that they are still at previous (0: never
// written); domain.ErrPreconditionFailed otherwise.
func (s *Store) PutSettings(ctx context.Context, tenant string, next domain.Settings, previous int64) error {
	item, err := marshalItem(settingsItem{PK: settingsPK(tenant), SK: settingsSK, Settings: next})
	if err != nil {
		return err
	}
	w := s.put(item)
	w.err = domain.ErrPreconditionFailed
	if previous == 0 {
		w.item.Put.ConditionExpression = aws.String("attribute_not_exists(PK)")
	} else {
		w.item.Put.ConditionExpression = aws.String("version = :v")
		w.item.Put.ExpressionAttributeValues = map[string]types.AttributeValue{":v": number(previous)}
	}
	return s.apply(ctx, []write{w})
}
