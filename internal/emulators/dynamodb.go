// Package emulators starts the in-process AWS emulators that the local stack and the tests use,
// and returns real aws-sdk-go-v2 clients pointed at them on loopback.
package emulators

import (
	"context"
	"fmt"
	"net/http/httptest"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/truora/minidyn/server"

	"github.com/clientdesk/clientdesk/internal/emulators/strictdynamo"
	"github.com/clientdesk/clientdesk/internal/store"
)

// Region is the region every emulated client claims; nothing here reaches AWS.
const Region = "us-east-1"

// DynamoDB is a minidyn server holding the application table, behind a check that refuses
// what DynamoDB refuses and minidyn accepts (package strictdynamo): the local stack and every
// test are as strict as AWS.
type DynamoDB struct {
	Server *server.Server
	URL    string
	Table  string
	http   *httptest.Server
}

// StartDynamoDB starts minidyn on a loopback port, behind DynamoDB's limits, and creates
// table from store.Schema.
func StartDynamoDB(ctx context.Context, table string) (*DynamoDB, error) {
	srv := server.NewServer()
	hs := httptest.NewServer(strictdynamo.New(srv, StrictSchema(store.Schema, table)))
	d := &DynamoDB{Server: srv, URL: hs.URL, Table: table, http: hs}
	if _, err := d.Client().CreateTable(ctx, store.Schema.CreateTableInput(table)); err != nil {
		hs.Close()
		return nil, fmt.Errorf("create table %s: %w", table, err)
	}
	return d, nil
}

// StrictSchema is what the limits check needs to know of table.
func StrictSchema(s store.TableSchema, table string) strictdynamo.Schema {
	out := strictdynamo.Schema{Table: table, Keys: strictdynamo.Key{Partition: s.Keys.Partition, Sort: s.Keys.Sort},
		Indexes: map[string]strictdynamo.Key{}}
	for _, ix := range s.Indexes {
		out.Indexes[ix.Name] = strictdynamo.Key{Partition: ix.Keys.Partition, Sort: ix.Keys.Sort}
	}
	return out
}

// Client returns an SDK client for the emulator; options such as a store.Meter's Attach apply.
func (d *DynamoDB) Client(opts ...func(*dynamodb.Options)) *dynamodb.Client {
	return dynamodb.New(dynamodb.Options{
		Region:       Region,
		BaseEndpoint: aws.String(d.URL),
		Credentials:  credentials.NewStaticCredentialsProvider("local", "local", ""),
	}, opts...)
}

// Close stops the server.
func (d *DynamoDB) Close() { d.http.Close() }
