package store

import (
	"context"
	"errors"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
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
	Event      *domain.Event
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
	if t.Event != nil {
		w, err := s.eventWrite(tenant, t.Event)
		if err != nil {
			return err
		}
		writes = append(writes, w)
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

// InvitationQuota is what counts a client's invitation e-mails: when they were sent (epoch
// seconds, the last 24 hours' only), and the version of that record.
type InvitationQuota struct {
	Sent    []int64 `json:"sent"`
	Version int64   `json:"v"`
}

type quotaItem struct {
	PK      string `json:"PK"`
	SK      string `json:"SK"`
	Expires int64  `json:"expires_at"`
	InvitationQuota
}

const quotaSK = "QUOTA#INV"

// QuotaUse is what one more invitation e-mail counts against: the client's sends as they will
// be (replacing the version read), and the tenant's hour with its cap.
type QuotaUse struct {
	Client    InvitationQuota
	Hour      time.Time
	HourlyCap int
}

// ErrQuotaMoved means another invitation to the client was counted meanwhile: read again.
var ErrQuotaMoved = errors.New("invitation quota changed")

// GetClientForInvitation reads a client, the tenant's definitions and the client's invitation
// quota, in one request.
func (s *Store) GetClientForInvitation(ctx context.Context, tenant, id string) (*domain.Client, domain.Definitions, InvitationQuota, error) {
	items, err := s.batchGet(ctx, []map[string]types.AttributeValue{
		key(clientPK(tenant, id), clientSK), key(fieldsPK(tenant), fieldsSK), key(clientPK(tenant, id), quotaSK)})
	if err != nil {
		return nil, nil, InvitationQuota{}, err
	}
	var c *domain.Client
	var defs domain.Definitions
	var quota InvitationQuota
	for _, item := range items {
		switch attrString(item, Schema.Keys.Sort) {
		case clientSK:
			ci, err := decode[clientItem](item)
			if err != nil {
				return nil, nil, quota, err
			}
			c = &ci.Client
		case fieldsSK:
			d, err := decode[definitionsItem](item)
			if err != nil {
				return nil, nil, quota, err
			}
			defs = d.sorted()
		case quotaSK:
			q, err := decode[quotaItem](item)
			if err != nil {
				return nil, nil, quota, err
			}
			quota = q.InvitationQuota
		}
	}
	if c == nil {
		return nil, nil, quota, domain.ErrClientNotFound
	}
	return c, defs, quota, nil
}

// PrepareInvitation stores a link before its e-mail leaves, so that the link works as soon
// as the mail arrives, and counts the e-mail against the client's and the tenant's limits;
// with idem, it also claims the Idempotency-Key, so that a retry of the same request cannot
// send a second mail while this one is under way. It fails with ErrQuotaMoved when another
// invitation to the client was counted since its quota was read, and with the tenant's limit
// problem when the hour's cap is reached: the counts are conditions of the transaction, so
// concurrent sends never pass a limit.
func (s *Store) PrepareInvitation(ctx context.Context, inv *Invitation, idem *Idempotency, quota QuotaUse) error {
	item, err := s.invitationItem(inv)
	if err != nil {
		return err
	}
	writes, err := s.withIdempotency(inv.Tenant, idem)
	if err != nil {
		return err
	}
	if ref, ok := s.idempotencyRef(inv.Tenant, inv.ClientID, idem); ok {
		writes = append(writes, ref)
	}
	previous := quota.Client.Version
	q := quota.Client
	q.Version++
	qItem, err := marshalItem(quotaItem{PK: clientPK(inv.Tenant, inv.ClientID), SK: quotaSK,
		Expires: s.now().Add(domain.InvitationWindow).Unix(), InvitationQuota: q})
	if err != nil {
		return err
	}
	counted := s.put(qItem)
	counted.err = ErrQuotaMoved
	counted.item.Put.ConditionExpression = aws.String("attribute_not_exists(PK) OR v = :v")
	counted.item.Put.ExpressionAttributeValues = map[string]types.AttributeValue{":v": number(previous)}
	hour := write{err: domain.TenantInvitationLimit(s.now()), item: types.TransactWriteItem{Update: &types.Update{
		TableName:           aws.String(s.table),
		Key:                 key(invitationHourPK(inv.Tenant), quota.Hour.UTC().Format("2006-01-02T15")),
		UpdateExpression:    aws.String("ADD n :one SET expires_at = :exp"),
		ConditionExpression: aws.String("attribute_not_exists(n) OR n < :cap"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":one": number(1), ":cap": number(int64(quota.HourlyCap)),
			":exp": epoch(quota.Hour.Add(2 * time.Hour))},
	}}}
	return s.transact(ctx, append(writes, s.put(item), counted, hour))
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

// GetCredential reads a client's password hash; ErrNotFound when it has none.
func (s *Store) GetCredential(ctx context.Context, tenant, clientID string) (*Credential, error) {
	it, err := getItem[credentialItem](ctx, s, clientPK(tenant, clientID), credentialSK, ErrNotFound)
	if err != nil {
		return nil, err
	}
	return &it.Credential, nil
}
