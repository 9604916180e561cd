package store

import (
	"context"
	"errors"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/clientdesk/clientdesk/internal/domain"
)

// A tenant's permission presets are one small versioned item, read along with a client and a
// site when an assignment names a preset.

const presetsSK = "P"

func presetsPK(tenant string) string { return "T#" + tenant + "#PRESETS" }

type presetsItem struct {
	PK      string         `json:"PK"`
	SK      string         `json:"SK"`
	Presets domain.Presets `json:"presets"`
	Version int64          `json:"version"`
}

// ErrPresetsChanged means the presets changed since they were read: read them and retry.
var ErrPresetsChanged = errors.New("permission presets changed")

// GetPresets reads the tenant's presets and the version of the set (0: none yet).
func (s *Store) GetPresets(ctx context.Context, tenant string) (domain.Presets, int64, error) {
	it, err := getItem[presetsItem](ctx, s, presetsPK(tenant), presetsSK, ErrNotFound)
	if errors.Is(err, ErrNotFound) {
		return domain.Presets{}, 0, nil
	}
	if err != nil {
		return nil, 0, err
	}
	return it.Presets, it.Version, nil
}

// PutPresets replaces the tenant's presets on condition that the set is still at version (0:
// none yet); ErrPresetsChanged otherwise.
func (s *Store) PutPresets(ctx context.Context, tenant string, presets domain.Presets, version int64) error {
	if presets == nil {
		presets = domain.Presets{}
	}
	item, err := marshalItem(presetsItem{PK: presetsPK(tenant), SK: presetsSK, Presets: presets, Version: version + 1})
	if err != nil {
		return err
	}
	w := s.put(item)
	w.err = ErrPresetsChanged
	if version == 0 {
		w.item.Put.ConditionExpression = aws.String("attribute_not_exists(PK)")
	} else {
		w.item.Put.ConditionExpression = aws.String("version = :v")
		w.item.Put.ExpressionAttributeValues = map[string]types.AttributeValue{":v": number(version)}
	}
	return s.apply(ctx, []write{w})
}
