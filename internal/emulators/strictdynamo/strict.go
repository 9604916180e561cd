// Package strictdynamo stands in front of a DynamoDB emulator and refuses, as DynamoDB does,
// what DynamoDB refuses and the emulator would accept: a request that passes here cannot fail
// on AWS for a limit the emulator ignores. It speaks the DynamoDB JSON protocol (it is an
// http.Handler), so the real SDK client sees DynamoDB's own error type and message.
//
// The limits are DynamoDB's documented ones:
//   - https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Constraints.html
//     (key and item sizes, numbers, nesting, expression parameters, transactions, API limits)
//   - https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html
//   - the API reference of Query (ExclusiveStartKey, Limit), BatchGetItem, BatchWriteItem,
//     TransactWriteItems and TransactGetItems.
package strictdynamo

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// DynamoDB's documented limits.
const (
	MaxItemBytes          = 400 << 10 // an item, names and values
	MaxPartitionKeyBytes  = 2048
	MaxSortKeyBytes       = 1024
	MaxTransactItems      = 100
	MaxTransactBytes      = 4 << 20
	MaxBatchGetKeys       = 100
	MaxBatchWriteRequests = 25
	MaxBatchWriteBytes    = 16 << 20
	MaxNumberDigits       = 38
	MaxNumberExponent     = 125  // 9.9999999999999999999999999999999999999E+125 is the largest
	MinNumberExponent     = -130 // 1E-130 is the smallest magnitude
	MaxNestingDepth       = 32
	MaxExpressionBytes    = 4096
	MaxPlaceholderBytes   = 255
	MaxSubstitutionBytes  = 2 << 20
	MaxAttributeNameBytes = 64 << 10
)

// Schema is what the checks need of the table: its key attributes and its indexes' (every
// key attribute is a string).
type Schema struct {
	Table   string
	Keys    Key
	Indexes map[string]Key
}

// Key names a partition and a sort key attribute.
type Key struct{ Partition, Sort string }

// Handler checks each request against DynamoDB's limits before the emulator sees it.
type Handler struct {
	next   http.Handler
	schema Schema
	// writes serialises the requests that write, so that an update whose result proves too
	// large can be undone before anyone else writes (the emulator serialises them anyway).
	writes sync.Mutex
	// holds are the items of the transactions in flight (conflicts.go), each for InFlight
	// from its arrival (DefaultInFlight; set before serving).
	holds    holds
	InFlight time.Duration
}

// New returns a Handler in front of next, for a table of schema.
func New(next http.Handler, schema Schema) *Handler {
	return &Handler{next: next, schema: schema, InFlight: DefaultInFlight}
}

// apiError is DynamoDB's answer to a refused request.
type apiError struct {
	Type    string `json:"__type"`
	Message string `json:"message"`
}

func (e *apiError) Error() string { return e.Type + ": " + e.Message }

func invalid(format string, args ...any) *apiError {
	return &apiError{Type: "com.amazonaws.dynamodb.v20120810#ValidationException", Message: fmt.Sprintf(format, args...)}
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	op := r.Header.Get("X-Amz-Target")
	if i := strings.LastIndexByte(op, '.'); i >= 0 {
		op = op[i+1:]
	}
	if e := h.check(op, body); e != nil {
		writeError(w, e)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	switch op {
	case "TransactWriteItems", "TransactGetItems":
		var req request
		if decodeNumbers(body, &req) == nil {
			keys := h.transactionKeys(req)
			by, conflicts, ok := h.holds.acquire(keys, h.InFlight)
			if !ok {
				writeCancelled(w, conflicts)
				return
			}
			defer h.holds.release(keys, by)
		}
	case "PutItem", "UpdateItem", "DeleteItem":
		var req request
		if decodeNumbers(body, &req) == nil && h.holds.held(h.plainWriteKeys(op, req)) {
			writeConflict(w)
			return
		}
	}
	if !writes(op) {
		h.next.ServeHTTP(w, r)
		return
	}
	h.writes.Lock()
	defer h.writes.Unlock()
	keys := h.updatedKeys(op, body)
	if len(keys) == 0 {
		h.next.ServeHTTP(w, r)
		return
	}
	// An update's result is only known once applied: keep what the items were, and put
	// them back if any came out larger than DynamoDB allows.
	before := make([]map[string]attr, len(keys))
	for i, k := range keys {
		before[i] = h.getItem(k)
	}
	rec := httptest.NewRecorder()
	h.next.ServeHTTP(rec, r)
	if rec.Code == http.StatusOK {
		for _, k := range keys {
			if after := h.getItem(k); after != nil && itemSize(after) > MaxItemBytes {
				for j, k := range keys {
					h.restore(k, before[j])
				}
				writeError(w, invalid("Item size to update has exceeded the maximum allowed size"))
				return
			}
		}
	}
	for name, values := range rec.Header() {
		w.Header()[name] = values
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())
}

func writes(op string) bool {
	switch op {
	case "PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems":
		return true
	}
	return false
}

func writeError(w http.ResponseWriter, e *apiError) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	w.WriteHeader(http.StatusBadRequest)
	_ = json.NewEncoder(w).Encode(e)
}

