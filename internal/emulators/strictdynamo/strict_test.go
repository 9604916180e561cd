package strictdynamo_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"
	"github.com/truora/minidyn/server"

	"github.com/clientdesk/clientdesk/internal/emulators/strictdynamo"
)

const table = "limits"

// newClient starts minidyn behind the checks, with a table keyed like the application's
// (PK, SK, and an index GSI1 on GSI1PK, GSI1SK), and returns a real SDK client for it.
func newClient(t *testing.T) *dynamodb.Client {
	t.Helper()
	schema := strictdynamo.Schema{Table: table, Keys: strictdynamo.Key{Partition: "PK", Sort: "SK"},
		Indexes: map[string]strictdynamo.Key{"GSI1": {Partition: "GSI1PK", Sort: "GSI1SK"}}}
	srv := httptest.NewServer(strictdynamo.New(server.NewServer(), schema))
	t.Cleanup(srv.Close)
	db := dynamodb.New(dynamodb.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider("k", "s", "")})
	s := types.ScalarAttributeTypeS
	_, err := db.CreateTable(context.Background(), &dynamodb.CreateTableInput{
		TableName: aws.String(table), BillingMode: types.BillingModePayPerRequest,
		KeySchema: []types.KeySchemaElement{{AttributeName: aws.String("PK"), KeyType: types.KeyTypeHash}, {AttributeName: aws.String("SK"), KeyType: types.KeyTypeRange}},
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("PK"), AttributeType: s}, {AttributeName: aws.String("SK"), AttributeType: s},
			{AttributeName: aws.String("GSI1PK"), AttributeType: s}, {AttributeName: aws.String("GSI1SK"), AttributeType: s}},
		GlobalSecondaryIndexes: []types.GlobalSecondaryIndex{{IndexName: aws.String("GSI1"), Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll},
			KeySchema: []types.KeySchemaElement{{AttributeName: aws.String("GSI1PK"), KeyType: types.KeyTypeHash}, {AttributeName: aws.String("GSI1SK"), KeyType: types.KeyTypeRange}}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func str(s string) types.AttributeValue { return &types.AttributeValueMemberS{Value: s} }
func num(n string) types.AttributeValue { return &types.AttributeValueMemberN{Value: n} }

func item(pk, sk string, more ...any) map[string]types.AttributeValue {
	it := map[string]types.AttributeValue{"PK": str(pk), "SK": str(sk)}
	for i := 0; i+1 < len(more); i += 2 {
		it[more[i].(string)] = more[i+1].(types.AttributeValue)
	}
	return it
}

func put(it map[string]types.AttributeValue) types.TransactWriteItem {
	return types.TransactWriteItem{Put: &types.Put{TableName: aws.String(table), Item: it}}
}

// refused checks that err is DynamoDB's ValidationException saying want.
func refused(t *testing.T, err error, want string) {
	t.Helper()
	var api smithy.APIError
	if !errors.As(err, &api) || api.ErrorCode() != "ValidationException" || !strings.Contains(api.ErrorMessage(), want) {
		t.Fatalf("want a ValidationException saying %q, got %v", want, err)
	}
}

// Each limit DynamoDB documents, refused through the real SDK as DynamoDB refuses it; and the
// same request within the limit accepted, so that the check is the limit and nothing else.
func TestLimits(t *testing.T) {
	ctx := context.Background()
	db := newClient(t)
	big := strings.Repeat("x", 390<<10)
	manyPuts := func(n int, size int) []types.TransactWriteItem {
		var out []types.TransactWriteItem
		for i := range n {
			out = append(out, put(item("p", fmt.Sprint(i), "blob", str(strings.Repeat("y", size)))))
		}
		return out
	}
	keys := func(n int) []map[string]types.AttributeValue {
		var out []map[string]types.AttributeValue
		for i := range n {
			out = append(out, item("p", fmt.Sprint(i)))
		}
		return out
	}
	writes := func(n int) []types.WriteRequest {
		var out []types.WriteRequest
		for i := range n {
			out = append(out, types.WriteRequest{PutRequest: &types.PutRequest{Item: item("p", fmt.Sprint(i))}})
		}
		return out
	}
	putItem := func(it map[string]types.AttributeValue) error {
		_, err := db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(table), Item: it})
		return err
	}
	tests := []struct {
		name   string
		over   func() error
		within func() error
		says   string
	}{
		{"transaction of more than 100 actions",
			func() error {
				_, err := db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: manyPuts(101, 1)})
				return err
			},
			func() error {
				_, err := db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: manyPuts(100, 1)})
				return err
			}, "less than or equal to 100"},
		{"transaction over 4 MB",
			func() error {
				_, err := db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: manyPuts(11, 390<<10)})
				return err
			},
			func() error {
				_, err := db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: manyPuts(10, 390<<10)})
				return err
			}, "larger than 4 MB"},
		{"two actions on one item in a transaction",
			func() error {
				_, err := db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
					put(item("p", "1")), {Delete: &types.Delete{TableName: aws.String(table), Key: item("p", "1")}}}})
				return err
			},
			func() error {
				_, err := db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
					put(item("p", "1")), {Delete: &types.Delete{TableName: aws.String(table), Key: item("p", "2")}}}})
				return err
			}, "multiple operations on one item"},
		{"BatchGetItem of more than 100 keys",
			func() error {
				_, err := db.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: map[string]types.KeysAndAttributes{table: {Keys: keys(101)}}})
				return err
			},
			func() error {
				_, err := db.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: map[string]types.KeysAndAttributes{table: {Keys: keys(100)}}})
				return err
			}, "Too many items requested for the BatchGetItem call"},
		{"BatchWriteItem of more than 25 requests",
			func() error {
				_, err := db.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{table: writes(26)}})
				return err
			},
			func() error {
				_, err := db.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{table: writes(25)}})
				return err
			}, "less than or equal to 25"},
		{"item over 400 KB",
			func() error { return putItem(item("p", "big", "blob", str(big+strings.Repeat("x", 11<<10)))) },
			func() error { return putItem(item("p", "big", "blob", str(big))) },
			"Item size has exceeded the maximum allowed size"},
		{"number above 9.99E+125",
			func() error { return putItem(item("p", "n", "v", num("1e300"))) },
			func() error { return putItem(item("p", "n", "v", num("9.9999999999999999999999999999999999999E+125"))) },
			"Number overflow"},
		{"number below 1E-130",
			func() error { return putItem(item("p", "n", "v", num("1e-131"))) },
			func() error { return putItem(item("p", "n", "v", num("1E-130"))) },
			"Number underflow"},
		{"number of more than 38 significant digits",
			func() error { return putItem(item("p", "n", "v", num("1.23456789012345678901234567890123456789"))) },
			func() error { return putItem(item("p", "n", "v", num("12345678901234567890123456789012345678000"))) },
			"more than 38 significant digits"},
		{"number out of range in an expression value",
			func() error {
				_, err := db.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String(table), Key: item("p", "n"),
					UpdateExpression: aws.String("ADD v :one"), ExpressionAttributeValues: map[string]types.AttributeValue{":one": num("-1e200")}})
				return err
			},
			func() error {
				_, err := db.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String(table), Key: item("p", "n"),
					UpdateExpression: aws.String("ADD v :one"), ExpressionAttributeValues: map[string]types.AttributeValue{":one": num("-1e100")}})
				return err
			}, "Number overflow"},
		{"empty string in a key attribute",
			func() error { return putItem(item("p", "")) },
			func() error { return putItem(item("p", " ")) },
			"cannot contain an empty string value. Key: SK"},
		{"empty string in an index key attribute",
			func() error { return putItem(item("p", "gsi", "GSI1PK", str(""), "GSI1SK", str("a"))) },
			func() error { return putItem(item("p", "gsi", "GSI1PK", str("g"), "GSI1SK", str("a"))) },
			"IndexName: GSI1, IndexKey: GSI1PK"},
		{"partition key over 2048 bytes",
			func() error { return putItem(item(strings.Repeat("p", 2049), "s")) },
			func() error { return putItem(item(strings.Repeat("p", 2048), "s")) },
			"Size of hashkey has exceeded the maximum size limit of 2048 bytes"},
		{"sort key over 1024 bytes",
			func() error { return putItem(item("p", strings.Repeat("s", 1025))) },
			func() error { return putItem(item("p", strings.Repeat("s", 1024))) },
			"size limit of 1024 bytes"},
		{"nesting deeper than 32 levels",
			func() error { return putItem(item("p", "deep", "m", nested(33))) },
			func() error { return putItem(item("p", "deep", "m", nested(32))) },
			"Nesting Levels have exceeded supported limits"},
		{"Limit under 1",
			func() error { _, err := db.Query(ctx, query(0, nil)); return err },
			func() error { _, err := db.Query(ctx, query(1, nil)); return err },
			"Member must have value greater than or equal to 1"},
		{"starting key outside the range key predicate",
			func() error { _, err := db.Query(ctx, query(5, item("p", "b#1"))); return err },
			func() error { _, err := db.Query(ctx, query(5, item("p", "a#1"))); return err },
			"does not match the range key predicate"},
		{"starting key in another partition",
			func() error { _, err := db.Query(ctx, query(5, item("q", "a#1"))); return err },
			func() error { _, err := db.Query(ctx, query(5, item("p", "a#2"))); return err },
			"outside query boundaries"},
		{"starting key without the index's keys",
			func() error { _, err := db.Query(ctx, indexQuery(item("p", "s"))); return err },
			func() error {
				_, err := db.Query(ctx, indexQuery(item("p", "s", "GSI1PK", str("g"), "GSI1SK", str("a"))))
				return err
			}, "does not match the schema"},
		{"expression over 4 KB",
			func() error { return condPut("attribute_not_exists(PK)" + strings.Repeat(" ", 4097-24)) },
			func() error { return condPut("attribute_not_exists(PK)" + strings.Repeat(" ", 4096-24)) },
			"Expression size has exceeded the maximum allowed size"},
		{"placeholder over 255 bytes",
			func() error { return namedPut(db, "#"+strings.Repeat("a", 255)) },
			func() error { return namedPut(db, "#"+strings.Repeat("a", 254)) },
			"maximum allowed length of 255 bytes"},
		{"placeholder defined but unused",
			func() error {
				_, err := db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(table), Item: item("p", "u"),
					ConditionExpression: aws.String("attribute_not_exists(PK)"), ExpressionAttributeNames: map[string]string{"#unused": "x"}})
				return err
			},
			func() error {
				_, err := db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(table), Item: item("p", "u2"),
					ConditionExpression: aws.String("attribute_not_exists(#pk)"), ExpressionAttributeNames: map[string]string{"#pk": "PK"}})
				return err
			}, "unused in expressions"},
	}
	condPutDB = db
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			refused(t, tt.over(), tt.says)
			if err := tt.within(); err != nil {
				t.Fatalf("within the limit: %v", err)
			}
		})
	}
}

