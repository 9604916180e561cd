package store

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/clientdesk/clientdesk/internal/domain"
)

// ListQuery selects a page of clients. Limit must already be within bounds.
type ListQuery struct {
	Limit  int
	Cursor string
}

// fingerprint of the query's selection (not its page size): a cursor carries it.
func (q ListQuery) selection() string { return "clients:newest" }

// Page is a page of clients and the cursor of the next one ("" on the last page).
type Page struct {
	Items      []*domain.Client
	NextCursor string
}

// ListClients returns a page of the tenant's clients, newest first, in one Query.
// It reads Limit+1 items so that the last page is known to be last.
func (s *Store) ListClients(ctx context.Context, tenant string, q ListQuery) (Page, error) {
	ix := Schema.Indexes[0]
	in := &dynamodb.QueryInput{
		TableName:                aws.String(s.table),
		IndexName:                aws.String(ix.Name),
		KeyConditionExpression:   aws.String("#pk = :pk"),
		ExpressionAttributeNames: map[string]string{"#pk": ix.Keys.Partition},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk": &types.AttributeValueMemberS{Value: listPK(tenant, false)},
		},
		ScanIndexForward: aws.Bool(false),
		Limit:            aws.Int32(int32(q.Limit + 1)),
	}
	if q.Cursor != "" {
		after, err := decodeCursor(tenant, q.selection(), q.Cursor)
		if err != nil {
			return Page{}, err
		}
		in.KeyConditionExpression = aws.String("#pk = :pk AND #sk < :after")
		in.ExpressionAttributeNames["#sk"] = ix.Keys.Sort
		in.ExpressionAttributeValues[":after"] = &types.AttributeValueMemberS{Value: after}
	}
	out, err := s.db.Query(ctx, in)
	if err != nil {
		return Page{}, fmt.Errorf("list clients: %w", err)
	}
	page := Page{Items: make([]*domain.Client, 0, min(len(out.Items), q.Limit))}
	for i, item := range out.Items {
		if i == q.Limit {
			page.NextCursor = encodeCursor(tenant, q.selection(), page.Items[i-1].ID)
			break
		}
		c, err := unmarshalClient(item)
		if err != nil {
			return Page{}, err
		}
		page.Items = append(page.Items, c)
	}
	return page, nil
}