// attr is an attribute value in DynamoDB's JSON: one member named by its type.
type attr map[string]json.RawMessage

// expressions are the expression members any request or transaction action may carry.
type expressions struct {
	ConditionExpression       *string
	KeyConditionExpression    *string
	FilterExpression          *string
	UpdateExpression          *string
	ProjectionExpression      *string
	ExpressionAttributeNames  map[string]string
	ExpressionAttributeValues map[string]attr
}

type action struct {
	TableName string
	Key       map[string]attr
	Item      map[string]attr
	expressions
}

type request struct {
	action
	IndexName         *string
	Limit             *int64
	ExclusiveStartKey map[string]attr
	RequestItems      json.RawMessage
	TransactItems     []struct {
		Put, Update, Delete, ConditionCheck, Get *action
	}
}

func (h *Handler) check(op string, body []byte) *apiError {
	var req request
	d := json.NewDecoder(bytes.NewReader(body))
	d.UseNumber()
	if err := d.Decode(&req); err != nil {
		return &apiError{Type: "com.amazonaws.dynamodb.v20120810#SerializationException", Message: "Start of structure or map found where not expected"}
	}
	switch op {
	case "GetItem", "DeleteItem", "UpdateItem":
		return h.checkAction(req.action, false)
	case "PutItem":
		return h.checkAction(req.action, true)
	case "Query", "Scan":
		return h.checkRead(op, req)
	case "BatchGetItem":
		return h.checkBatchGet(req.RequestItems)
	case "BatchWriteItem":
		return h.checkBatchWrite(req.RequestItems)
	case "TransactWriteItems", "TransactGetItems":
		return h.checkTransaction(op, req)
	}
	return nil
}

// checkAction checks one item's action: its key (or its whole item for a put), its
// expressions and their values.
func (h *Handler) checkAction(a action, put bool) *apiError {
	if a.TableName != h.schema.Table {
		return nil
	}
	if e := checkExpressions(a.expressions); e != nil {
		return e
	}
	if put {
		return h.checkItem(a.Item)
	}
	return h.checkKey(a.Key)
}

// checkKey checks a primary key: exactly the table's key attributes, non-empty strings
// within their sizes.
func (h *Handler) checkKey(key map[string]attr) *apiError {
	k := h.schema.Keys
	if len(key) != 2 || key[k.Partition] == nil || key[k.Sort] == nil {
		return invalid("The provided key element does not match the schema")
	}
	return h.checkKeyValues(key, k, "")
}

func (h *Handler) checkKeyValues(item map[string]attr, k Key, index string) *apiError {
	for _, part := range []struct {
		name string
		max  int
		what string
	}{{k.Partition, MaxPartitionKeyBytes, "hashkey"}, {k.Sort, MaxSortKeyBytes, "rangekey"}} {
		v, ok := item[part.name]
		if !ok {
			if index == "" {
				return invalid("One or more parameter values were invalid: Missing the key %s in the item", part.name)
			}
			continue // an item without an index's keys is simply not in that sparse index
		}
		s, isString := v.str()
		if !isString {
			if index != "" {
				return invalid("One or more parameter values were invalid: Type mismatch for Index Key %s Expected: S Actual: %s IndexName: %s", part.name, v.kind(), index)
			}
			return invalid("One or more parameter values were invalid: Type mismatch for key %s expected: S actual: %s", part.name, v.kind())
		}
		if s == "" {
			if index != "" {
				return invalid("One or more parameter values are not valid. A value specified for a secondary index key is not supported. The AttributeValue for a key attribute cannot contain an empty string value. IndexName: %s, IndexKey: %s", index, part.name)
			}
			return invalid("One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: %s", part.name)
		}
		if len(s) > part.max {
			if part.what == "hashkey" {
				return invalid("One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of %d bytes", part.max)
			}
			return invalid("One or more parameter values were invalid: Aggregated size of all range keys has exceeded the size limit of %d bytes", part.max)
		}
	}
	return nil
}

