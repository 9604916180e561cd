package store

import (
	"context"
	"errors"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Idempotency is the record of a create request made with an Idempotency-Key: what was asked
// (a hash of the body) and what was answered, so a retry gets the first answer again.
type Idempotency struct {
	Scope       string            `json:"scope"`
	Key         string            `json:"key"`
	RequestHash string            `json:"request_hash"`
	Status      int               `json:"status"`
	Headers     map[string]string `json:"headers"`
	Body        string            `json:"body"`
	ExpiresAt   int64             `json:"expires_at"`
	// Pending marks a claim taken before a side effect (an e-mail) whose response is not
	// known yet; Claimed says this record replaces such a claim.
	Pending bool `json:"pending,omitempty"`
	Claimed bool `json:"-"`
}

// ErrIdempotencyKeyUsed means the key already has a live record: read it with GetIdempotency.
var ErrIdempotencyKeyUsed = errors.New("idempotency key already used")

type idempotencyItem struct {
	PK string `json:"PK"`
	SK string `json:"SK"`
	Idempotency
}

// withIdempotency starts a transaction's writes with the claim of an Idempotency-Key, when
// there is one: first, so that a retry that finds its key used learns that before anything
// else its first attempt made (an email claimed) refuses it.
func (s *Store) withIdempotency(tenant string, r *Idempotency) ([]write, error) {
	if r == nil {
		return nil, nil
	}
	item, err := marshalItem(idempotencyItem{
		PK: idempotencyPK(tenant, r.Scope, r.Key), SK: idempotencySK, Idempotency: *r})
	if err != nil {
		return nil, err
	}
	w := s.put(item)
	w.err = ErrIdempotencyKeyUsed
	if r.Claimed {
		// Replaces the pending claim this request took.
		w.item.Put.ConditionExpression = aws.String("pending = :t")
		w.item.Put.ExpressionAttributeValues = map[string]types.AttributeValue{":t": &types.AttributeValueMemberBOOL{Value: true}}
		return []write{w}, nil
	}
	// A record past its expiry that TTL has not removed yet does not count.
	w.item.Put.ConditionExpression = aws.String("attribute_not_exists(PK) OR expires_at < :now")
	w.item.Put.ExpressionAttributeValues = map[string]types.AttributeValue{":now": epoch(s.now())}
	return []write{w}, nil
}

// idempotencyRef files a reference to a request's record in the client's own collection: the
// record holds the response, the client's data among it, and an erasure must find it.
func (s *Store) idempotencyRef(tenant, clientID string, r *Idempotency) (write, bool) {
	if r == nil || r.Claimed {
		return write{}, false
	}
	item, err := marshalItem(idempotencyRefItem{PK: clientPK(tenant, clientID), SK: idempotencyRefSK(r.Scope, r.Key),
		Scope: r.Scope, Key: r.Key, ExpiresAt: r.ExpiresAt})
	if err != nil {
		return write{}, false
	}
	return s.put(item), true
}

type idempotencyRefItem struct {
	PK        string `json:"PK"`
	SK        string `json:"SK"`
	Scope     string `json:"scope"`
	Key       string `json:"key"`
	ExpiresAt int64  `json:"expires_at"`
}

const idempotencyRefPrefix = "IDEM#"

func idempotencyRefSK(scope, key string) string { return idempotencyRefPrefix + scope + "#" + key }

// GetIdempotency reads the live record of a key; ErrNotFound when there is none.
func (s *Store) GetIdempotency(ctx context.Context, tenant, scope, idemKey string) (*Idempotency, error) {
	it, err := getItem[idempotencyItem](ctx, s, idempotencyPK(tenant, scope, idemKey), idempotencySK, ErrNotFound)
	if err != nil {
		return nil, err
	}
	if it.ExpiresAt < s.now().Unix() {
		return nil, ErrNotFound
	}
	return &it.Idempotency, nil
}
