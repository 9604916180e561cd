package store

import (
	"cmp"
	"context"
	"errors"
	"maps"
	"slices"
	"strings"
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
	// ReadUnits are the read capacity units DynamoDB bills for the reads (see readUnits).
	ReadUnits float64
	// Conflicts are the requests refused because a transaction in flight held an item: a
	// cancelled transaction with a TransactionConflict reason, a TransactionConflictException.
	Conflicts int
	// WritesByKey counts the items written per partition key: the hottest key is what
	// DynamoDB's 1,000 write units a second per partition bound.
	WritesByKey map[string]int
	// WriteUnitsByKey are the write units DynamoDB bills per partition key: of the table
	// (the key's value) and of each index an item is written to ("GSI1:" and the value). An
	// item written is 1 unit per KB, 2 in a transaction; an index's copy 1 unit per KB of the
	// item (the indexes project every attribute). An update or a delete, whose size the
	// request does not tell, counts as an item of 1 KB.
	WriteUnitsByKey map[string]float64
}

// Attach adds the meter to a client's middleware stack: dynamodb.New(opts, meter.Attach).
func (m *Meter) Attach(o *dynamodb.Options) {
	o.APIOptions = append(o.APIOptions, func(stack *middleware.Stack) error {
		return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("RequestMeter",
			func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				out, md, err := next.HandleInitialize(ctx, in)
				m.record(awsmiddleware.GetOperationName(ctx), in.Parameters, out.Result)
				if conflicted(err) {
					m.mu.Lock()
					m.counts.Conflicts++
					m.mu.Unlock()
				}
				return out, md, err
			}), middleware.After)
	})
}