// checkItem checks a whole item: its keys and its indexes' keys, every value, its size.
func (h *Handler) checkItem(item map[string]attr) *apiError {
	if e := h.checkKeyValues(item, h.schema.Keys, ""); e != nil {
		return e
	}
	for _, name := range sortedKeys(h.schema.Indexes) {
		if e := h.checkKeyValues(item, h.schema.Indexes[name], name); e != nil {
			return e
		}
	}
	for name, v := range item {
		if len(name) == 0 || len(name) > MaxAttributeNameBytes {
			return invalid("One or more parameter values were invalid: An attribute name is empty or too long")
		}
		if e := checkValue(v, 1); e != nil {
			return e
		}
	}
	if itemSize(item) > MaxItemBytes {
		return invalid("Item size has exceeded the maximum allowed size")
	}
	return nil
}

var placeholder = regexp.MustCompile(`[#:][A-Za-z0-9_]+`)

// checkExpressions checks the expression strings, their placeholders (each defined one used,
// as DynamoDB requires), and the values they substitute.
func checkExpressions(x expressions) *apiError {
	used := map[string]bool{}
	total := 0
	for _, e := range []struct {
		name string
		expr *string
	}{{"ConditionExpression", x.ConditionExpression}, {"KeyConditionExpression", x.KeyConditionExpression},
		{"FilterExpression", x.FilterExpression}, {"UpdateExpression", x.UpdateExpression}, {"ProjectionExpression", x.ProjectionExpression}} {
		if e.expr == nil {
			continue
		}
		if len(*e.expr) > MaxExpressionBytes {
			return invalid("Invalid %s: Expression size has exceeded the maximum allowed size; expression size: %d", e.name, len(*e.expr))
		}
		for _, p := range placeholder.FindAllString(*e.expr, -1) {
			used[p] = true
		}
	}
	for _, name := range sortedKeys(x.ExpressionAttributeNames) {
		if len(name) > MaxPlaceholderBytes {
			return invalid("ExpressionAttributeNames contains invalid key: the key exceeds the maximum allowed length of %d bytes; key: %s", MaxPlaceholderBytes, name)
		}
		if !used[name] {
			return invalid("Value provided in ExpressionAttributeNames unused in expressions: keys: {%s}", name)
		}
		total += len(name) + len(x.ExpressionAttributeNames[name])
	}
	for _, name := range sortedKeys(x.ExpressionAttributeValues) {
		if len(name) > MaxPlaceholderBytes {
			return invalid("ExpressionAttributeValues contains invalid key: the key exceeds the maximum allowed length of %d bytes; key: %s", MaxPlaceholderBytes, name)
		}
		if !used[name] {
			return invalid("Value provided in ExpressionAttributeValues unused in expressions: keys: {%s}", name)
		}
		v := x.ExpressionAttributeValues[name]
		if e := checkValue(v, 1); e != nil {
			return e
		}
		total += len(name) + v.size()
	}
	if total > MaxSubstitutionBytes {
		return invalid("Invalid expression: the substitution variables exceed the maximum allowed size of 2 MB")
	}
	return nil
}

