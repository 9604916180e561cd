package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/clientdesk/clientdesk/internal/domain"
)

// ListQuery asks for a page of the clients a filter selects.
type ListQuery struct {
	Filter domain.ClientFilter
	Limit  int
	// Cursor is where the previous page stopped ("" for the first page).
	Cursor string
}

// Page is a page of clients, the cursor of the next one ("" on the last page) and, when the
// filter shows custom fields, the tenant's custom field definitions.
type Page struct {
	Items       []*domain.Client
	NextCursor  string
	Definitions domain.Definitions
}

// Requests a page may take when a filter discards entries, before it returns what it has
// (possibly fewer than Limit) with a cursor to go on.
const maxPageRequests = 5

// ListClients returns a page of the tenant's clients. The plan depends on the query:
//   - a search Queries the word index for the most selective word and filters the rest;
//   - a tag Queries the tag's members;
//   - otherwise one index of the tab serves the sort (and a single status).
//
// Search and tag pages then read the clients with one BatchGetItem (the definitions ride in
// the same request); index pages carry whole clients already.
func (s *Store) ListClients(ctx context.Context, tenant string, q ListQuery) (Page, error) {
	f := q.Filter
	if err := f.Check(); err != nil {
		return Page{}, err
	}
	var p queryPlan
	words := f.Words()
	var first *dynamodb.QueryOutput
	switch {
	case len(words) > 0 && (f.Order() == domain.SortName || f.Order() == domain.SortNameDesc):
		p, first, err := s.rarestWordPlan(ctx, tenant, f, words, q.Limit+1)
		if err != nil {
			return Page{}, err
		}
		return s.searchByName(ctx, tenant, p, q, first)
	case len(words) > 0 && q.Cursor != "":
		// The next pages go on with the word the first one chose: the one the position is at.
		pos, err := decodeCursor(tenant, f.Selection(), q.Cursor)
		if err != nil {
			return Page{}, err
		}
		p = s.searchPlan(tenant, f, words, keyAt(words, pos[Schema.Keys.Sort]))
	case len(words) > 0:
		var err error
		if p, first, err = s.rarestWordPlan(ctx, tenant, f, words, q.Limit+1); err != nil {
			return Page{}, err
		}
	case f.Tag != "":
		p = s.tagPlan(tenant, f)
	case f.Site != "":
		p = s.sitePlan(tenant, f)
	case f.Manager != "":
		p = s.managerPlan(tenant, f)
	default:
		p = s.indexPlan(tenant, f)
	}
	if err := p.startAt(tenant, f.Selection(), q.Cursor); err != nil {
		return Page{}, err
	}
	items, position, err := s.collect(ctx, p, q.Limit, first)
	if err != nil {
		return Page{}, err
	}
	page := Page{}
	if position != nil {
		page.NextCursor = encodeCursor(tenant, f.Selection(), position)
	}
	return s.fill(ctx, tenant, f, p, items, page)
}

// fill reads the clients of a page's entries (by key, with the definitions in the same
// request, when the entries only name them) and, when the page shows custom values, the
// definitions.
func (s *Store) fill(ctx context.Context, tenant string, f domain.ClientFilter, p queryPlan, items []map[string]types.AttributeValue, page Page) (Page, error) {
	withDefs := f.Shows("custom_fields")
	var err error
	if p.byKey {
		// Entries that carry their client (a search's, for small clients) need no read.
		var ids []string
		custom := false
		carried := map[string]*domain.Client{}
		for _, it := range items {
			id := attrString(it, "client_id")
			custom = custom || attrBool(it, "custom")
			if _, ok := it["client"]; ok {
				t, err := decode[termItem](it)
				if err != nil {
					return Page{}, err
				}
				carried[id] = t.Client
				continue
			}
			ids = append(ids, id)
		}
		var read []*domain.Client
		if len(ids) > 0 {
			read, page.Definitions, err = s.batchGetClients(ctx, tenant, ids, withDefs && custom)
			if err != nil {
				return Page{}, err
			}
		} else if withDefs && custom {
			if page.Definitions, _, err = s.GetDefinitions(ctx, tenant); err != nil {
				return Page{}, err
			}
		}
		for _, c := range read {
			carried[c.ID] = c
		}
		for _, it := range items {
			if c := carried[attrString(it, "client_id")]; c != nil {
				page.Items = append(page.Items, c)
			}
		}
		if p.keepClient != nil {
			page.Items = slices.DeleteFunc(page.Items, func(c *domain.Client) bool { return !p.keepClient(c) })
		}
		return page, nil
	}
	for _, it := range items {
		ci, err := decode[clientItem](it)
		if err != nil {
			return Page{}, err
		}
		page.Items = append(page.Items, &ci.Client)
	}
	// The definitions only matter to clients that hold custom values.
	if withDefs && slices.ContainsFunc(page.Items, func(c *domain.Client) bool { return len(c.CustomFields) > 0 }) {
		page.Definitions, _, err = s.GetDefinitions(ctx, tenant)
	}
	return page, err
}

