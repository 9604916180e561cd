package store

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"slices"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/clientdesk/clientdesk/internal/domain"
)

// The filing of a client: what a client is filed under besides its own item (unique claims,
// search words, tag memberships, counters), and the writes that move it from one state to the
// next in one transaction.

// clientItem is a client as stored. The domain's JSON names are the attribute names; the
// index keys and the search terms the client is filed under ride along.
type clientItem struct {
	PK     string `json:"PK"`
	SK     string `json:"SK"`
	GSI1PK string `json:"GSI1PK"`
	GSI1SK string `json:"GSI1SK"`
	GSI2SK string `json:"GSI2SK"`
	GSI3SK string `json:"GSI3SK"`
	GSI4PK string `json:"GSI4PK"`
	// Terms and TagKeys are what the client is filed under, so that an update or a delete
	// knows which term and tag items to remove without recomputing them.
	Terms   []string `json:"terms,omitempty"`
	TagKeys []string `json:"tag_keys,omitempty"`
	domain.Client
}

// filed is a client with what it is filed under.
type filed struct {
	client  *domain.Client
	terms   []string
	tagKeys []string
	size    int // of the client's JSON, once known
}

// filed is what the item says the client is filed under, as it was written.
func (it *clientItem) filed() *filed {
	return &filed{client: &it.Client, terms: it.Terms, tagKeys: it.TagKeys}
}

func newFiled(c *domain.Client, defs domain.Definitions) *filed {
	visible := *c
	visible.CustomFields = defs.Visible(c.CustomFields)
	f := &filed{client: c, terms: domain.SearchTerms(&visible, defs.Searchable)}
	for _, t := range c.Tags {
		f.tagKeys = append(f.tagKeys, domain.Fold(t))
	}
	slices.Sort(f.tagKeys)
	f.tagKeys = slices.Compact(f.tagKeys)
	return f
}

func (f *filed) item(tenant string) (map[string]types.AttributeValue, error) {
	c := f.client
	return marshalItem(clientItem{
		PK: clientPK(tenant, c.ID), SK: clientSK,
		GSI1PK: tabPK(tenant, c.Archived), GSI1SK: c.ID, GSI2SK: nameKey(c), GSI3SK: updatedKey(c),
		GSI4PK: statusPK(tenant, c.Status, c.Archived),
		Terms:  f.terms, TagKeys: f.tagKeys, Client: *c,
	})
}

// termItem files a client under one search word, with what a search filters on.
type termItem struct {
	PK       string        `json:"PK"`
	SK       string        `json:"SK"`
	ClientID string        `json:"client_id"`
	Status   domain.Status `json:"status"`
	Archived bool          `json:"archived"`
	// Text is every word of the client between spaces: a search for several words keeps the
	// entries whose text contains " word" for each other word.
	Text string   `json:"text"`
	Tags []string `json:"tags,omitempty" dynamodbav:",stringset"`
	// Custom says the client holds custom values: a page shows them only with the
	// definitions, which are then read along with the clients.
	Custom bool `json:"custom,omitempty"`
	// Name is the client's name key, for a search sorted by name.
	Name string `json:"name,omitempty"`
	// Client is the client itself when it is small (carried): a search page is then one
	// Query, priced like a list page, instead of a Query and a read of each client by key.
	Client *domain.Client `json:"client,omitempty"`
}

// maxCarriedClient bounds the client a term item carries (its JSON): a client's 30 words
// then add at most 240 KB to a transaction, and a search page of carried clients costs
// about what the same page costs in a list. Larger clients are read by key.
const maxCarriedClient = 8 << 10

// carried reports whether the client's term items carry it.
func (f *filed) carried() bool {
	if f.size == 0 {
		b, _ := json.Marshal(f.client)
		f.size = len(b)
	}
	return f.size <= maxCarriedClient
}

// tagItem files a client under one of its tags.
type tagItem struct {
	PK       string        `json:"PK"`
	SK       string        `json:"SK"`
	ClientID string        `json:"client_id"`
	Status   domain.Status `json:"status"`
	Archived bool          `json:"archived"`
	Custom   bool          `json:"custom,omitempty"`
}

// termItem files the client under word; text is f.text(), made once for all its words.
func (f *filed) termItem(tenant, word, text string) termItem {
	c := f.client
	var carried *domain.Client
	if f.carried() {
		carried = c
	}
	return termItem{PK: shardPK(termsPK(tenant, word), fanShard(c.ID)), SK: termSK(word, c.ID), ClientID: c.ID,
		Status: c.Status, Archived: c.Archived, Text: text, Tags: f.tagKeys, Custom: f.custom(), Name: nameKey(c), Client: carried}
}

func (f *filed) custom() bool { return len(f.client.CustomFields) > 0 }

func (f *filed) text() string {
	b := []byte{' '}
	for _, t := range f.terms {
		b = append(b, t...)
		b = append(b, ' ')
	}
	return string(b)
}

// uniqueClaim is a value that at most one client of a tenant may hold.
type uniqueClaim struct {
	kind string
	err  error
	of   func(*domain.Client) string
}

