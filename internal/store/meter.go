package store

import (
	"context"
	"maps"
	"sync"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go/middleware"
)

// Meter counts the DynamoDB requests a client makes and the items they read and write: the
// cost that matters at scale, independent of the machine. Attach it to a client's options;
// it is safe for concurrent use.
type Meter struct {
	mu     sync.Mutex
	counts Counts
}

// Counts is a snapshot of a Meter.
type Counts struct {
	Requests     int
	ByOperation  map[string]int
	ItemsRead    int
	ItemsWritten int
	// WritesByKey counts the items written per partition key: the hottest key is what
	// DynamoDB's 1,000 write units a second per partition bound.
	WritesByKey map[string]int
}

// Attach adds the meter to a client's middleware stack: dynamodb.New(opts, meter.Attach).
func (m *Meter) Attach(o *dynamodb.Options) {
	o.APIOptions = append(o.APIOptions, func(stack *middleware.Stack) error {
		return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("RequestMeter",
			func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				out, md, err := next.HandleInitialize(ctx, in)
				m.record(awsmiddleware.GetOperationName(ctx), in.Parameters, out.Result)
				return out, md, err
			}), middleware.After)
	})
}

func (m *Meter) record(op string, params, result any) {
	read, written := 0, 0
	var keys []string
	pk := func(item map[string]types.AttributeValue) {
		if v, ok := item[Schema.Keys.Partition].(*types.AttributeValueMemberS); ok {
			keys = append(keys, v.Value)
		}
	}
	switch r := result.(type) {
	case *dynamodb.GetItemOutput:
		if r.Item != nil {
			read = 1
		}
	case *dynamodb.QueryOutput:
		// ScannedCount is what DynamoDB bills; minidyn leaves it at zero, so never count
		// fewer than the items returned.
		read = max(int(r.ScannedCount), len(r.Items))
	case *dynamodb.ScanOutput:
		read = max(int(r.ScannedCount), len(r.Items))
	case *dynamodb.BatchGetItemOutput:
		for _, items := range r.Responses {
			read += len(items)
		}
	case *dynamodb.TransactGetItemsOutput:
		read = len(r.Responses)
	}
	switch p := params.(type) {
	case *dynamodb.PutItemInput:
		if result != nil {
			written = 1
			pk(p.Item)
		}
	case *dynamodb.UpdateItemInput:
		if result != nil {
			written = 1
			pk(p.Key)
		}
	case *dynamodb.DeleteItemInput:
		if result != nil {
			written = 1
			pk(p.Key)
		}
	case *dynamodb.TransactWriteItemsInput:
		if result != nil {
			for _, it := range p.TransactItems {
				switch {
				case it.ConditionCheck != nil:
					read++
				case it.Put != nil:
					written++
					pk(it.Put.Item)
				case it.Update != nil:
					written++
					pk(it.Update.Key)
				case it.Delete != nil:
					written++
					pk(it.Delete.Key)
				}
			}
		}
	case *dynamodb.BatchWriteItemInput:
		if r, ok := result.(*dynamodb.BatchWriteItemOutput); ok {
			for _, reqs := range p.RequestItems {
				written += len(reqs)
			}
			for _, reqs := range r.UnprocessedItems {
				written -= len(reqs)
			}
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.counts.ByOperation == nil {
		m.counts.ByOperation = map[string]int{}
	}
	m.counts.Requests++
	m.counts.ByOperation[op]++
	m.counts.ItemsRead += read
	m.counts.ItemsWritten += written
	if m.counts.WritesByKey == nil {
		m.counts.WritesByKey = map[string]int{}
	}
	for _, k := range keys {
		m.counts.WritesByKey[k]++
	}
}

// Snapshot returns the counts so far.
func (m *Meter) Snapshot() Counts {
	m.mu.Lock()
	defer m.mu.Unlock()
	c := m.counts
	c.ByOperation = make(map[string]int, len(m.counts.ByOperation))
	for k, v := range m.counts.ByOperation {
		c.ByOperation[k] = v
	}
	c.WritesByKey = maps.Clone(m.counts.WritesByKey)
	return c
}

// Hottest is the partition key written most, and how many items it got.
func (c Counts) Hottest() (string, int) {
	key, n := "", 0
	for k, v := range c.WritesByKey {
		if v > n || v == n && k < key {
			key, n = k, v
		}
	}
	return key, n
}

// Reset sets every count back to zero.
func (m *Meter) Reset() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.counts = Counts{}
}