// maxSortedMatches is domain.MaxSortedMatches (a variable, so that a test can reach it).
var maxSortedMatches = defaultMaxSortedMatches

const defaultMaxSortedMatches = domain.MaxSortedMatches

// searchByName serves a search sorted by name: every client the search matches (at most
// domain.MaxSortedMatches, or the caller must narrow the search) sorted by the name key the
// term entries carry, and the page after the cursor's name. Each page reads the whole match
// set again: bounded, and no index could serve an order of a search's matches.
func (s *Store) searchByName(ctx context.Context, tenant string, p queryPlan, q ListQuery, first *dynamodb.QueryOutput) (Page, error) {
	f := q.Filter
	entries, next, err := s.sortedByName(ctx, tenant, p, f.Selection(), q.Cursor, f.Order() == domain.SortNameDesc, q.Limit, first)
	if err != nil {
		return Page{}, err
	}
	return s.fill(ctx, tenant, f, p, entries, Page{NextCursor: next})
}

// sortedByName reads every entry of a word Query that the plan keeps (at most
// domain.MaxSortedMatches), sorts them by their name attribute, and returns the page after
// the cursor's name and the cursor of the next page ("" on the last). first, when not nil,
// is the answer to the plan's first Query, already read.
func (s *Store) sortedByName(ctx context.Context, tenant string, p queryPlan, selection, cursor string, desc bool, limit int, first *dynamodb.QueryOutput) ([]map[string]types.AttributeValue, string, error) {
	after := ""
	if cursor != "" {
		pos, err := decodeCursor(tenant, selection, cursor)
		if err != nil {
			return nil, "", err
		}
		if after = pos["name"]; len(pos) != 1 || after == "" || len(after) > maxSortKeyBytes {
			return nil, "", domain.ErrInvalidCursor
		}
	}
	var matches []map[string]types.AttributeValue
	p.in.Limit = aws.Int32(1000)
	for {
		out := first
		if first == nil {
			var err error
			if out, err = s.read(ctx, &p); err != nil {
				return nil, "", fmt.Errorf("search: %w", err)
			}
		}
		first = nil
		for _, item := range out.Items {
			if p.keeps(item) {
				matches = append(matches, item)
			}
		}
		if len(matches) > maxSortedMatches {
			return nil, "", domain.Errorf(domain.CodeSearchTooBroad, domain.FilterQuery)
		}
		if out.LastEvaluatedKey == nil {
			break
		}
		p.in.ExclusiveStartKey = out.LastEvaluatedKey
	}
	name := func(it map[string]types.AttributeValue) string { return attrString(it, "name") }
	slices.SortFunc(matches, func(a, b map[string]types.AttributeValue) int {
		if desc {
			return strings.Compare(name(b), name(a))
		}
		return strings.Compare(name(a), name(b))
	})
	start := 0
	if after != "" {
		start = sort.Search(len(matches), func(i int) bool {
			if desc {
				return name(matches[i]) < after
			}
			return name(matches[i]) > after
		})
	}
	end := min(start+limit, len(matches))
	next := ""
	if end < len(matches) {
		next = encodeCursor(tenant, selection, map[string]string{"name": name(matches[end-1])})
	}
	return matches[start:end], next, nil
}

