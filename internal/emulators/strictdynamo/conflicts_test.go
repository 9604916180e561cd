package strictdynamo_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/truora/minidyn/server"

	"github.com/clientdesk/clientdesk/internal/emulators/strictdynamo"
)

// While a transaction is in flight (held here at the emulator's door), a second transaction
// naming one of its items is cancelled with the reason TransactionConflict on that item, a
// plain write of one of its items fails with TransactionConflictException, and a write of
// another item goes through; once it is done, the same requests succeed. Through the real
// SDK.
func TestTransactionConflicts(t *testing.T) {
	inner := server.NewServer()
	gate, entered := make(chan struct{}), make(chan struct{}, 1)
	held := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.Header.Get("X-Amz-Target"), "TransactWriteItems") {
			body, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(strings.NewReader(string(body)))
			if strings.Contains(string(body), "held") {
				entered <- struct{}{}
				<-gate
			}
		}
		inner.ServeHTTP(w, r)
	})
	schema := strictdynamo.Schema{Table: table, Keys: strictdynamo.Key{Partition: "PK", Sort: "SK"}}
	strict := strictdynamo.New(held, schema)
	const inFlight = 300 * time.Millisecond // long enough for the checks below
	strict.InFlight = inFlight
	srv := httptest.NewServer(strict)
	t.Cleanup(srv.Close)
	db := dynamodb.New(dynamodb.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider("k", "s", "")})
	ctx := context.Background()
	s := types.ScalarAttributeTypeS
	if _, err := db.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName: aws.String(table), BillingMode: types.BillingModePayPerRequest,
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("PK"), KeyType: types.KeyTypeHash}, {AttributeName: aws.String("SK"), KeyType: types.KeyTypeRange}},
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("PK"), AttributeType: s}, {AttributeName: aws.String("SK"), AttributeType: s}},
	}); err != nil {
		t.Fatal(err)
	}
	counter := func(note string) types.TransactWriteItem {
		return types.TransactWriteItem{Update: &types.Update{TableName: aws.String(table), Key: item("stats", "0"),
			UpdateExpression: aws.String("ADD n :one SET note = :note"), ExpressionAttributeValues: map[string]types.AttributeValue{":one": num("1"), ":note": str(note)}}}
	}
	first := make(chan error, 1)
	began := time.Now()
	go func() {
		_, err := db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{put(item("client", "a")), counter("held")}})
		first <- err
	}()
	<-entered
	defer func() {
		if time.Since(began) > inFlight {
			t.Log("the checks took longer than the hold: the machine is too slow for this test's timing")
		}
	}()

	_, err := db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{put(item("client", "b")), counter("second")}})
	var tce *types.TransactionCanceledException
	if !errors.As(err, &tce) || len(tce.CancellationReasons) != 2 || aws.ToString(tce.CancellationReasons[0].Code) != "None" ||
		aws.ToString(tce.CancellationReasons[1].Code) != "TransactionConflict" {
		t.Fatalf("a transaction on a held item: %v", err)
	}
	_, err = db.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String(table), Key: item("stats", "0"),
		UpdateExpression: aws.String("ADD n :one"), ExpressionAttributeValues: map[string]types.AttributeValue{":one": num("1")}})
	var conflict *types.TransactionConflictException
	if !errors.As(err, &conflict) {
		t.Fatalf("a plain write of a held item: %v", err)
	}
	// A write of another item is not refused (it waits for its turn: the emulator applies
	// writes one at a time).
	other := make(chan error, 1)
	go func() {
		_, err := db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(table), Item: item("client", "c")})
		other <- err
	}()
	close(gate)
	if err := <-other; err != nil {
		t.Fatalf("a write of another item: %v", err)
	}
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	time.Sleep(inFlight) // the first transaction's hold ends
	if _, err := db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{put(item("client", "b")), counter("after")}}); err != nil {
		t.Fatalf("after the first transaction: %v", err)
	}
	out, err := db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(table), Key: item("stats", "0"), ConsistentRead: aws.Bool(true)})
	if err != nil || out.Item["n"].(*types.AttributeValueMemberN).Value != "2" {
		t.Fatalf("counter %v %v", out.Item, err)
	}
}