var condPutDB *dynamodb.Client

func condPut(cond string) error {
	_, err := condPutDB.PutItem(context.Background(), &dynamodb.PutItemInput{TableName: aws.String(table),
		Item: item("p", fmt.Sprint(len(cond))), ConditionExpression: aws.String(cond)})
	return err
}

func namedPut(db *dynamodb.Client, name string) error {
	_, err := db.PutItem(context.Background(), &dynamodb.PutItemInput{TableName: aws.String(table),
		Item: item("p", name[:3]), ConditionExpression: aws.String("attribute_not_exists(" + name + ")"),
		ExpressionAttributeNames: map[string]string{name: "PK"}})
	return err
}

func nested(depth int) types.AttributeValue {
	v := types.AttributeValue(str("leaf"))
	for range depth - 1 {
		v = &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{"m": v}}
	}
	return v
}

func query(limit int32, start map[string]types.AttributeValue) *dynamodb.QueryInput {
	return &dynamodb.QueryInput{TableName: aws.String(table), Limit: aws.Int32(limit), ExclusiveStartKey: start,
		KeyConditionExpression:    aws.String("PK = :pk AND begins_with(SK, :w)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": str("p"), ":w": str("a")}}
}

func indexQuery(start map[string]types.AttributeValue) *dynamodb.QueryInput {
	return &dynamodb.QueryInput{TableName: aws.String(table), IndexName: aws.String("GSI1"), ExclusiveStartKey: start,
		KeyConditionExpression:    aws.String("#pk = :pk"),
		ExpressionAttributeNames:  map[string]string{"#pk": "GSI1PK"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": str("g")}}
}

// An update whose result would pass 400 KB is refused and leaves the item as it was.
func TestUpdateResultOver400KB(t *testing.T) {
	ctx := context.Background()
	db := newClient(t)
	half := strings.Repeat("x", 220<<10)
	if _, err := db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(table), Item: item("p", "u", "a", str(half))}); err != nil {
		t.Fatal(err)
	}
	_, err := db.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String(table), Key: item("p", "u"),
		UpdateExpression: aws.String("SET b = :b"), ExpressionAttributeValues: map[string]types.AttributeValue{":b": str(half)}})
	refused(t, err, "Item size to update has exceeded the maximum allowed size")
	out, err := db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(table), Key: item("p", "u")})
	if err != nil || out.Item["b"] != nil || out.Item["a"] == nil {
		t.Fatalf("the refused update changed the item: %v %v", len(out.Item), err)
	}
	// In a transaction, the whole transaction is undone.
	_, err = db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		put(item("p", "other")),
		{Update: &types.Update{TableName: aws.String(table), Key: item("p", "u"), UpdateExpression: aws.String("SET b = :b"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":b": str(half)}}},
	}})
	refused(t, err, "Item size to update has exceeded the maximum allowed size")
	if out, _ := db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(table), Key: item("p", "other")}); out.Item != nil {
		t.Fatal("the refused transaction left one of its items")
	}
}

func TestNumbers(t *testing.T) {
	for _, tt := range []struct {
		in string
		ok bool
	}{
		{"0", true}, {"-0.000", true}, {"1E-130", true}, {"-1e-130", true}, {"9.9999999999999999999999999999999999999E+125", true},
		{"1E126", false}, {"0.1e-129", true}, {"0.01e-129", false}, {"100000000000000000000000000000000000000", true},
		{"1234567890123456789012345678901234567.8", true}, {"12345678901234567890123456789012345678.9", false},
		{"", false}, {"1e", false}, {"abc", false}, {"--1", false}, {".", false}, {"1.5e3", true},
	} {
		err := strictdynamo.CheckNumber(tt.in)
		if (err == nil) != tt.ok {
			t.Errorf("%q: %v, want ok=%v", tt.in, err, tt.ok)
		}
	}
}