var uniqueClaims = []uniqueClaim{
	{kind: "email", err: domain.ErrEmailTaken, of: func(c *domain.Client) string { return domain.EmailKey(c.Email) }},
	{kind: "code", err: domain.ErrCodeTaken, of: func(c *domain.Client) string { return domain.CodeKey(c.Code) }},
}

func (s *Store) claim(tenant string, u uniqueClaim, value, clientID string) write {
	return s.claimOwned(uniquePK(tenant, u.kind, value), "client_id", clientID, u.err)
}

// release frees a value held by clientID. It tolerates a claim that is already gone, so a
// missing claim can never block the client's own updates, but never frees another client's.
func (s *Store) release(tenant string, u uniqueClaim, value, clientID string) write {
	return s.releaseOwned(uniquePK(tenant, u.kind, value), "client_id", clientID)
}

// claimOwned claims the value item pk for its owner (named in attr), failing with taken when
// another holds it.
func (s *Store) claimOwned(pk, attr, owner string, taken error) write {
	return write{err: taken, item: types.TransactWriteItem{Put: &types.Put{
		TableName: aws.String(s.table),
		Item: map[string]types.AttributeValue{
			Schema.Keys.Partition: &types.AttributeValueMemberS{Value: pk},
			Schema.Keys.Sort:      &types.AttributeValueMemberS{Value: uniqueSK},
			attr:                  &types.AttributeValueMemberS{Value: owner},
		},
		ConditionExpression: aws.String("attribute_not_exists(PK)"),
	}}}
}

// releaseOwned frees the value item pk if owner holds it, or if it is gone.
func (s *Store) releaseOwned(pk, attr, owner string) write {
	return write{err: domain.ErrPreconditionFailed, item: types.TransactWriteItem{Delete: &types.Delete{
		TableName:                 aws.String(s.table),
		Key:                       key(pk, uniqueSK),
		ConditionExpression:       aws.String("attribute_not_exists(PK) OR #owner = :id"),
		ExpressionAttributeNames:  map[string]string{"#owner": attr},
		ExpressionAttributeValues: map[string]types.AttributeValue{":id": &types.AttributeValueMemberS{Value: owner}},
	}}}
}

// filingWrites lists the writes that take a client from old to next (old nil: create; next
// nil: delete), all for one transaction: the record, its unique claims, its search terms, its
// tag memberships and the counters. Only what changes is written.
func (s *Store) filingWrites(tenant string, old, next *filed) ([]write, error) {
	var writes []write
	var was, is *domain.Client
	if old != nil {
		was = old.client
	}
	if next != nil {
		is = next.client
	}
	// The record itself, conditioned on what the caller read.
	switch {
	case old == nil:
		item, err := next.item(tenant)
		if err != nil {
			return nil, err
		}
		w := s.put(item)
		w.item.Put.ConditionExpression = aws.String("attribute_not_exists(PK)")
		w.err = fmt.Errorf("client id %s already exists", is.ID)
		writes = append(writes, w)
	case next == nil:
		w := s.del(clientPK(tenant, was.ID), clientSK)
		w.item.Delete.ConditionExpression = aws.String("version = :v")
		w.item.Delete.ExpressionAttributeValues = map[string]types.AttributeValue{":v": number(was.Version)}
		w.err = domain.ErrPreconditionFailed
		writes = append(writes, w)
	default:
		item, err := next.item(tenant)
		if err != nil {
			return nil, err
		}
		w := s.put(item)
		w.item.Put.ConditionExpression = aws.String("version = :v")
		w.item.Put.ExpressionAttributeValues = map[string]types.AttributeValue{":v": number(was.Version)}
		w.err = domain.ErrPreconditionFailed
		writes = append(writes, w)
	}
	id := func() string {
		if is != nil {
			return is.ID
		}
		return was.ID
	}()

	for _, u := range uniqueClaims {
		var before, after string
		if was != nil {
			before = u.of(was)
		}
		if is != nil {
			after = u.of(is)
		}
		if before == after {
			continue
		}
		if before != "" {
			writes = append(writes, s.release(tenant, u, before, id))
		}
		if after != "" {
			writes = append(writes, s.claim(tenant, u, after, id))
		}
	}

	terms, err := s.termWrites(tenant, id, old, next)
	if err != nil {
		return nil, err
	}
	writes = append(writes, terms...)
	tags, err := s.tagWrites(tenant, id, old, next)
	if err != nil {
		return nil, err
	}
	writes = append(writes, tags...)
	if w, ok := s.statsWrite(tenant, id, was, is); ok {
		writes = append(writes, w)
	}
	return append(writes, s.managerWrites(tenant, id, was, is)...), nil
}

// managedItem files a client under one member of its management team: a member's clients
// ("my clients") are one Query.
type managedItem struct {
	PK       string `json:"PK"`
	SK       string `json:"SK"`
	ClientID string `json:"client_id"`
}

