package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/clientdesk/clientdesk/internal/domain"
)

// Stats are the counts the list's tabs show.
type Stats struct {
	// Total and ByStatus count the clients that are not archived.
	Total    int                   `json:"total"`
	ByStatus map[domain.Status]int `json:"by_status"`
	// Archived and ArchivedByStatus count the archived ones.
	Archived         int                   `json:"archived"`
	ArchivedByStatus map[domain.Status]int `json:"archived_by_status"`
}

// GetStats sums the tenant's counter shards: one Query a partition of them (8, at once),
// never a read of the clients. The counters move in the same transaction as every client
// write, so they are exact.
func (s *Store) GetStats(ctx context.Context, tenant string) (Stats, error) {
	parts := make([][]map[string]types.AttributeValue, statsPartitions)
	errs := make([]error, statsPartitions)
	var wg sync.WaitGroup
	for p := range statsPartitions {
		wg.Go(func() {
			out, err := s.db.Query(ctx, &dynamodb.QueryInput{
				TableName:                 aws.String(s.table),
				KeyConditionExpression:    aws.String("PK = :pk"),
				ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: statsPK(tenant, p)}},
				ConsistentRead:            aws.Bool(true),
			})
			if err != nil {
				errs[p] = fmt.Errorf("get stats: %w", err)
				return
			}
			parts[p] = out.Items
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return Stats{}, err
	}
	st := Stats{ByStatus: map[domain.Status]int{}, ArchivedByStatus: map[domain.Status]int{}}
	for _, status := range domain.Statuses {
		st.ByStatus[status], st.ArchivedByStatus[status] = 0, 0
	}
	for _, item := range slices.Concat(parts...) {
		for _, status := range domain.Statuses {
			st.ByStatus[status] += attrInt(item, statsAttr(status, false))
			st.ArchivedByStatus[status] += attrInt(item, statsAttr(status, true))
		}
	}
	for _, status := range domain.Statuses {
		st.Total += st.ByStatus[status]
		st.Archived += st.ArchivedByStatus[status]
	}
	return st, nil
}
