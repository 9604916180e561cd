package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/clientdesk/clientdesk/internal/config"
	"github.com/clientdesk/clientdesk/internal/domain"
	"github.com/clientdesk/clientdesk/internal/store"
)

// The one idempotency path of every create (clients, field definitions, invitations,
// exports). A create made with an Idempotency-Key writes the record of its response in the
// same transaction as what it creates; a retry finds the key used and gets the first response
// again, byte for byte, if it sent the same body (422 if not). Nothing is ever created twice.

// idempotency is the Idempotency-Key of one create request, or nil when the request has none
// (every method is then a no-op).
type idempotency struct {
	records IdempotencyStore
	tenant  string
	scope   string
	key     string
	hash    string
	now     time.Time
}

// idempotencyOf reads the request's optional Idempotency-Key (1 to 255 visible ASCII
// characters). scope is the operation; what identifies the request is its body and, for
// creates under a record, that record's id (parts).
func (a *API) idempotencyOf(r *request, scope string, parts ...[]byte) (*idempotency, error) {
	key := header(r.APIGatewayV2HTTPRequest, "Idempotency-Key")
	if key == "" {
		return nil, nil
	}
	if len(key) > 255 {
		return nil, domain.Errorf(domain.CodeIdempotencyInvalid, "Idempotency-Key")
	}
	for i := 0; i < len(key); i++ {
		if key[i] < 0x21 || key[i] > 0x7e {
			return nil, domain.Errorf(domain.CodeIdempotencyInvalid, "Idempotency-Key")
		}
	}
	return &idempotency{records: a.Idempotency, tenant: r.who.Tenant, scope: scope, key: key,
		hash: requestHash(bytes.Join(parts, []byte{0})), now: a.Now()}, nil
}

// record is the record of out, to write in the create's own transaction (nil without a key).
func (k *idempotency) record(out *response) *store.Idempotency {
	if k == nil {
		return nil
	}
	return &store.Idempotency{Scope: k.scope, Key: k.key, RequestHash: k.hash, Status: out.status, Headers: out.headers,
		Body: string(out.body), ExpiresAt: k.now.Add(config.IdempotencyWindow).Unix()}
}

// claim is a pending record, taken before a side effect that cannot be undone (an e-mail),
// so that a retry meanwhile waits instead of repeating it; it lasts window.
func (k *idempotency) claim(window time.Duration) *store.Idempotency {
	if k == nil {
		return nil
	}
	return &store.Idempotency{Scope: k.scope, Key: k.key, RequestHash: k.hash, Pending: true, ExpiresAt: k.now.Add(window).Unix()}
}

// settle is the record of out that replaces this request's own claim.
func (k *idempotency) settle(out *response) *store.Idempotency {
	rec := k.record(out)
	if rec != nil {
		rec.Claimed = true
	}
	return rec
}

// previous answers from the key's live record, when there is one (found false otherwise).
func (k *idempotency) previous(ctx context.Context) (out *response, found bool, err error) {
	if k == nil {
		return nil, false, nil
	}
	prev, err := k.records.GetIdempotency(ctx, k.tenant, k.scope, k.key)
	if errors.Is(err, store.ErrNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	out, err = k.replay(prev)
	return out, true, err
}

// replay is the one replay rule: a pending claim means the first request is still under way
// (409, retry later); another body means the key was reused (422); otherwise the first
// response, marked as a replay.
func (k *idempotency) replay(prev *store.Idempotency) (*response, error) {
	if prev.Pending {
		return nil, &domain.Error{Code: domain.CodeIdempotencyInFlight}
	}
	if prev.RequestHash != k.hash {
		return nil, domain.Errorf(domain.CodeIdempotencyReuse, "Idempotency-Key")
	}
	headers := map[string]string{"Idempotent-Replayed": "true"}
	for name, v := range prev.Headers {
		headers[name] = v
	}
	return &response{status: prev.Status, headers: headers, body: []byte(prev.Body)}, nil
}

// createOnce runs a create whose writes include record(out) in their transaction. When the
// create fails because the key is used, or because of what its first attempt made (the email
// claimed, the field defined: a 409), the key's record, if there is one, is the answer.
func (k *idempotency) createOnce(ctx context.Context, create func(record func(*response) *store.Idempotency) (*response, error)) (*response, error) {
	out, err := create(k.record)
	if err == nil {
		return out, nil
	}
	return k.failed(ctx, err)
}

// failed answers a create that failed with err: from the key's record when the failure is
// the key being used or a conflict with what an earlier attempt made, with err otherwise.
func (k *idempotency) failed(ctx context.Context, err error) (*response, error) {
	if k == nil {
		return nil, err
	}
	used := errors.Is(err, store.ErrIdempotencyKeyUsed)
	if !used && StatusOf(domain.CodeOf(err)) != http.StatusConflict {
		return nil, err
	}
	prev, found, perr := k.previous(ctx)
	switch {
	case perr != nil:
		return nil, perr
	case found:
		return prev, nil
	case used:
		// Used, yet gone by now: expired between the write and the read. Retry later.
		return nil, &domain.Error{Code: domain.CodeIdempotencyInFlight}
	}
	return nil, err
}

// requestHash identifies a JSON body up to white space and member order: it hashes the
// body re-encoded from its decoded value, in which object members are sorted.
func requestHash(body []byte) string {
	var v any
	d := json.NewDecoder(bytes.NewReader(body))
	d.UseNumber()
	if d.Decode(&v) == nil {
		if canonical, err := json.Marshal(v); err == nil {
			body = canonical
		}
	}
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:])
}