// queryPlan is one Query, repeated from page to page.
type queryPlan struct {
	in *dynamodb.QueryInput
	// keyAttrs are the attributes of a position in this Query (the cursor's content).
	keyAttrs []string
	// partition holds the partition key the position must keep.
	partition map[string]string
	// keep decides whether an entry counts: the filters that the key cannot express, and for a
	// search, each client once. The store applies them to what each Query returns rather than
	// as a FilterExpression: DynamoDB bills every item a Query evaluates either way, and this
	// way the position after the last entry kept is exact.
	keep []func(map[string]types.AttributeValue) bool
	// byKey: entries name what they file (idAttr) to be read by key.
	byKey  bool
	idAttr string
	// keepClient decides, for entries that carry nothing to filter on, which of the clients
	// read count (the page may come back short).
	keepClient func(*domain.Client) bool
	// noLookAhead: stop at a full page instead of reading one entry more to learn whether
	// another page exists (a last page may then come back empty). For plans whose every
	// entry costs a second read by key, this keeps a page at two reads per client.
	noLookAhead bool
	// sharded: the Query's partition is sharded (FanShards), and read from each shard.
	sharded bool
	// sortAttr and sortFits say which values of the Query's sort key its key condition
	// admits (nil: all).
	sortAttr string
	sortFits func(string) bool
}

// accepts reports whether a cursor's position can start this Query: exactly its key
// attributes, in its partition, within its key condition and DynamoDB's key sizes, and in
// the tenant's own items. DynamoDB refuses any other starting key with an error, so a forged
// cursor must be refused here, as the client's mistake it is.
func (p *queryPlan) accepts(tenant string, pos map[string]string) bool {
	n := len(p.keyAttrs)
	for i := range FanShards {
		if sk, ok := pos[shardAttr(i)]; ok && p.sharded {
			if len(sk) > maxSortKeyBytes || (p.sortFits != nil && !p.sortFits(sk)) {
				return false
			}
			n++
		}
	}
	if len(pos) != n {
		return false
	}
	for _, name := range p.keyAttrs {
		v, ok := pos[name]
		if !ok || v == "" || len(v) > maxSortKeyBytes {
			return false
		}
	}
	for name, want := range p.partition {
		if pos[name] != want {
			return false
		}
	}
	if !strings.HasPrefix(pos[Schema.Keys.Partition], tenantPrefix(tenant)) {
		return false
	}
	return p.sortFits == nil || p.sortFits(pos[p.sortAttr])
}

// startAt starts the Query after a cursor's position ("" for the first page), once checked
// (accepts) against the selection it was made for.
func (p *queryPlan) startAt(tenant, selection, cursor string) error {
	if cursor == "" {
		return nil
	}
	pos, err := decodeCursor(tenant, selection, cursor)
	if err != nil {
		return err
	}
	if !p.accepts(tenant, pos) {
		return domain.ErrInvalidCursor
	}
	p.in.ExclusiveStartKey = map[string]types.AttributeValue{}
	for name, v := range pos {
		p.in.ExclusiveStartKey[name] = &types.AttributeValueMemberS{Value: v}
	}
	return nil
}

// maxSortKeyBytes is DynamoDB's limit on a sort key value (partition keys may be longer).
const maxSortKeyBytes = 1024

func (p *queryPlan) keeps(item map[string]types.AttributeValue) bool {
	for _, k := range p.keep {
		if !k(item) {
			return false
		}
	}
	return true
}

func (p *queryPlan) archived(archived bool) {
	p.keep = append(p.keep, func(it map[string]types.AttributeValue) bool { return attrBool(it, "archived") == archived })
}

func (p *queryPlan) statuses(statuses []domain.Status) {
	if len(statuses) == 0 {
		return
	}
	p.keep = append(p.keep, func(it map[string]types.AttributeValue) bool {
		return slices.Contains(statuses, domain.Status(attrString(it, "status")))
	})
}