// checkRead checks a Query or a Scan: its Limit, its expressions, and a starting key that
// fits the table or index and, for a Query, its key condition.
func (h *Handler) checkRead(op string, req request) *apiError {
	if req.TableName != h.schema.Table {
		return nil
	}
	if req.Limit != nil && *req.Limit < 1 {
		return invalid("1 validation error detected: Value '%d' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1", *req.Limit)
	}
	if e := checkExpressions(req.expressions); e != nil {
		return e
	}
	keys := h.schema.Keys
	var index *Key
	if req.IndexName != nil {
		ix, ok := h.schema.Indexes[*req.IndexName]
		if !ok {
			return invalid("The table does not have the specified index: %s", *req.IndexName)
		}
		index = &ix
	}
	if op == "Query" && req.KeyConditionExpression == nil {
		return invalid("Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.")
	}
	if req.ExclusiveStartKey == nil {
		return nil
	}
	want := []string{keys.Partition, keys.Sort}
	if index != nil {
		want = append(want, index.Partition, index.Sort)
	}
	slices.Sort(want)
	want = slices.Compact(want)
	if got := sortedKeys(req.ExclusiveStartKey); !slices.Equal(got, want) {
		return invalid("The provided starting key is invalid: The provided key element does not match the schema")
	}
	for _, name := range want {
		if s, ok := req.ExclusiveStartKey[name].str(); !ok || s == "" {
			return invalid("The provided starting key is invalid: One or more parameter values were invalid: Type mismatch for key %s", name)
		}
	}
	if e := h.checkKeyValues(req.ExclusiveStartKey, keys, ""); e != nil {
		return e
	}
	if op != "Query" {
		return nil
	}
	target := keys
	if index != nil {
		target = *index
	}
	conds, why := parseKeyCondition(*req.KeyConditionExpression, req.ExpressionAttributeNames, req.ExpressionAttributeValues)
	if why != "" {
		return invalid("Invalid KeyConditionExpression: %s", why)
	}
	partition := slices.IndexFunc(conds, func(c condition) bool { return c.attr == target.Partition && c.op == "=" })
	if partition < 0 {
		return invalid("Query condition missed key schema element: %s", target.Partition)
	}
	if s, _ := req.ExclusiveStartKey[target.Partition].str(); s != conds[partition].values[0] {
		return invalid("The provided starting key is outside query boundaries based on provided conditions")
	}
	for i, c := range conds {
		if i == partition {
			continue
		}
		if c.attr != target.Sort {
			return invalid("Query key condition not supported")
		}
		if s, _ := req.ExclusiveStartKey[target.Sort].str(); !c.holds(s) {
			return invalid("The provided starting key does not match the range key predicate")
		}
	}
	return nil
}

// checkBatchGet checks a BatchGetItem: 100 keys at most, none twice.
func (h *Handler) checkBatchGet(raw json.RawMessage) *apiError {
	var tables map[string]struct {
		Keys []map[string]attr
		expressions
	}
	if err := decodeNumbers(raw, &tables); err != nil {
		return invalid("Invalid RequestItems")
	}
	n := 0
	for name, t := range tables {
		n += len(t.Keys)
		if name != h.schema.Table {
			continue
		}
		if e := checkExpressions(t.expressions); e != nil {
			return e
		}
		seen := map[string]bool{}
		for _, k := range t.Keys {
			if e := h.checkKey(k); e != nil {
				return e
			}
			if id := keyID(k); seen[id] {
				return invalid("Provided list of item keys contains duplicates")
			} else {
				seen[id] = true
			}
		}
	}
	if n > MaxBatchGetKeys {
		return invalid("Too many items requested for the BatchGetItem call")
	}
	return nil
}

// checkBatchWrite checks a BatchWriteItem: 25 requests at most, 16 MB, each item valid and
// no item twice.
func (h *Handler) checkBatchWrite(raw json.RawMessage) *apiError {
	var tables map[string][]struct {
		PutRequest    *struct{ Item map[string]attr }
		DeleteRequest *struct{ Key map[string]attr }
	}
	if err := decodeNumbers(raw, &tables); err != nil {
		return invalid("Invalid RequestItems")
	}
	n, size := 0, 0
	for name, reqs := range tables {
		n += len(reqs)
		if len(reqs) == 0 || n > MaxBatchWriteRequests {
			return invalid("1 validation error detected: Value at 'requestItems' failed to satisfy constraint: Map value must satisfy constraint: [Member must have length less than or equal to %d, Member must have length greater than or equal to 1]", MaxBatchWriteRequests)
		}
		if name != h.schema.Table {
			continue
		}
		seen := map[string]bool{}
		for _, r := range reqs {
			var key map[string]attr
			switch {
			case r.PutRequest != nil:
				if e := h.checkItem(r.PutRequest.Item); e != nil {
					return e
				}
				key = h.keyOf(r.PutRequest.Item)
				size += itemSize(r.PutRequest.Item)
			case r.DeleteRequest != nil:
				if e := h.checkKey(r.DeleteRequest.Key); e != nil {
					return e
				}
				key = r.DeleteRequest.Key
			}
			if id := keyID(key); seen[id] {
				return invalid("Provided list of item keys contains duplicates")
			} else {
				seen[id] = true
			}
		}
	}
	if size > MaxBatchWriteBytes {
		return invalid("Too many bytes in the BatchWriteItem request")
	}
	return nil
}

