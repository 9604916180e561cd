package store

import (
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
	// (idempotency records now; setup tokens and export jobs later).
	TTLAttribute string
}

// Schema is the table's definition.
var Schema = TableSchema{
	Keys: KeySchema{Partition: "PK", Sort: "SK"},
	Indexes: []Index{
		{Name: "GSI1", Keys: KeySchema{Partition: "GSI1PK", Sort: "GSI1SK"}},
	},
	TTLAttribute: "expires_at",
}

// KeyAttributes lists every attribute used in a key of the table or an index.
func (s TableSchema) KeyAttributes() []string {
	attrs := []string{s.Keys.Partition, s.Keys.Sort}
	for _, ix := range s.Indexes {
		attrs = append(attrs, ix.Keys.Partition, ix.Keys.Sort)
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