func (p *queryPlan) idRange(attr string, q domain.ClientFilter) {
	if !q.CreatedAfter.IsZero() {
		lo := idBound(q.CreatedAfter)
		p.keep = append(p.keep, func(it map[string]types.AttributeValue) bool { return attrString(it, attr) >= lo })
	}
	if !q.CreatedBefore.IsZero() {
		hi := idBound(q.CreatedBefore)
		p.keep = append(p.keep, func(it map[string]types.AttributeValue) bool { return attrString(it, attr) < hi })
	}
}

func (s *Store) query(pk string, forward bool) *dynamodb.QueryInput {
	return &dynamodb.QueryInput{
		TableName:                 aws.String(s.table),
		KeyConditionExpression:    aws.String("#pk = :pk"),
		ExpressionAttributeNames:  map[string]string{"#pk": Schema.Keys.Partition},
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": str(pk)},
		ScanIndexForward:          aws.Bool(forward),
	}
}

// searchPlan: the word index, for the key word (one of the words); the other words, the tab,
// the statuses, the tag and the dates are checked on the entries, which carry them. Each
// client counts once, on its first matching word.
func (s *Store) searchPlan(tenant string, q domain.ClientFilter, words []string, key string) queryPlan {
	p := wordPlan(s.query(termsPK(tenant, key), true), words, key, "client_id")
	p.sharded = true
	p.archived(q.Archived)
	p.statuses(q.Statuses)
	if q.Tag != "" {
		tag := domain.Fold(q.Tag)
		p.keep = append(p.keep, func(it map[string]types.AttributeValue) bool {
			ss, ok := it["tags"].(*types.AttributeValueMemberSS)
			return ok && slices.Contains(ss.Value, tag)
		})
	}
	p.idRange("client_id", q)
	return p
}

// wordPlan Queries a word index (in, on its partition) for key, one of the words; the
// entries must carry the whole text of what they file (text) and its id (idAttr). The other
// words are checked on the text, and each owner counts once, on its first word that begins
// with the key word.
func wordPlan(in *dynamodb.QueryInput, words []string, key, idAttr string) queryPlan {
	pk := in.ExpressionAttributeValues[":pk"].(*types.AttributeValueMemberS).Value
	in.KeyConditionExpression = aws.String("#pk = :pk AND begins_with(#sk, :w)")
	in.ExpressionAttributeNames["#sk"] = Schema.Keys.Sort
	in.ExpressionAttributeValues[":w"] = str(key)
	p := queryPlan{in: in, keyAttrs: []string{Schema.Keys.Partition, Schema.Keys.Sort},
		partition: map[string]string{Schema.Keys.Partition: pk}, byKey: true, idAttr: idAttr,
		sortAttr: Schema.Keys.Sort, sortFits: func(sk string) bool { return strings.HasPrefix(sk, key) }}
	for _, w := range words {
		if w != key {
			p.keep = append(p.keep, func(it map[string]types.AttributeValue) bool {
				return strings.Contains(attrString(it, "text"), " "+w)
			})
		}
	}
	p.keep = append(p.keep, func(it map[string]types.AttributeValue) bool {
		sk, text := attrString(it, Schema.Keys.Sort), attrString(it, "text")
		term := sk[:max(strings.LastIndexByte(sk, '#'), 0)]
		i := strings.Index(text, " "+key)
		if i < 0 {
			return false
		}
		first := text[i+1:]
		if j := strings.IndexByte(first, ' '); j >= 0 {
			first = first[:j]
		}
		return first == term
	})
	return p
}

