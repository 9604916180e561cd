package store

import (
	"context"
	"slices"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/clientdesk/clientdesk/internal/domain"
)

// Holders finds the clients that hold e-mails and codes today (canonical keys: domain.EmailKey
// and domain.CodeKey), as an import's check needs them for a batch of rows: the claims are read
// by key, then their clients, each in BatchGetItem requests of at most 100 keys (for 100 rows
// with an e-mail and a code: 2 requests for the claims, 1 per 100 clients found). The maps
// are by key; a key no client holds is absent.
func (s *Store) Holders(ctx context.Context, tenant string, emails, codes []string) (byEmail, byCode map[string]*domain.Client, err error) {
	type claim struct{ kind, value string }
	var claims []claim
	var keys []map[string]types.AttributeValue
	for _, c := range []struct {
		kind   string
		values []string
	}{{"email", emails}, {"code", codes}} {
		for _, v := range slices.Compact(slices.Sorted(slices.Values(c.values))) {
			if v == "" {
				continue
			}
			claims = append(claims, claim{c.kind, v})
			keys = append(keys, key(uniquePK(tenant, c.kind, v), uniqueSK))
		}
	}
	byEmail, byCode = map[string]*domain.Client{}, map[string]*domain.Client{}
	if len(keys) == 0 {
		return byEmail, byCode, nil
	}
	items, err := s.batchGet(ctx, keys)
	if err != nil {
		return nil, nil, err
	}
	owner := map[string]string{} // claim's PK → client id
	var ids []string
	for _, it := range items {
		if id := attrString(it, "client_id"); id != "" {
			owner[attrString(it, Schema.Keys.Partition)] = id
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return byEmail, byCode, nil
	}
	clients, _, err := s.batchGetClients(ctx, tenant, slices.Compact(slices.Sorted(slices.Values(ids))), false)
	if err != nil {
		return nil, nil, err
	}
	byID := map[string]*domain.Client{}
	for _, c := range clients {
		byID[c.ID] = c
	}
	for _, c := range claims {
		holder := byID[owner[uniquePK(tenant, c.kind, c.value)]]
		if holder == nil {
			continue
		}
		if c.kind == "email" {
			byEmail[c.value] = holder
		} else {
			byCode[c.value] = holder
		}
	}
	return byEmail, byCode, nil
}