func (m *Meter) record(op string, params, result any) {
	read, written := 0, 0
	units := readUnits(params, result)
	var keys []string
	wunits := map[string]float64{}
	// wrote notes an item written: its whole self for a put, its key otherwise.
	wrote := func(item map[string]types.AttributeValue, put, transaction bool) {
		v, ok := item[Schema.Keys.Partition].(*types.AttributeValueMemberS)
		if !ok {
			return
		}
		keys = append(keys, v.Value)
		kb := 1.0
		if put {
			kb = float64((itemSize(item) + 1023) / 1024)
		}
		factor := 1.0
		if transaction {
			factor = 2
		}
		wunits[v.Value] += kb * factor
		if !put {
			return
		}
		for _, ix := range Schema.Indexes {
			ipk, ok1 := item[ix.Keys.Partition].(*types.AttributeValueMemberS)
			_, ok2 := item[ix.Keys.Sort]
			if ok1 && ok2 {
				wunits[ix.Name+":"+ipk.Value] += kb
			}
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
			wrote(p.Item, true, false)
		}
	case *dynamodb.UpdateItemInput:
		if result != nil {
			written = 1
			wrote(p.Key, false, false)
		}
	case *dynamodb.DeleteItemInput:
		if result != nil {
			written = 1
			wrote(p.Key, false, false)
		}
	case *dynamodb.TransactWriteItemsInput:
		if result != nil {
			for _, it := range p.TransactItems {
				switch {
				case it.ConditionCheck != nil:
					read++
				case it.Put != nil:
					written++
					wrote(it.Put.Item, true, true)
				case it.Update != nil:
					written++
					wrote(it.Update.Key, false, true)
				case it.Delete != nil:
					written++
					wrote(it.Delete.Key, false, true)
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
	m.counts.ReadUnits += units
	m.counts.ItemsWritten += written
	if m.counts.WritesByKey == nil {
		m.counts.WritesByKey = map[string]int{}
	}
	for _, k := range keys {
		m.counts.WritesByKey[k]++
	}
	if m.counts.WriteUnitsByKey == nil {
		m.counts.WriteUnitsByKey = map[string]float64{}
	}
	for k, u := range wunits {
		m.counts.WriteUnitsByKey[k] += u
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
	c.WriteUnitsByKey = maps.Clone(m.counts.WriteUnitsByKey)
	return c
}

// KeyUnits is a partition key (of the table, or "<index>:<value>") and its write units.
type KeyUnits struct {
	Key   string
	Units float64
}

// HottestUnits are the n partition keys that took the most write units, most first.
func (c Counts) HottestUnits(n int) []KeyUnits {
	var out []KeyUnits
	for k, u := range c.WriteUnitsByKey {
		out = append(out, KeyUnits{k, u})
	}
	slices.SortFunc(out, func(a, b KeyUnits) int {
		if a.Units != b.Units {
			return cmp.Compare(b.Units, a.Units)
		}
		return strings.Compare(a.Key, b.Key)
	})
	return out[:min(n, len(out))]
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

// readUnits are the read capacity units DynamoDB bills for a read, by its documented rules: a
// GetItem, and each item of a BatchGetItem, costs one unit per 4 KB of the item, rounded up;
// a Query costs one unit per 4 KB of all the items it evaluates together, rounded up once;
// eventually consistent reads (and every read of a global secondary index) cost half;
// transactional reads twice. Item sizes follow DynamoDB's item size rules (itemSize).
// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/read-write-operations.html
func readUnits(params, result any) float64 {
	blocks := func(size int) float64 { return float64((size + 4095) / 4096) }
	factor := func(consistent *bool) float64 {
		if consistent != nil && *consistent {
			return 1
		}
		return 0.5
	}
	switch r := result.(type) {
	case *dynamodb.GetItemOutput:
		p, _ := params.(*dynamodb.GetItemInput)
		if r.Item == nil || p == nil {
			return 0
		}
		return max(blocks(itemSize(r.Item)), 1) * factor(p.ConsistentRead)
	case *dynamodb.BatchGetItemOutput:
		p, _ := params.(*dynamodb.BatchGetItemInput)
		units := 0.0
		for table, items := range r.Responses {
			f := 0.5
			if p != nil {
				f = factor(p.RequestItems[table].ConsistentRead)
			}
			for _, it := range items {
				units += max(blocks(itemSize(it)), 1) * f
			}
		}
		return units
	case *dynamodb.QueryOutput:
		p, _ := params.(*dynamodb.QueryInput)
		if p == nil {
			return 0
		}
		size := 0
		for _, it := range r.Items {
			size += itemSize(it)
		}
		f := factor(p.ConsistentRead)
		if p.IndexName != nil {
			f = 0.5
		}
		return max(blocks(size), 1) * f
	case *dynamodb.TransactGetItemsOutput:
		units := 0.0
		for _, it := range r.Responses {
			units += 2 * max(blocks(itemSize(it.Item)), 1)
		}
		return units
	}
	return 0
}

// itemSize is an item's size as DynamoDB counts it: the UTF-8 bytes of each attribute's name
// and value; a number about one byte per two digits plus one; a boolean or null one byte; a
// list or map three bytes plus one per element and its contents.
func itemSize(item map[string]types.AttributeValue) int {
	size := 0
	for name, v := range item {
		size += len(name) + valueSize(v)
	}
	return size
}

func valueSize(v types.AttributeValue) int {
	switch v := v.(type) {
	case *types.AttributeValueMemberS:
		return len(v.Value)
	case *types.AttributeValueMemberN:
		return (len(strings.TrimLeft(v.Value, "-0."))+1)/2 + 1
	case *types.AttributeValueMemberB:
		return len(v.Value)
	case *types.AttributeValueMemberBOOL, *types.AttributeValueMemberNULL:
		return 1
	case *types.AttributeValueMemberSS:
		n := 0
		for _, s := range v.Value {
			n += len(s)
		}
		return n
	case *types.AttributeValueMemberNS:
		n := 0
		for _, s := range v.Value {
			n += (len(s)+1)/2 + 1
		}
		return n
	case *types.AttributeValueMemberBS:
		n := 0
		for _, b := range v.Value {
			n += len(b)
		}
		return n
	case *types.AttributeValueMemberL:
		n := 3
		for _, e := range v.Value {
			n += 1 + valueSize(e)
		}
		return n
	case *types.AttributeValueMemberM:
		n := 3
		for k, e := range v.Value {
			n += 1 + len(k) + valueSize(e)
		}
		return n
	}
	return 0
}

// conflicted reports whether err is DynamoDB refusing a request for a transaction in flight.
func conflicted(err error) bool {
	var tce *types.TransactionCanceledException
	if errors.As(err, &tce) {
		for _, r := range tce.CancellationReasons {
			if r.Code != nil && *r.Code == "TransactionConflict" {
				return true
			}
		}
	}
	var conflict *types.TransactionConflictException
	return errors.As(err, &conflict)
}
