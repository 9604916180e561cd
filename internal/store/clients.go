package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/clientdesk/clientdesk/internal/domain"
	"github.com/clientdesk/clientdesk/internal/retry"
)

// CreateClient writes a new client, everything it is filed under, its creation event and,
// when given, the idempotency record of the request, in one transaction: either all of it
// exists afterwards or none of it. defsVersion is the version of the custom field definitions
// the client was validated against: if they changed meanwhile the write fails with
// ErrDefinitionsChanged. It fails with domain.ErrEmailTaken, domain.ErrCodeTaken or
// ErrIdempotencyKeyUsed.
func (s *Store) CreateClient(ctx context.Context, tenant string, c *domain.Client, defs domain.Definitions, defsVersion int64, idem *Idempotency, ev *domain.Event) error {
	// The idempotency record goes first: when a retry finds its key used, that is the answer,
	// even though the first request's email and code claims now fail too.
	writes, err := s.withIdempotency(tenant, idem)
	if err != nil {
		return err
	}
	if ref, ok := s.idempotencyRef(tenant, c.ID, idem); ok {
		writes = append(writes, ref)
	}
	filing, err := s.filingWrites(tenant, nil, newFiled(c, defs))
	if err != nil {
		return err
	}
	writes = append(writes, filing...)
	event, err := s.eventWrite(tenant, ev)
	if err != nil {
		return err
	}
	writes = append(writes, event, s.definitionsCheck(tenant, defsVersion))
	return s.transact(ctx, writes)
}

// GetClient reads a client with a strongly consistent read.
func (s *Store) GetClient(ctx context.Context, tenant, id string) (*domain.Client, error) {
	it, err := s.getClientItem(ctx, tenant, id)
	if err != nil {
		return nil, err
	}
	return &it.Client, nil
}

func (s *Store) getClientItem(ctx context.Context, tenant, id string) (*clientItem, error) {
	return getItem[clientItem](ctx, s, clientPK(tenant, id), clientSK, domain.ErrClientNotFound)
}

// GetClientWithDefinitions reads a client and the tenant's custom field definitions in one
// request, both strongly consistent.
func (s *Store) GetClientWithDefinitions(ctx context.Context, tenant, id string) (*domain.Client, domain.Definitions, error) {
	clients, defs, err := s.batchGetClients(ctx, tenant, []string{id}, true)
	if err != nil {
		return nil, nil, err
	}
	if len(clients) == 0 {
		return nil, nil, domain.ErrClientNotFound
	}
	return clients[0], defs, nil
}

// UpdateClient replaces old by next and records ev, in one transaction, on condition that the
// stored version is still old's. It fails with domain.ErrPreconditionFailed when another
// write came first, and with domain.ErrEmailTaken or domain.ErrCodeTaken when a changed value
// belongs to another client.
func (s *Store) UpdateClient(ctx context.Context, tenant string, old, next *domain.Client, defs domain.Definitions, ev *domain.Event) error {
	writes, err := s.filingWrites(tenant, newFiled(old, defs), newFiled(next, defs))
	if err != nil {
		return err
	}
	event, err := s.eventWrite(tenant, ev)
	if err != nil {
		return err
	}
	return s.transact(ctx, append(writes, event))
}

// DeleteClient deletes a client with everything it is filed under and everything in its
// collection (password, pending link, invitation counts, the records of its keyed requests),
// frees its email and code, and records ev, in one transaction (the references to request
// records and the records themselves follow); then its events are reduced to what is not
// personal (ids, actions, field names, times) and kept for their retention. When allowed is
// not nil, the stored version must satisfy it (If-Match). It fails with
// domain.ErrClientNotFound or domain.ErrPreconditionFailed.
// A history longer than inline events is left to reduce later (RedactEvents, from a
// queued task): the count is returned.
func (s *Store) DeleteClient(ctx context.Context, tenant, id string, allowed func(version int64) bool, ev *domain.Event, inline int) (pending int, err error) {
	return s.remove(ctx, tenant, id, allowed, ev, true, inline)
}

// EraseClient removes a client as DeleteClient does and records ev (the erasure), and works
// as well on a client already deleted: it then finishes what a deletion left (an interrupted
// redaction). It fails with domain.ErrClientNotFound when nothing of the client remains.
func (s *Store) EraseClient(ctx context.Context, tenant, id string, ev *domain.Event, inline int) (pending int, err error) {
	return s.remove(ctx, tenant, id, nil, ev, false, inline)
}

// RedactEvents reduces a removed client's events to what is not personal; run again, it
// does nothing more (a redelivered task).
func (s *Store) RedactEvents(ctx context.Context, tenant, id string) error {
	items, err := s.collection(ctx, tenant, id)
	if err != nil {
		return err
	}
	return s.redactEvents(ctx, items)
}

