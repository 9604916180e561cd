package api_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

func TestDbgTag(t *testing.T) {
	h := newHarness(t)
	for i := range 30 {
		h.create("agency-1", fmt.Sprintf(`{"first_name":"Client%d","last_name":"Durand","tags":["vip"]}`, i))
	}
	db := h.db.Client()
	in := &dynamodb.QueryInput{TableName: aws.String(h.db.Table), KeyConditionExpression: aws.String("PK = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: "T#agency-1#TAG#vip"}, ":a": &types.AttributeValueMemberBOOL{Value: false}},
		FilterExpression: aws.String("archived = :a"), Limit: aws.Int32(52), ScanIndexForward: aws.Bool(false)}
	for i := 0; i < 4; i++ {
		out, err := db.Query(context.Background(), in)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Println("items", len(out.Items), "count", out.Count, "scanned", out.ScannedCount, "lek", out.LastEvaluatedKey != nil)
		if out.LastEvaluatedKey == nil {
			break
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
}
