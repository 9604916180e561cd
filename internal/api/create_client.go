package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"maps"
	"net/http"
	"time"

	"github.com/clientdesk/clientdesk/internal/domain"
	"github.com/clientdesk/clientdesk/internal/routes"
	"github.com/clientdesk/clientdesk/internal/store"
)

// IdempotencyWindow is how long a create can be replayed with its Idempotency-Key.
const IdempotencyWindow = 24 * time.Hour

// createClient: POST /v1/clients. With an Idempotency-Key, the client and the record of the
// response are written in one transaction, so a retry can only ever replay, never duplicate.
func (a *API) createClient(ctx context.Context, r *request) (*response, error) {
	key, err := idempotencyKey(r)
	if err != nil {
		return nil, err
	}
	body, err := r.body("application/json")
	if err != nil {
		return nil, err
	}
	fields, err := domain.DecodeFields(body)
	if err != nil {
		return nil, err
	}
	// Validate against the definitions as this process knows them; the store checks, in the
	// same transaction, that they have not changed. If they have, read them and go again.
	for attempt := 0; ; attempt++ {
		defs, version, err := a.cachedDefinitions(ctx, r.who.Tenant, attempt > 0)
		if err != nil {
			return nil, err
		}
		f := fields
		f.CustomFields = maps.Clone(fields.CustomFields)
		if err := domain.Invalid(f.Normalize(domain.Rules{DefaultLocale: r.lang, ParsePhone: a.Phones, Fields: defs})); err != nil {
			return nil, err
		}
		id, err := a.NewID()
		if err != nil {
			return nil, err
		}
		now := a.Now()
		c := domain.NewClient(id, f, now)
		out, err := jsonResponse(http.StatusCreated, c, map[string]string{"Location": "/v1/clients/" + c.ID, "ETag": c.ETag()})
		if err != nil {
			return nil, err
		}
		var idem *store.Idempotency
		if key != "" {
			idem = &store.Idempotency{Scope: routes.CreateClient, Key: key, RequestHash: requestHash(body),
				Status: out.status, Headers: out.headers, Body: string(out.body), ExpiresAt: now.Add(IdempotencyWindow).Unix()}
		}
		err = a.Clients.CreateClient(ctx, r.who.Tenant, c, defs, version, idem)
		switch {
		case errors.Is(err, store.ErrDefinitionsChanged) && attempt < 2:
			continue
		case errors.Is(err, store.ErrDefinitionsChanged):
			return nil, &domain.Error{Code: domain.CodeUnavailable}
		case errors.Is(err, store.ErrIdempotencyKeyUsed):
			return a.replay(ctx, r, idem)
		case err != nil:
			return nil, err
		}
		return out, nil
	}
}

// replay answers a request whose key was already used: the first response if the body is
// the same, a 422 if it is not.
func (a *API) replay(ctx context.Context, r *request, idem *store.Idempotency) (*response, error) {
	prev, err := a.Clients.GetIdempotency(ctx, r.who.Tenant, idem.Scope, idem.Key)
	if err != nil {
		return nil, err
	}
	return replayRecord(prev, idem.RequestHash)
}

// replayRecord answers from a record already read.
func replayRecord(prev *store.Idempotency, requestHash string) (*response, error) {
	if prev == nil || prev.Pending {
		// Still under way (or expired between the failed write and this read): retry later.
		return nil, &domain.Error{Code: domain.CodeIdempotencyInFlight}
	}
	if prev.RequestHash != requestHash {
		return nil, domain.Errorf(domain.CodeIdempotencyReuse, "Idempotency-Key")
	}
	headers := map[string]string{"Idempotent-Replayed": "true"}
	for k, v := range prev.Headers {
		headers[k] = v
	}
	return &response{status: prev.Status, headers: headers, body: []byte(prev.Body)}, nil
}

// idempotencyKey reads the optional Idempotency-Key header: 1 to 255 visible ASCII characters.
func idempotencyKey(r *request) (string, error) {
	key := header(r.APIGatewayV2HTTPRequest, "Idempotency-Key")
	if key == "" {
		return "", nil
	}
	if len(key) > 255 {
		return "", domain.Errorf(domain.CodeIdempotencyInvalid, "Idempotency-Key")
	}
	for i := 0; i < len(key); i++ {
		if key[i] < 0x21 || key[i] > 0x7e {
			return "", domain.Errorf(domain.CodeIdempotencyInvalid, "Idempotency-Key")
		}
	}
	return key, nil
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
