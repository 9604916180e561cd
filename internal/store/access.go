package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/clientdesk/clientdesk/internal/domain"
)

// Invitation is a pending link, found by the hash of its token: the public routes know no
// tenant, so the item carries it. It expires by itself (TTL) at ExpiresAt.
type Invitation struct {
	TokenHash  string    `json:"token_hash"`
	Tenant     string    `json:"tenant"`
	TenantName string    `json:"tenant_name"`
	ClientID   string    `json:"client_id"`
	Kind       string    `json:"kind"`
	CreatedBy  string    `json:"created_by"`
	CreatedAt  time.Time `json:"created_at"`
	ExpiresAt  int64     `json:"expires_at"`
}

type invitationItem struct {
	PK string `json:"PK"`
	SK string `json:"SK"`
	Invitation
}

const invitationSK = "I"

func invitationPK(hash string) string { return "INV#" + hash }

// Event is one change in a client's life, kept for its timeline: who did what, when.
type Event struct {
	Type  string            `json:"type"`
	Actor string            `json:"actor"`
	At    time.Time         `json:"at"`
	Data  map[string]string `json:"data,omitempty"`
}

type eventItem struct {
	PK string `json:"PK"`
	SK string `json:"SK"`
	Event
}

// Credential is a client's portal password, as an argon2id hash.
type Credential struct {
	PasswordHash string    `json:"password_hash"`
	SetAt        time.Time `json:"set_at"`
}

type credentialItem struct {
	PK string `json:"PK"`
	SK string `json:"SK"`
	Credential
}

const credentialSK = "CRED"

// Transition is a change of a client's access state and what goes with it, written in one
// transaction with the client.
type Transition struct {
	// Put stores a new pending link; Delete removes one (by token hash).
	Put    *Invitation
	Delete string
	// Consume requires the link to exist, and removes it: of two concurrent accepts, one wins.
	Consume    bool
	Credential *Credential
	Event      Event
	Idem       *Idempotency
}

// ErrInvitationGone means the link was consumed, revoked or replaced meanwhile.
var ErrInvitationGone = errors.New("invitation no longer pending")

// ChangeAccess writes old → next with the transition's invitation, credential, event and
// idempotency record, in one transaction conditioned on old's version.
func (s *Store) ChangeAccess(ctx context.Context, tenant string, old, next *domain.Client, defs domain.Definitions, t Transition) error {
	writes, err := s.withIdempotency(tenant, t.Idem)
	if err != nil {
		return err
	}
	filing, err := s.filingWrites(tenant, newFiled(old, defs), newFiled(next, defs))
	if err != nil {
		return err
	}
	writes = append(writes, filing...)
	if t.Put != nil {
		item, err := s.invitationItem(t.Put)
		if err != nil {
			return err
		}
		writes = append(writes, s.put(item))
	}
	if t.Delete != "" {
		w := s.del(invitationPK(t.Delete), invitationSK)
		if t.Consume {
			w.item.Delete.ConditionExpression = aws.String("attribute_exists(PK)")
			w.err = ErrInvitationGone
		}
		writes = append(writes, w)
	}
	if t.Credential != nil {
		item, err := marshalItem(credentialItem{PK: clientPK(tenant, next.ID), SK: credentialSK, Credential: *t.Credential})
		if err != nil {
			return err
		}
		writes = append(writes, s.put(item))
	}
	if t.Event.Type != "" {
		item, err := s.eventItem(tenant, next.ID, t.Event)
		if err != nil {
			return err
		}
		writes = append(writes, s.put(item))
	}
	if err := s.transact(ctx, writes); err != nil {
		if errors.Is(err, domain.ErrPreconditionFailed) && t.Consume {
			return ErrInvitationGone
		}
		return err
	}
	return nil
}

func (s *Store) invitationItem(inv *Invitation) (map[string]types.AttributeValue, error) {
	return marshalItem(invitationItem{PK: invitationPK(inv.TokenHash), SK: invitationSK, Invitation: *inv})
}

func (s *Store) eventItem(tenant, clientID string, e Event) (map[string]types.AttributeValue, error) {
	suffix := make([]byte, 4)
	_, _ = rand.Read(suffix)
	sk := "EV#" + e.At.UTC().Format(timeKeyLayout) + "#" + hex.EncodeToString(suffix)
	return marshalItem(eventItem{PK: clientPK(tenant, clientID), SK: sk, Event: e})
}

// PrepareInvitation stores a link before its e-mail leaves, so that the link works as soon
// as the mail arrives; with idem, it also claims the Idempotency-Key, so that a retry of the
// same request cannot send a second mail while this one is under way.
func (s *Store) PrepareInvitation(ctx context.Context, inv *Invitation, idem *Idempotency) error {
	item, err := s.invitationItem(inv)
	if err != nil {
		return err
	}
	writes, err := s.withIdempotency(inv.Tenant, idem)
	if err != nil {
		return err
	}
	return s.transact(ctx, append(writes, s.put(item)))
}

// AbandonInvitation removes a prepared link whose mail could not be sent, and frees its
// Idempotency-Key for a retry.
func (s *Store) AbandonInvitation(ctx context.Context, inv *Invitation, idem *Idempotency) error {
	writes := []write{s.del(invitationPK(inv.TokenHash), invitationSK)}
	if idem != nil {
		writes = append(writes, s.del(idempotencyPK(inv.Tenant, idem.Scope, idem.Key), idempotencySK))
	}
	return s.transact(ctx, writes)
}

// GetInvitation finds a pending link by the hash of its token; domain.ErrInvitationNotFound
// when there is none.
func (s *Store) GetInvitation(ctx context.Context, hash string) (*Invitation, error) {
	it, err := getItem[invitationItem](ctx, s, invitationPK(hash), invitationSK, domain.ErrInvitationNotFound)
	if err != nil {
		return nil, err
	}
	return &it.Invitation, nil
}

// Events returns a client's events, oldest first.
func (s *Store) Events(ctx context.Context, tenant, clientID string) ([]Event, error) {
	out, err := s.db.Query(ctx, &dynamodb.QueryInput{
		TableName:                 aws.String(s.table),
		KeyConditionExpression:    aws.String("PK = :pk AND begins_with(SK, :ev)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": str(clientPK(tenant, clientID)), ":ev": str("EV#")},
		ConsistentRead:            aws.Bool(true),
	})
	if err != nil {
		return nil, fmt.Errorf("events: %w", err)
	}
	events := make([]Event, 0, len(out.Items))
	for _, item := range out.Items {
		it, err := decode[eventItem](item)
		if err != nil {
			return nil, err
		}
		events = append(events, it.Event)
	}
	return events, nil
}

// GetCredential reads a client's password hash; ErrNotFound when it has none.
func (s *Store) GetCredential(ctx context.Context, tenant, clientID string) (*Credential, error) {
	it, err := getItem[credentialItem](ctx, s, clientPK(tenant, clientID), credentialSK, ErrNotFound)
	if err != nil {
		return nil, err
	}
	return &it.Credential, nil
}