// rarestWordPlan chooses the word a search Queries: the one with the fewest entries. Each
// word's entries are Queried at once with the page's Limit (its probe, the first Query the
// page would make anyway):
//   - a word whose entries all came back has that many, exactly, and the fewest of those
//     wins (the longest on a tie);
//   - else the word whose probe holds the most matches wins (the longest on a tie): every
//     word's entries hold the same matches (each matching client once), so the word whose
//     first entries hold more of them is, as far as the probes can tell, the one with fewer
//     entries, and the one whose page fills soonest.
//
// The chosen word's answer is returned, to be used as the page's first Query, so only the
// other words' probes are extra reads: a two- or three-word search reads at most (w − 1) ×
// (page + 1) items more than its page on the chosen word. Query words are prefixes ("mar"
// finds "martin" and "marie"): what a word costs is what its Query reads, which a count kept
// per word could not tell.
//
// The next pages keep the chosen word: it is the one word the position's sort key begins
// with (keyAt; searchKeys leaves out a word that begins another).
func (s *Store) rarestWordPlan(ctx context.Context, tenant string, f domain.ClientFilter, words []string, limit int) (queryPlan, *dynamodb.QueryOutput, error) {
	keys := searchKeys(words)
	if len(keys) == 1 {
		return s.searchPlan(tenant, f, words, keys[0]), nil, nil
	}
	plans := make([]queryPlan, len(keys))
	outs := make([]*dynamodb.QueryOutput, len(keys))
	kept := make([]int, len(keys))
	errs := make([]error, len(keys))
	var wg sync.WaitGroup
	for i, w := range keys {
		plans[i] = s.searchPlan(tenant, f, words, w)
		plans[i].in.Limit = aws.Int32(int32(limit))
		wg.Go(func() {
			if outs[i], errs[i] = s.read(ctx, &plans[i]); errs[i] == nil {
				for _, it := range outs[i].Items {
					if plans[i].keeps(it) {
						kept[i]++
					}
				}
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return queryPlan{}, nil, fmt.Errorf("search: %w", err)
	}
	best, exhausted := 0, false
	for i, w := range keys {
		done := outs[i].LastEvaluatedKey == nil
		n, m := len(outs[i].Items), len(outs[best].Items)
		longer := len(w) > len(keys[best])
		switch {
		case done && (!exhausted || n < m || (n == m && longer)):
			best, exhausted = i, true
		case !done && !exhausted && (kept[i] > kept[best] || (kept[i] == kept[best] && longer)):
			best = i
		}
	}
	return plans[best], outs[best], nil
}

// longestWord is the first of the longest words.
func longestWord(words []string) string {
	key := words[0]
	for _, w := range words[1:] {
		if len(w) > len(key) {
			key = w
		}
	}
	return key
}

// keyable are the words a search may key on: those its partition holds whole
// (domain.Keyable); the others are only checked on the entries. ListClients refuses a search
// of no such word (domain.ClientFilter.Check).
func keyable(words []string) []string {
	keys := keyableTerms(words)
	if len(keys) == 0 {
		return words
	}
	return keys
}

// searchKeys are the words a search may key on, less those that begin another ("mar" of
// "mar martin": every client that matches has a word that begins with "martin", whose entry
// begins with "mar" too): so no two of them begin the same sort key, and a position names
// the word it was read on (keyAt).
func searchKeys(words []string) []string {
	keys := keyable(words)
	var out []string
	for _, w := range keys {
		if !slices.ContainsFunc(keys, func(o string) bool { return o != w && strings.HasPrefix(o, w) }) && !slices.Contains(out, w) {
			out = append(out, w)
		}
	}
	return out
}

// keyAt is the word a search page was keyed on, given the sort key of its position: the
// one of searchKeys that begins it (the position of a forged cursor begins with none, and
// the plan refuses it).
func keyAt(words []string, sk string) string {
	words = searchKeys(words)
	key := ""
	for _, w := range words {
		if strings.HasPrefix(sk, w) && len(w) > len(key) {
			key = w
		}
	}
	if key == "" {
		return longestWord(words)
	}
	return key
}

// tagPlan: the tag's members in the tab, by creation time; statuses are checked on them.
func (s *Store) tagPlan(tenant string, q domain.ClientFilter) queryPlan {
	pk := tagPK(tenant, domain.Fold(q.Tag), q.Archived)
	in := s.query(pk, q.Order() == domain.SortOldest)
	p := queryPlan{in: in, keyAttrs: []string{Schema.Keys.Partition, Schema.Keys.Sort},
		partition: map[string]string{Schema.Keys.Partition: pk}, byKey: true, noLookAhead: true,
		sortAttr: Schema.Keys.Sort, sortFits: keyRange(in, Schema.Keys.Sort, q), sharded: true}
	p.statuses(q.Statuses)
	return p
}

// sitePlan: the site's members, by creation time; the tab and statuses are checked on the
// clients read (a membership carries only the id: a client's status changes would otherwise
// rewrite each of its memberships).
func (s *Store) sitePlan(tenant string, q domain.ClientFilter) queryPlan {
	return s.membersPlan(tenant, sitePK(tenant, q.Site), memberPrefix, q)
}

// managerPlan: the clients a staff member is on the team of, by creation time, as sitePlan.
func (s *Store) managerPlan(tenant string, q domain.ClientFilter) queryPlan {
	return s.membersPlan(tenant, managerPK(tenant, q.Manager), "", q)
}

// membersPlan Queries a partition of items named prefix+<client id> that file clients (by
// creation), reads the clients by key and checks the tab and statuses on them.
func (s *Store) membersPlan(tenant, pk, prefix string, q domain.ClientFilter) queryPlan {
	in := s.query(pk, q.Order() == domain.SortOldest)
	fits := func(string) bool { return true }
	if prefix != "" {
		in.KeyConditionExpression = aws.String("#pk = :pk AND begins_with(#sk, :m)")
		in.ExpressionAttributeNames["#sk"] = Schema.Keys.Sort
		in.ExpressionAttributeValues[":m"] = str(prefix)
		fits = func(sk string) bool { return strings.HasPrefix(sk, prefix) }
	}
	if !q.CreatedAfter.IsZero() || !q.CreatedBefore.IsZero() {
		lo, hi := prefix, prefix+"~"
		if !q.CreatedAfter.IsZero() {
			lo = prefix + idBound(q.CreatedAfter)
		}
		if !q.CreatedBefore.IsZero() {
			hi = prefix + idBound(q.CreatedBefore.Add(-time.Millisecond)) + "~"
		}
		in.KeyConditionExpression = aws.String("#pk = :pk AND #sk BETWEEN :lo AND :hi")
		in.ExpressionAttributeNames["#sk"] = Schema.Keys.Sort
		delete(in.ExpressionAttributeValues, ":m")
		in.ExpressionAttributeValues[":lo"], in.ExpressionAttributeValues[":hi"] = str(lo), str(hi)
		fits = func(sk string) bool { return sk >= lo && sk <= hi }
	}
	p := queryPlan{in: in, keyAttrs: []string{Schema.Keys.Partition, Schema.Keys.Sort},
		partition: map[string]string{Schema.Keys.Partition: pk}, byKey: true, noLookAhead: true,
		sortAttr: Schema.Keys.Sort, sortFits: fits}
	p.keepClient = func(c *domain.Client) bool {
		return c.Archived == q.Archived && (len(q.Statuses) == 0 || slices.Contains(q.Statuses, c.Status))
	}
	return p
}

// indexPlan: the tab's index for the sort. Sorted by creation with one status, the status
// index serves the filter too; otherwise statuses are checked on the clients read.
func (s *Store) indexPlan(tenant string, q domain.ClientFilter) queryPlan {
	sort := q.Order()
	ixName := ByCreated
	switch sort {
	case domain.SortName, domain.SortNameDesc:
		ixName = ByName
	case domain.SortUpdated, domain.SortRecentlyTouch:
		ixName = ByUpdated
	}
	pk := tabPK(tenant, q.Archived)
	if ixName == ByCreated && len(q.Statuses) == 1 {
		ixName, pk = ByStatus, statusPK(tenant, q.Statuses[0], q.Archived)
	}
	ix := Schema.Index(ixName)
	forward := sort == domain.SortOldest || sort == domain.SortName || sort == domain.SortUpdated
	in := s.query(pk, forward)
	in.IndexName = aws.String(ix.Name)
	in.ExpressionAttributeNames["#pk"] = ix.Keys.Partition
	p := queryPlan{in: in, keyAttrs: []string{Schema.Keys.Partition, Schema.Keys.Sort, ix.Keys.Partition, ix.Keys.Sort},
		partition: map[string]string{ix.Keys.Partition: pk}}
	if ixName == ByCreated || ixName == ByStatus {
		p.sortAttr, p.sortFits = ix.Keys.Sort, keyRange(in, ix.Keys.Sort, q)
	} else {
		p.idRange("GSI1SK", q)
	}
	if ixName != ByStatus {
		p.statuses(q.Statuses)
	}
	return p
}

// keyRange narrows a Query whose sort key is a client id to a creation-time range, and
// returns which sort key values the range admits (nil when it is not narrowed).
func keyRange(in *dynamodb.QueryInput, sortAttr string, q domain.ClientFilter) func(string) bool {
	if q.CreatedAfter.IsZero() && q.CreatedBefore.IsZero() {
		return nil
	}
	in.ExpressionAttributeNames["#sk"] = sortAttr
	switch {
	case !q.CreatedAfter.IsZero() && !q.CreatedBefore.IsZero():
		// BETWEEN is inclusive: the bound just before CreatedBefore's millisecond.
		lo, hi := idBound(q.CreatedAfter), idBound(q.CreatedBefore.Add(-time.Millisecond))+"~"
		in.KeyConditionExpression = aws.String("#pk = :pk AND #sk BETWEEN :lo AND :hi")
		in.ExpressionAttributeValues[":lo"], in.ExpressionAttributeValues[":hi"] = str(lo), str(hi)
		return func(v string) bool { return v >= lo && v <= hi }
	case !q.CreatedAfter.IsZero():
		lo := idBound(q.CreatedAfter)
		in.KeyConditionExpression = aws.String("#pk = :pk AND #sk >= :lo")
		in.ExpressionAttributeValues[":lo"] = str(lo)
		return func(v string) bool { return v >= lo }
	default:
		hi := idBound(q.CreatedBefore)
		in.KeyConditionExpression = aws.String("#pk = :pk AND #sk < :hi")
		in.ExpressionAttributeValues[":hi"] = str(hi)
		return func(v string) bool { return v < hi }
	}
}

// collect runs the plan's Query until it has a page of entries (plus one, to know whether a
// next page exists, unless the plan says otherwise), the index is exhausted, or the request
// budget is spent. It returns the entries and the position after the last one returned (nil
// when there is nothing more). When entries may be discarded, later requests read more at a
// time.
func (s *Store) collect(ctx context.Context, p queryPlan, limit int, first *dynamodb.QueryOutput) ([]map[string]types.AttributeValue, map[string]string, error) {
	want := limit + 1
	if p.noLookAhead {
		want = limit
	}
	p.in.Limit = aws.Int32(int32(want))
	var got []map[string]types.AttributeValue
	for range maxPageRequests {
		out := first
		if first == nil {
			var err error
			if out, err = s.read(ctx, &p); err != nil {
				return nil, nil, fmt.Errorf("list clients: %w", err)
			}
		}
		first = nil
		for i, item := range out.Items {
			if !p.keeps(item) {
				continue
			}
			got = append(got, item)
			if len(got) == want {
				if p.noLookAhead {
					if i == len(out.Items)-1 && out.LastEvaluatedKey == nil {
						return got, nil, nil
					}
					return got, position(got[limit-1], p.keyAttrs), nil
				}
				return got[:limit], position(got[limit-1], p.keyAttrs), nil
			}
		}
		if out.LastEvaluatedKey == nil {
			return got, nil, nil
		}
		p.in.ExclusiveStartKey = out.LastEvaluatedKey
		p.in.Limit = aws.Int32(int32(min(4*(want-len(got)), 1000)))
	}
	// Budget spent: a short page, and a cursor where the reading stopped.
	return got, position(p.in.ExclusiveStartKey, p.keyAttrs), nil
}

// position is where a Query stands after item (or at a LastEvaluatedKey): its key
// attributes, and in a sharded partition where each shard stands (shardAttr).
func position(item map[string]types.AttributeValue, attrs []string) map[string]string {
	pos := map[string]string{}
	for _, a := range attrs {
		pos[a] = attrString(item, a)
	}
	for i := range FanShards {
		if sk := attrString(item, shardAttr(i)); sk != "" {
			pos[shardAttr(i)] = sk
		}
	}
	return pos
}
