package strictdynamo

import (
	"encoding/json"
	"net/http"
	"sync"
	"time"
)

// Transaction conflicts, as DynamoDB has them
// (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis.html,
// "Transaction conflict handling in DynamoDB"): a transaction is cancelled, with the reason
// TransactionConflict for the items concerned, when another transaction in flight holds any
// of its items; a PutItem, UpdateItem or DeleteItem on an item an in-flight transaction holds
// fails with TransactionConflictException. (A BatchWriteItem's conflicting puts and deletes,
// which DynamoDB also refuses, are not emulated: the store batch-writes only what no
// transaction touches, idempotency records and a removed client's history.) The emulator behind
// applies transactions one at a time, so without this no local test could meet a conflict.
// Here a transaction is in flight from its arrival until it completes, or Handler.InFlight
// has passed, and holds every item it names (its checks and reads too).

// DefaultInFlight bounds how long a transaction holds its items from its arrival (see
// Handler.InFlight), if it has not completed before: about what a small TransactWriteItems
// takes on DynamoDB (tens of milliseconds). The emulator behind applies writes one at a time;
// without the bound, every transaction of a burst would stay in flight while it waits behind
// all the others, which DynamoDB does not do.
const DefaultInFlight = 20 * time.Millisecond

// holds are, by item, the transaction in flight that holds it and until when at most.
type holds struct {
	mu    sync.Mutex
	until map[string]hold
	next  uint64
}

type hold struct {
	by    uint64
	until time.Time
}

// acquire holds keys for a transaction arriving now, until it is released or inFlight has
// passed, and returns the holder's number; when a transaction in flight holds any of keys,
// it returns which (by position) and holds nothing.
func (h *holds) acquire(keys []string, inFlight time.Duration) (by uint64, conflicts []bool, ok bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	now := time.Now()
	conflicts = make([]bool, len(keys))
	ok = true
	for i, k := range keys {
		if now.Before(h.until[k].until) {
			conflicts[i], ok = true, false
		}
	}
	if !ok {
		return 0, conflicts, false
	}
	if h.until == nil {
		h.until = map[string]hold{}
	}
	h.next++
	for _, k := range keys {
		h.until[k] = hold{by: h.next, until: now.Add(inFlight)}
	}
	return h.next, nil, true
}

// release ends a transaction's holds: it is done (DynamoDB releases an item when its
// transaction completes).
func (h *holds) release(keys []string, by uint64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, k := range keys {
		if h.until[k].by == by {
			delete(h.until, k)
		}
	}
}

// held reports whether a transaction in flight holds any of keys.
func (h *holds) held(keys []string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	now := time.Now()
	for _, k := range keys {
		if now.Before(h.until[k].until) {
			return true
		}
	}
	return false
}

// transactionKeys are the items each action of a transaction names, in order.
func (h *Handler) transactionKeys(req request) []string {
	keys := make([]string, len(req.TransactItems))
	for i, ti := range req.TransactItems {
		for _, a := range []*action{ti.Update, ti.Delete, ti.ConditionCheck, ti.Get} {
			if a != nil {
				keys[i] = a.TableName + "\x00" + keyID(a.Key)
			}
		}
		if ti.Put != nil {
			keys[i] = ti.Put.TableName + "\x00" + keyID(h.keyOf(ti.Put.Item))
		}
	}
	return keys
}

// plainWriteKeys are the items a PutItem, UpdateItem or DeleteItem writes.
func (h *Handler) plainWriteKeys(op string, req request) []string {
	switch op {
	case "PutItem":
		return []string{req.TableName + "\x00" + keyID(h.keyOf(req.Item))}
	case "UpdateItem", "DeleteItem":
		return []string{req.TableName + "\x00" + keyID(req.Key)}
	}
	return nil
}

// writeCancelled answers a transaction cancelled by a conflict: a reason per action.
func writeCancelled(w http.ResponseWriter, conflicts []bool) {
	type reason struct {
		Code    string
		Message string `json:",omitempty"`
	}
	reasons := make([]reason, len(conflicts))
	codes := ""
	for i, c := range conflicts {
		reasons[i] = reason{Code: "None"}
		if c {
			reasons[i] = reason{Code: "TransactionConflict", Message: "Transaction is ongoing for the item"}
		}
		if i > 0 {
			codes += ", "
		}
		codes += reasons[i].Code
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	w.WriteHeader(http.StatusBadRequest)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"__type":              "com.amazonaws.dynamodb.v20120810#TransactionCanceledException",
		"Message":             "Transaction cancelled, please refer cancellation reasons for specific reasons [" + codes + "]",
		"CancellationReasons": reasons,
	})
}

func writeConflict(w http.ResponseWriter) {
	writeError(w, &apiError{Type: "com.amazonaws.dynamodb.v20120810#TransactionConflictException",
		Message: "Transaction is ongoing for the item"})
}
