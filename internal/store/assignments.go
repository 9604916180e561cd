package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/clientdesk/clientdesk/internal/domain"
)

// Assignments: a site given to a client is two copies of one item, written together: one in
// the client's collection (its sites, in one Query) and one in the site's partition (its
// clients, in one Query). The client record lists the site ids (exports, the list's filter)
// and the site record counts its clients; all of it moves in the assignment's transaction,
// with the client's status and its event.

type assignmentItem struct {
	PK string `json:"PK"`
	SK string `json:"SK"`
	domain.Assignment
}

// SiteAccess is what an assignment is decided on, read in one request: the client, the
// site, the assignment if there is one, and the tenant's presets when asked.
type SiteAccess struct {
	Client *domain.Client
	// Site is nil when the site does not exist.
	Site *domain.Site
	// Assignment is nil when the client does not have the site.
	Assignment *domain.Assignment
	Presets    domain.Presets
	record     *clientItem
}

// GetSiteAccess reads a client, a site, their assignment and, withPresets, the tenant's
// presets, with one BatchGetItem. It fails with domain.ErrClientNotFound when the client
// does not exist.
func (s *Store) GetSiteAccess(ctx context.Context, tenant, clientID, siteID string, withPresets bool) (*SiteAccess, error) {
	keys := []map[string]types.AttributeValue{
		key(clientPK(tenant, clientID), clientSK),
		key(clientPK(tenant, clientID), assignmentSK(siteID)),
		key(sitePK(tenant, siteID), siteSK),
	}
	if withPresets {
		keys = append(keys, key(presetsPK(tenant), presetsSK))
	}
	items, err := s.batchGet(ctx, keys)
	if err != nil {
		return nil, err
	}
	acc := &SiteAccess{}
	for _, item := range items {
		switch pk, sk := attrString(item, Schema.Keys.Partition), attrString(item, Schema.Keys.Sort); {
		case sk == clientSK:
			if acc.record, err = decode[clientItem](item); err != nil {
				return nil, err
			}
			acc.Client = &acc.record.Client
		case sk == siteSK:
			it, err := decode[siteItem](item)
			if err != nil {
				return nil, err
			}
			acc.Site = &it.Site
		case sk == presetsSK && pk == presetsPK(tenant):
			it, err := decode[presetsItem](item)
			if err != nil {
				return nil, err
			}
			acc.Presets = it.Presets
		case strings.HasPrefix(sk, assignmentStart):
			if acc.Assignment, err = decodeAssignment(item); err != nil {
				return nil, err
			}
		}
	}
	if acc.Client == nil {
		return nil, domain.ErrClientNotFound
	}
	return acc, nil
}

// siteOpen is the condition of a site that can be given: it exists and is not being deleted.
func (s *Store) siteOpen(tenant, siteID string) *types.ConditionCheck {
	return &types.ConditionCheck{TableName: aws.String(s.table), Key: key(sitePK(tenant, siteID), siteSK),
		ConditionExpression:       aws.String("attribute_exists(PK) AND #status <> :deleting"),
		ExpressionAttributeNames:  map[string]string{"#status": "status"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":deleting": str(string(domain.SiteDeleting))}}
}

