package store

import (
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// KeySchema names a partition and a sort key attribute; every key attribute is a string.
type KeySchema struct {
	Partition string
	Sort      string
}

// Index is a global secondary index; all of them project every attribute, so a list page is
// served by the index alone.
type Index struct {
	Name string
	Keys KeySchema
}

// TableSchema is the one definition of the table, read by the CDK stack, the local stack and
// the tests.
type TableSchema struct {
	Keys    KeySchema
	Indexes []Index
	// TTLAttribute holds an epoch-seconds expiry on items that DynamoDB should delete by itself
	// (idempotency records, invitation links, export jobs).
	TTLAttribute string
}

// Index names.
const (
	// ByCreated lists a tab (archived or not) by client id, that is by creation time.
	ByCreated = "GSI1"
	// ByName lists a tab by folded name.
	ByName = "GSI2"
	// ByUpdated lists a tab by last update.
	ByUpdated = "GSI3"
	// ByStatus lists a tab's clients of one status by creation time.
	ByStatus = "GSI4"
	// ByFeed lists a tenant's events, newest first: the activity feed.
	ByFeed = "GSI5"
)

// Schema is the table's definition. The indexes are sparse: only client items carry the keys
// of the first four, which share attributes (the tab partition GSI1PK, the id sort key
// GSI1SK); only events carry the feed's.
var Schema = TableSchema{
	Keys: KeySchema{Partition: "PK", Sort: "SK"},
	Indexes: []Index{
		{Name: ByCreated, Keys: KeySchema{Partition: "GSI1PK", Sort: "GSI1SK"}},
		{Name: ByName, Keys: KeySchema{Partition: "GSI1PK", Sort: "GSI2SK"}},
		{Name: ByUpdated, Keys: KeySchema{Partition: "GSI1PK", Sort: "GSI3SK"}},
		{Name: ByStatus, Keys: KeySchema{Partition: "GSI4PK", Sort: "GSI1SK"}},
		{Name: ByFeed, Keys: KeySchema{Partition: "GSI5PK", Sort: "GSI5SK"}},
	},
	TTLAttribute: "expires_at",
}

// Index returns the index called name.
func (s TableSchema) Index(name string) Index {
	for _, ix := range s.Indexes {
		if ix.Name == name {
			return ix
		}
	}
	panic("store: no index " + name)
}

// KeyAttributes lists every attribute used in a key of the table or an index, once.
func (s TableSchema) KeyAttributes() []string {
	attrs := []string{s.Keys.Partition, s.Keys.Sort}
	for _, ix := range s.Indexes {
		for _, a := range []string{ix.Keys.Partition, ix.Keys.Sort} {
			if !slices.Contains(attrs, a) {
				attrs = append(attrs, a)
			}
		}
	}
	return attrs
}

// CreateTableInput is the request that creates the table on an emulator (on AWS, the CDK
// stack creates it from the same schema).
func (s TableSchema) CreateTableInput(table string) *dynamodb.CreateTableInput {
	in := &dynamodb.CreateTableInput{
		TableName:   aws.String(table),
		BillingMode: types.BillingModePayPerRequest,
		KeySchema:   keyElements(s.Keys),
	}
	for _, a := range s.KeyAttributes() {
		in.AttributeDefinitions = append(in.AttributeDefinitions, types.AttributeDefinition{
			AttributeName: aws.String(a), AttributeType: types.ScalarAttributeTypeS})
	}
	for _, ix := range s.Indexes {
		in.GlobalSecondaryIndexes = append(in.GlobalSecondaryIndexes, types.GlobalSecondaryIndex{
			IndexName:  aws.String(ix.Name),
			KeySchema:  keyElements(ix.Keys),
			Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll},
		})
	}
	return in
}

func keyElements(k KeySchema) []types.KeySchemaElement {
	return []types.KeySchemaElement{
		{AttributeName: aws.String(k.Partition), KeyType: types.KeyTypeHash},
		{AttributeName: aws.String(k.Sort), KeyType: types.KeyTypeRange},
	}
}