// checkTransaction checks TransactWriteItems and TransactGetItems: 100 actions at most, one
// action per item, 4 MB in all, and each action as it would be checked alone.
func (h *Handler) checkTransaction(op string, req request) *apiError {
	if len(req.TransactItems) > MaxTransactItems || len(req.TransactItems) == 0 {
		return invalid("1 validation error detected: Value at 'transactItems' failed to satisfy constraint: Member must have length less than or equal to %d, Member must have length greater than or equal to 1", MaxTransactItems)
	}
	seen := map[string]bool{}
	size := 0
	for _, ti := range req.TransactItems {
		var a *action
		put := false
		switch {
		case ti.Put != nil:
			a, put = ti.Put, true
		case ti.Update != nil:
			a = ti.Update
		case ti.Delete != nil:
			a = ti.Delete
		case ti.ConditionCheck != nil:
			a = ti.ConditionCheck
		case ti.Get != nil:
			a = ti.Get
		default:
			return invalid("TransactItems can only contain one of Check, Put, Update or Delete")
		}
		if e := h.checkAction(*a, put); e != nil {
			return e
		}
		key := a.Key
		if put {
			key = h.keyOf(a.Item)
			size += itemSize(a.Item)
		} else {
			size += itemSize(a.Key)
		}
		for _, v := range a.ExpressionAttributeValues {
			size += v.size()
		}
		if id := a.TableName + "\x00" + keyID(key); seen[id] {
			return invalid("Transaction request cannot include multiple operations on one item")
		} else {
			seen[id] = true
		}
	}
	if op == "TransactWriteItems" && size > MaxTransactBytes {
		return invalid("Transaction request cannot be larger than 4 MB")
	}
	return nil
}

// updatedKeys are the items an UpdateItem or a transaction's Update actions change.
func (h *Handler) updatedKeys(op string, body []byte) []map[string]attr {
	var req request
	if decodeNumbers(body, &req) != nil {
		return nil
	}
	switch op {
	case "UpdateItem":
		if req.TableName == h.schema.Table {
			return []map[string]attr{req.Key}
		}
	case "TransactWriteItems":
		var keys []map[string]attr
		hasUpdate := false
		for _, ti := range req.TransactItems {
			switch {
			case ti.Update != nil && ti.Update.TableName == h.schema.Table:
				hasUpdate = true
				keys = append(keys, ti.Update.Key)
			case ti.Put != nil && ti.Put.TableName == h.schema.Table:
				keys = append(keys, h.keyOf(ti.Put.Item))
			case ti.Delete != nil && ti.Delete.TableName == h.schema.Table:
				keys = append(keys, ti.Delete.Key)
			}
		}
		if hasUpdate {
			return keys
		}
	}
	return nil
}

func (h *Handler) keyOf(item map[string]attr) map[string]attr {
	return map[string]attr{h.schema.Keys.Partition: item[h.schema.Keys.Partition], h.schema.Keys.Sort: item[h.schema.Keys.Sort]}
}

// getItem and restore talk to the emulator directly, behind the checks.
func (h *Handler) getItem(key map[string]attr) map[string]attr {
	var out struct{ Item map[string]attr }
	if h.call("GetItem", map[string]any{"TableName": h.schema.Table, "Key": key, "ConsistentRead": true}, &out) != nil {
		return nil
	}
	return out.Item
}

func (h *Handler) restore(key map[string]attr, item map[string]attr) {
	if item == nil {
		_ = h.call("DeleteItem", map[string]any{"TableName": h.schema.Table, "Key": key}, nil)
		return
	}
	_ = h.call("PutItem", map[string]any{"TableName": h.schema.Table, "Item": item}, nil)
}

func (h *Handler) call(op string, in any, out any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return err
	}
	r := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
	r.Header.Set("X-Amz-Target", "DynamoDB_20120810."+op)
	r.Header.Set("Content-Type", "application/x-amz-json-1.0")
	rec := httptest.NewRecorder()
	h.next.ServeHTTP(rec, r)
	if rec.Code != http.StatusOK {
		return fmt.Errorf("%s: %d %s", op, rec.Code, rec.Body)
	}
	if out == nil {
		return nil
	}
	return decodeNumbers(rec.Body.Bytes(), out)
}

func decodeNumbers(raw []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	return d.Decode(v)
}

func keyID(key map[string]attr) string {
	var b strings.Builder
	for _, name := range sortedKeys(key) {
		s, _ := key[name].str()
		b.WriteString(name + "=" + s + "\x00")
	}
	return b.String()
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