// siteCount moves a site's clients count by delta, on condition (when not nil) that the site
// can be given.
func (s *Store) siteCount(tenant, siteID string, delta int64, open bool) write {
	up := &types.Update{TableName: aws.String(s.table), Key: key(sitePK(tenant, siteID), siteSK),
		UpdateExpression:          aws.String("ADD clients_count :d"),
		ConditionExpression:       aws.String("attribute_exists(PK)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":d": number(delta)}}
	if open {
		cc := s.siteOpen(tenant, siteID)
		up.ConditionExpression, up.ExpressionAttributeNames = cc.ConditionExpression, cc.ExpressionAttributeNames
		up.ExpressionAttributeValues[":deleting"] = cc.ExpressionAttributeValues[":deleting"]
	}
	return write{item: types.TransactWriteItem{Update: up}, err: domain.ErrSiteDeleting}
}

// assignmentWrites puts (a not nil) or deletes both copies of an assignment, the client's
// conditioned on the version read (none: it must not exist).
func (s *Store) assignmentWrites(tenant, clientID, siteID string, was, a *domain.Assignment) ([]write, error) {
	mine := write{err: domain.ErrPreconditionFailed}
	var theirs write
	if a == nil {
		mine.item.Delete = &types.Delete{TableName: aws.String(s.table), Key: key(clientPK(tenant, clientID), assignmentSK(siteID))}
		theirs = s.del(sitePK(tenant, siteID), memberSK(clientID))
	} else {
		item, err := marshalAssignment(clientPK(tenant, clientID), assignmentSK(siteID), a)
		if err != nil {
			return nil, err
		}
		mine.item.Put = &types.Put{TableName: aws.String(s.table), Item: item}
		member, err := marshalAssignment(sitePK(tenant, siteID), memberSK(clientID), a)
		if err != nil {
			return nil, err
		}
		theirs = s.put(member)
	}
	cond, values := aws.String("attribute_not_exists(PK)"), map[string]types.AttributeValue(nil)
	if was != nil {
		cond, values = aws.String("version = :av"), map[string]types.AttributeValue{":av": number(was.Version)}
	}
	if mine.item.Put != nil {
		mine.item.Put.ConditionExpression, mine.item.Put.ExpressionAttributeValues = cond, values
	} else {
		mine.item.Delete.ConditionExpression, mine.item.Delete.ExpressionAttributeValues = cond, values
	}
	return []write{mine, theirs}, nil
}

// marshalAssignment stores an assignment without an empty permission list (an empty list
// reads back as nothing: decodeAssignment restores it).
func marshalAssignment(pk, sk string, a *domain.Assignment) (map[string]types.AttributeValue, error) {
	item, err := marshalItem(assignmentItem{PK: pk, SK: sk, Assignment: *a})
	if len(a.Permissions) == 0 {
		delete(item, "permissions")
	}
	return item, err
}

func decodeAssignment(item map[string]types.AttributeValue) (*domain.Assignment, error) {
	it, err := decode[assignmentItem](item)
	if err != nil {
		return nil, err
	}
	if it.Permissions == nil {
		it.Permissions = []string{}
	}
	return &it.Assignment, nil
}

// clientWrites takes the client from acc's record to next with what it is filed under (its
// words and tags do not change: only its sites and status do), or, when next is the record
// itself, only checks that it still exists.
func (s *Store) clientWrites(tenant string, acc *SiteAccess, next *domain.Client) ([]write, error) {
	if next.Version == acc.Client.Version {
		return []write{{err: domain.ErrClientNotFound, item: types.TransactWriteItem{ConditionCheck: &types.ConditionCheck{
			TableName: aws.String(s.table), Key: key(clientPK(tenant, next.ID), clientSK),
			ConditionExpression: aws.String("attribute_exists(PK)")}}}}, nil
	}
	old := acc.record.filed()
	return s.filingWrites(tenant, old, &filed{client: next, terms: old.terms, tagKeys: old.tagKeys})
}

// AssignSite gives acc's site to acc's client with a's permissions (next: the client after,
// its sites and status; the record itself when only permissions change), with ev, in one
// transaction. It fails with domain.ErrPreconditionFailed when the client or the assignment
// changed since acc was read, domain.ErrSiteDeleting when the site went or is going.
func (s *Store) AssignSite(ctx context.Context, tenant string, acc *SiteAccess, next *domain.Client, a *domain.Assignment, ev *domain.Event) error {
	writes, err := s.clientWrites(tenant, acc, next)
	if err != nil {
		return err
	}
	pair, err := s.assignmentWrites(tenant, next.ID, a.SiteID, acc.Assignment, a)
	if err != nil {
		return err
	}
	writes = append(writes, pair...)
	if acc.Assignment == nil {
		writes = append(writes, s.siteCount(tenant, a.SiteID, 1, true))
	} else {
		writes = append(writes, write{err: domain.ErrSiteDeleting, item: types.TransactWriteItem{ConditionCheck: s.siteOpen(tenant, a.SiteID)}})
	}
	event, err := s.eventWrite(tenant, ev)
	if err != nil {
		return err
	}
	return s.transact(ctx, append(writes, event))
}

// UnassignSite takes acc's site from acc's client (next: the client after), with ev, in one
// transaction; the site's count follows when the site still exists. It fails with
// domain.ErrPreconditionFailed when the client or the assignment changed since acc was read.
func (s *Store) UnassignSite(ctx context.Context, tenant string, acc *SiteAccess, next *domain.Client, ev *domain.Event) error {
	writes, err := s.clientWrites(tenant, acc, next)
	if err != nil {
		return err
	}
	siteID := acc.Assignment.SiteID
	pair, err := s.assignmentWrites(tenant, next.ID, siteID, acc.Assignment, nil)
	if err != nil {
		return err
	}
	writes = append(writes, pair...)
	if acc.Site != nil {
		count := s.siteCount(tenant, siteID, -1, false)
		count.err = domain.ErrPreconditionFailed
		writes = append(writes, count)
	}
	event, err := s.eventWrite(tenant, ev)
	if err != nil {
		return err
	}
	return s.transact(ctx, append(writes, event))
}

// AssignmentPage is a page of assignments and the cursor of the next one.
type AssignmentPage struct {
	Items      []*domain.Assignment
	NextCursor string
}

// ClientSites lists a client's sites, by site id, one Query per page; the first page also
// reads the client record, so that an unknown client is domain.ErrClientNotFound.
func (s *Store) ClientSites(ctx context.Context, tenant, clientID string, limit int, cursor string) (AssignmentPage, error) {
	pk := clientPK(tenant, clientID)
	in := s.query(pk, true)
	in.KeyConditionExpression = aws.String("#pk = :pk AND #sk BETWEEN :c AND :last")
	in.ExpressionAttributeNames["#sk"] = Schema.Keys.Sort
	in.ExpressionAttributeValues[":c"], in.ExpressionAttributeValues[":last"] = str(clientSK), str(assignmentStart+"~")
	return s.assignments(ctx, tenant, in, "client "+clientID, clientSK, assignmentStart, domain.ErrClientNotFound, limit, cursor)
}

// SiteClients lists the clients given a site, by client id (creation), one Query per page;
// the first page also reads the site record (domain.ErrSiteNotFound).
func (s *Store) SiteClients(ctx context.Context, tenant, siteID string, limit int, cursor string) (AssignmentPage, error) {
	in := s.query(sitePK(tenant, siteID), true)
	in.KeyConditionExpression = aws.String("#pk = :pk AND begins_with(#sk, :s)")
	in.ExpressionAttributeNames["#sk"] = Schema.Keys.Sort
	in.ExpressionAttributeValues[":s"] = str(siteSK)
	return s.assignments(ctx, tenant, in, "site "+siteID, siteSK, memberPrefix, domain.ErrSiteNotFound, limit, cursor)
}

// assignments serves both directions: a partition whose owner's record (ownerSK) comes just
// before its assignments (prefix).
func (s *Store) assignments(ctx context.Context, tenant string, in *dynamodb.QueryInput, selection, ownerSK, prefix string, missing error, limit int, cursor string) (AssignmentPage, error) {
	pk := in.ExpressionAttributeValues[":pk"].(*types.AttributeValueMemberS).Value
	p := queryPlan{in: in, keyAttrs: []string{Schema.Keys.Partition, Schema.Keys.Sort},
		partition: map[string]string{Schema.Keys.Partition: pk}, noLookAhead: true,
		sortAttr: Schema.Keys.Sort, sortFits: func(sk string) bool { return strings.HasPrefix(sk, prefix) }}
	if err := p.startAt(tenant, selection, cursor); err != nil {
		return AssignmentPage{}, err
	}
	want := limit
	if cursor == "" {
		want++ // the owner's record comes first
	}
	in.Limit = aws.Int32(int32(want))
	out, err := s.db.Query(ctx, in)
	if err != nil {
		return AssignmentPage{}, fmt.Errorf("list assignments: %w", err)
	}
	var page AssignmentPage
	owner := cursor != ""
	for _, item := range out.Items {
		if attrString(item, Schema.Keys.Sort) == ownerSK {
			owner = true
			continue
		}
		a, err := decodeAssignment(item)
		if err != nil {
			return AssignmentPage{}, err
		}
		page.Items = append(page.Items, a)
	}
	if !owner {
		return AssignmentPage{}, missing
	}
	if out.LastEvaluatedKey != nil && len(page.Items) > 0 {
		page.NextCursor = encodeCursor(tenant, selection, position(out.LastEvaluatedKey, p.keyAttrs))
	}
	return page, nil
}