// managerWrites files the client under the members who join its team and takes it from
// those who leave (every one, when the client goes).
func (s *Store) managerWrites(tenant, id string, was, is *domain.Client) []write {
	var before, after []string
	if was != nil {
		before = was.TeamSubs()
	}
	if is != nil {
		after = is.TeamSubs()
	}
	var writes []write
	for _, sub := range before {
		if !slices.Contains(after, sub) {
			writes = append(writes, s.del(managerPK(tenant, sub), id))
		}
	}
	for _, sub := range after {
		if !slices.Contains(before, sub) {
			item, _ := marshalItem(managedItem{PK: managerPK(tenant, sub), SK: id, ClientID: id})
			writes = append(writes, s.put(item))
		}
	}
	return writes
}

// termWrites files the client under its words. A word's item carries the client's status,
// tab, tags and whole text, and the client itself when it is small: when any of those
// change (any change at all, for a carried client), every word's item is rewritten.
func (s *Store) termWrites(tenant, id string, old, next *filed) ([]write, error) {
	var before, after []string
	// A word too short to be looked up alone (domain.Keyable: "c" of "C-0042", "12") gets no
	// item: a search only checks it on the entries' text, which holds every word.
	if old != nil {
		before = keyableTerms(old.terms)
	}
	if next != nil {
		after = keyableTerms(next.terms)
	}
	var writes []write
	for _, t := range before {
		if !slices.Contains(after, t) {
			writes = append(writes, s.del(shardPK(termsPK(tenant, t), fanShard(id)), termSK(t, id)))
		}
	}
	if next == nil {
		return writes, nil
	}
	rewriteAll := old == nil || !slices.Equal(before, after) || old.client.Status != next.client.Status ||
		old.client.Archived != next.client.Archived || !slices.Equal(old.tagKeys, next.tagKeys) ||
		old.custom() != next.custom() || nameKey(old.client) != nameKey(next.client) || old.carried() || next.carried()
	text := next.text()
	for _, t := range after {
		if !rewriteAll {
			break
		}
		item, err := marshalItem(next.termItem(tenant, t, text))
		if err != nil {
			return nil, err
		}
		writes = append(writes, s.put(item))
	}
	return writes, nil
}

func (s *Store) tagWrites(tenant, id string, old, next *filed) ([]write, error) {
	var before, after []string
	if old != nil {
		before = old.tagKeys
	}
	if next != nil {
		after = next.tagKeys
	}
	var writes []write
	// Archiving moves the memberships to the other tab's partitions.
	retabbed := old != nil && next != nil && old.client.Archived != next.client.Archived
	for _, t := range before {
		if !slices.Contains(after, t) || retabbed {
			writes = append(writes, s.del(shardPK(tagPK(tenant, t, old.client.Archived), fanShard(id)), id))
		}
	}
	if next == nil {
		return writes, nil
	}
	moved := old == nil || old.client.Status != next.client.Status || retabbed || old.custom() != next.custom()
	for _, t := range after {
		if !moved && slices.Contains(before, t) {
			continue
		}
		item, err := marshalItem(tagItem{PK: shardPK(tagPK(tenant, t, next.client.Archived), fanShard(id)), SK: id, ClientID: id,
			Status: next.client.Status, Archived: next.client.Archived, Custom: next.custom()})
		if err != nil {
			return nil, err
		}
		writes = append(writes, s.put(item))
	}
	return writes, nil
}

// statsWrite moves the client between counters when it appears, disappears or changes status
// or tab. The shard is chosen by client id; the counts are the sums over the shards.
func (s *Store) statsWrite(tenant, id string, was, is *domain.Client) (write, bool) {
	adds := map[string]int{}
	if was != nil {
		adds[statsAttr(was.Status, was.Archived)]--
	}
	if is != nil {
		adds[statsAttr(is.Status, is.Archived)]++
	}
	names := map[string]string{}
	values := map[string]types.AttributeValue{}
	expr := ""
	i := 0
	for _, attr := range sortedAttrs(adds) {
		if adds[attr] == 0 {
			continue
		}
		n, v := "#a"+strconv.Itoa(i), ":v"+strconv.Itoa(i)
		names[n] = attr
		values[v] = &types.AttributeValueMemberN{Value: strconv.Itoa(adds[attr])}
		if expr != "" {
			expr += ", "
		}
		expr += n + " " + v
		i++
	}
	if expr == "" {
		return write{}, false
	}
	h := fnv.New32a()
	_, _ = h.Write([]byte(id))
	return write{item: types.TransactWriteItem{Update: &types.Update{
		TableName:                 aws.String(s.table),
		Key:                       key(statsPK(tenant, int(h.Sum32()%statsShards)), statsSK(int(h.Sum32()%statsShards))),
		UpdateExpression:          aws.String("ADD " + expr),
		ExpressionAttributeNames:  names,
		ExpressionAttributeValues: values,
	}}}, true
}

func sortedAttrs(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func keyableTerms(terms []string) []string {
	return slices.DeleteFunc(slices.Clone(terms), func(t string) bool { return !domain.Keyable(t) })
}