func (s *Store) remove(ctx context.Context, tenant, id string, allowed func(version int64) bool, ev *domain.Event, mustExist bool, inline int) (int, error) {
	items, err := s.collection(ctx, tenant, id)
	if err != nil {
		return 0, err
	}
	var record *clientItem
	var writes []write
	var after []types.WriteRequest // what follows the transaction: request records
	for _, it := range items {
		switch sk := attrString(it, Schema.Keys.Sort); {
		case sk == clientSK:
			if record, err = decode[clientItem](it); err != nil {
				return 0, err
			}
		case sk == credentialSK || sk == quotaSK:
			writes = append(writes, s.del(clientPK(tenant, id), sk))
		case strings.HasPrefix(sk, idempotencyRefPrefix):
			ref, err := decode[idempotencyRefItem](it)
			if err != nil {
				return 0, err
			}
			after = append(after, deleteRequest(clientPK(tenant, id), sk), deleteRequest(idempotencyPK(tenant, ref.Scope, ref.Key), idempotencySK))
		}
	}
	if record == nil && (mustExist || len(items) == 0) {
		return 0, domain.ErrClientNotFound
	}
	if record != nil {
		if allowed != nil && !allowed(record.Version) {
			return 0, domain.ErrPreconditionFailed
		}
		// Sites first: a removal never leaves an assignment behind (the record's version,
		// checked by the transaction, tells of one given meanwhile).
		if n := len(record.SiteIDs); n > 0 {
			return 0, &domain.Error{Code: domain.CodeClientHasSites, Param: strconv.Itoa(n)}
		}
		// A deletion (not an erasure, which the law asks for) waits for the client's access
		// to be suspended.
		if mustExist && record.Access.Status == domain.AccessActive {
			return 0, &domain.Error{Code: domain.CodeAccessActive}
		}
		filing, err := s.filingWrites(tenant, record.filed(), nil)
		if err != nil {
			return 0, err
		}
		writes = append(filing, writes...)
		if record.Access.PendingToken != "" {
			writes = append(writes, s.del(invitationPK(record.Access.PendingToken), invitationSK))
		}
	}
	event, err := s.eventWrite(tenant, ev)
	if err != nil {
		return 0, err
	}
	if err := s.transact(ctx, append(writes, event)); err != nil {
		return 0, err
	}
	if err := s.batchWrite(ctx, after); err != nil {
		return 0, err
	}
	if n := unredacted(items); n > inline {
		return n, nil
	}
	return 0, s.redactEvents(ctx, items)
}

func unredacted(items []map[string]types.AttributeValue) int {
	n := 0
	for _, it := range items {
		if isEvent(it) && !attrBool(it, "redacted") {
			n++
		}
	}
	return n
}

func deleteRequest(pk, sk string) types.WriteRequest {
	return types.WriteRequest{DeleteRequest: &types.DeleteRequest{Key: key(pk, sk)}}
}

// GetClients reads clients by id, in the given order (the missing ones left out), with the
// definitions, in as few requests as BatchGetItem's 100 keys allow.
func (s *Store) GetClients(ctx context.Context, tenant string, ids []string) ([]*domain.Client, domain.Definitions, error) {
	return s.batchGetClients(ctx, tenant, ids, true)
}

// ClientsByID reads clients by id as GetClients does, without the definitions.
func (s *Store) ClientsByID(ctx context.Context, tenant string, ids []string) ([]*domain.Client, error) {
	clients, _, err := s.batchGetClients(ctx, tenant, ids, false)
	return clients, err
}

// batchGetClients reads clients by id, in the given order (the missing ones left out), and
// the definitions if asked, in as few BatchGetItem requests as the 100-key limit allows.
func (s *Store) batchGetClients(ctx context.Context, tenant string, ids []string, withDefs bool) ([]*domain.Client, domain.Definitions, error) {
	keys := make([]map[string]types.AttributeValue, 0, len(ids)+1)
	for _, id := range ids {
		keys = append(keys, key(clientPK(tenant, id), clientSK))
	}
	if withDefs {
		keys = append(keys, key(fieldsPK(tenant), fieldsSK))
	}
	items, err := s.batchGet(ctx, keys)
	if err != nil {
		return nil, nil, err
	}
	byID := map[string]*domain.Client{}
	var defs domain.Definitions
	for _, item := range items {
		switch attrString(item, Schema.Keys.Sort) {
		case fieldsSK:
			d, err := decode[definitionsItem](item)
			if err != nil {
				return nil, nil, err
			}
			defs = d.sorted()
		case clientSK:
			ci, err := decode[clientItem](item)
			if err != nil {
				return nil, nil, err
			}
			byID[ci.ID] = &ci.Client
		}
	}
	clients := make([]*domain.Client, 0, len(ids))
	for _, id := range ids {
		if c, ok := byID[id]; ok {
			clients = append(clients, c)
		}
	}
	return clients, defs, nil
}

// batchGet reads items by key, strongly consistent, in as few BatchGetItem requests as the
// 100-key limit allows; the keys DynamoDB leaves unprocessed (throttling) are asked again
// after a pause. Items come in no particular order; missing ones are left out.
func (s *Store) batchGet(ctx context.Context, keys []map[string]types.AttributeValue) ([]map[string]types.AttributeValue, error) {
	var items []map[string]types.AttributeValue
	for len(keys) > 0 {
		n := min(len(keys), maxBatchGetKeys)
		pending := map[string]types.KeysAndAttributes{s.table: {Keys: keys[:n], ConsistentRead: aws.Bool(true)}}
		keys = keys[n:]
		err := retry.OnConflict(ctx, conflictAttempts, func(int) error {
			out, err := s.db.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: pending})
			if err != nil {
				return fmt.Errorf("batch get: %w", err)
			}
			items = append(items, out.Responses[s.table]...)
			pending = out.UnprocessedKeys
			if len(pending) > 0 {
				return retry.Conflict(&domain.Error{Code: domain.CodeUnavailable})
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return items, nil
}

// maxBatchGetKeys is BatchGetItem's limit.
const maxBatchGetKeys = 100
