package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/clientdesk/clientdesk/internal/domain"
	"github.com/clientdesk/clientdesk/internal/retry"
)

// A tenant's sites. Each site has a partition of its own: the record (SK "S") and one
// membership per client given the site (SK "S#C#<client id>"), so that a site and its clients
// are one Query. The record carries the keys of the first two indexes under the tenant's
// sites partition (by creation, by name); its search words are items of their own, as a
// client's are; its alias, domain and external id are claimed as a client's email is.

const (
	siteSK          = "S"
	memberPrefix    = "S#C#"
	assignmentStart = "C#S#"
)

func sitePK(tenant, id string) string { return "T#" + tenant + "#SITE#" + id }

// sitesPK is the index partition of a tenant's sites.
func sitesPK(tenant string) string { return "T#" + tenant + "#SITES" }

// siteWordsPK holds one item per (word, site): the sites' search index.
func siteWordsPK(tenant string) string { return "T#" + tenant + "#SW" }

func memberSK(clientID string) string { return memberPrefix + clientID }

// assignmentSK files an assignment in its client's collection, just after the record ("C")
// and before anything else of it ("CRED", "E#…"): a client and its sites are one Query.
func assignmentSK(siteID string) string { return assignmentStart + siteID }

type siteItem struct {
	PK     string   `json:"PK"`
	SK     string   `json:"SK"`
	GSI1PK string   `json:"GSI1PK"`
	GSI1SK string   `json:"GSI1SK"`
	GSI2SK string   `json:"GSI2SK"`
	Terms  []string `json:"terms,omitempty"`
	domain.Site
}

// siteWordItem files a site under one word, with what a search filters and sorts on.
type siteWordItem struct {
	PK     string            `json:"PK"`
	SK     string            `json:"SK"`
	SiteID string            `json:"site_id"`
	Status domain.SiteStatus `json:"status"`
	Text   string            `json:"text"`
	Name   string            `json:"name"`
}

func siteNameKey(s *domain.Site) string {
	name := domain.Fold(strings.TrimSpace(s.Name))
	if len(name) > 300 {
		name = name[:300]
	}
	return name + "#" + s.ID
}

func (s *Store) siteItem(tenant string, site *domain.Site) (map[string]types.AttributeValue, error) {
	return marshalItem(siteItem{PK: sitePK(tenant, site.ID), SK: siteSK, GSI1PK: sitesPK(tenant), GSI1SK: site.ID,
		GSI2SK: siteNameKey(site), Terms: domain.SiteSearchTerms(site), Site: *site})
}

// siteClaims are the values at most one site of a tenant may hold.
var siteClaims = []struct {
	kind string
	err  error
	of   func(*domain.Site) string
}{
	{"site-alias", domain.ErrAliasTaken, func(s *domain.Site) string { return domain.AliasKey(s.Alias) }},
	{"site-domain", domain.ErrDomainTaken, func(s *domain.Site) string { return domain.DomainKey(s.Domain) }},
	{"site-external-id", domain.ErrExternalIDTaken, func(s *domain.Site) string { return s.ExternalID }},
}

// siteFilingWrites takes a site's claims and words from old to next (old nil: a creation;
// next nil: the end of a deletion).
func (s *Store) siteFilingWrites(tenant string, old, next *domain.Site) ([]write, error) {
	var writes []write
	id := func() string {
		if next != nil {
			return next.ID
		}
		return old.ID
	}()
	for _, c := range siteClaims {
		var before, after string
		if old != nil {
			before = c.of(old)
		}
		if next != nil {
			after = c.of(next)
		}
		if before == after {
			continue
		}
		pk := func(v string) string { return uniquePK(tenant, c.kind, v) }
		if before != "" {
			writes = append(writes, s.releaseOwned(pk(before), "site_id", id))
		}
		if after != "" {
			writes = append(writes, s.claimOwned(pk(after), "site_id", id, c.err))
		}
	}
	var before, after []string
	if old != nil {
		before = domain.SiteSearchTerms(old)
	}
	if next != nil {
		after = domain.SiteSearchTerms(next)
	}
	for _, t := range before {
		if !slices.Contains(after, t) {
			writes = append(writes, s.del(siteWordsPK(tenant), termSK(t, id)))
		}
	}
	if next == nil {
		return writes, nil
	}
	rewrite := old == nil || !slices.Equal(before, after) || old.Status != next.Status || siteNameKey(old) != siteNameKey(next)
	text := " " + strings.Join(after, " ") + " "
	for _, t := range after {
		if !rewrite {
			break
		}
		item, err := marshalItem(siteWordItem{PK: siteWordsPK(tenant), SK: termSK(t, id), SiteID: id, Status: next.Status,
			Text: text, Name: siteNameKey(next)})
		if err != nil {
			return nil, err
		}
		writes = append(writes, s.put(item))
	}
	return writes, nil
}

// CreateSite writes a new site with its claims and words, and the record of the request
// when it has an Idempotency-Key, in one transaction.
func (s *Store) CreateSite(ctx context.Context, tenant string, site *domain.Site, idem *Idempotency) error {
	writes, err := s.withIdempotency(tenant, idem)
	if err != nil {
		return err
	}
	item, err := s.siteItem(tenant, site)
	if err != nil {
		return err
	}
	w := s.put(item)
	w.item.Put.ConditionExpression = aws.String("attribute_not_exists(PK)")
	w.err = fmt.Errorf("site id %s already exists", site.ID)
	filing, err := s.siteFilingWrites(tenant, nil, site)
	if err != nil {
		return err
	}
	return s.transact(ctx, append(append(writes, w), filing...))
}

// GetSite reads one site; domain.ErrSiteNotFound when the tenant has none by this id.
func (s *Store) GetSite(ctx context.Context, tenant, id string) (*domain.Site, error) {
	it, err := getItem[siteItem](ctx, s, sitePK(tenant, id), siteSK, domain.ErrSiteNotFound)
	if err != nil {
		return nil, err
	}
	return &it.Site, nil
}

// UpdateSite writes old → next on condition that the site is still at old's version and not
// being deleted. The record is updated member by member, never replaced: its clients count
// moves with assignments meanwhile.
func (s *Store) UpdateSite(ctx context.Context, tenant string, old, next *domain.Site) error {
	item, err := s.siteItem(tenant, next)
	if err != nil {
		return err
	}
	up := updateMembers(item, []string{"url", "domain", "external_id"}, "clients_count", "deletion")
	up.Key = key(sitePK(tenant, next.ID), siteSK)
	up.TableName = aws.String(s.table)
	up.ConditionExpression = aws.String("version = :old_version AND #status <> :deleting")
	up.ExpressionAttributeNames["#status"] = "status"
	up.ExpressionAttributeValues[":old_version"] = number(old.Version)
	up.ExpressionAttributeValues[":deleting"] = str(string(domain.SiteDeleting))
	filing, err := s.siteFilingWrites(tenant, old, next)
	if err != nil {
		return err
	}
	return s.transact(ctx, append([]write{{item: types.TransactWriteItem{Update: up}, err: domain.ErrPreconditionFailed}}, filing...))
}

// updateMembers is an update that sets every member of item but the keys and those left
// alone, and removes the optional members item lacks.
func updateMembers(item map[string]types.AttributeValue, optional []string, leave ...string) *types.Update {
	names, values := map[string]string{}, map[string]types.AttributeValue{}
	var sets, removes []string
	members := make([]string, 0, len(item))
	for name := range item {
		members = append(members, name)
	}
	slices.Sort(members)
	for i, name := range members {
		if name == Schema.Keys.Partition || name == Schema.Keys.Sort || slices.Contains(leave, name) {
			continue
		}
		n, v := "#m"+strconv.Itoa(i), ":m"+strconv.Itoa(i)
		names[n], values[v] = name, item[name]
		sets = append(sets, n+" = "+v)
	}
	for i, name := range optional {
		if _, ok := item[name]; !ok {
			n := "#r" + strconv.Itoa(i)
			names[n] = name
			removes = append(removes, n)
		}
	}
	expr := "SET " + strings.Join(sets, ", ")
	if len(removes) > 0 {
		expr += " REMOVE " + strings.Join(removes, ", ")
	}
	return &types.Update{UpdateExpression: aws.String(expr), ExpressionAttributeNames: names, ExpressionAttributeValues: values}
}

// StartSiteDeletion marks a site as being deleted (when allowed accepts its version, if
// allowed is not nil): from then on no client can be given it. A site already being deleted
// is returned as it is, so that a deletion interrupted can be asked again.
func (s *Store) StartSiteDeletion(ctx context.Context, tenant, id string, allowed func(int64) bool, now domain.Time) (*domain.Site, error) {
	var site *domain.Site
	err := retry.OnConflict(ctx, conflictAttempts, func(int) error {
		cur, err := s.GetSite(ctx, tenant, id)
		if err != nil {
			return err
		}
		if allowed != nil && !allowed(cur.Version) {
			return domain.ErrPreconditionFailed
		}
		if cur.Status == domain.SiteDeleting {
			site = cur
			return nil
		}
		next := *cur
		next.Status, next.Version = domain.SiteDeleting, cur.Version+1
		next.Deletion = &domain.SiteDeletion{RequestedAt: now, ClientsTotal: cur.ClientsCount}
		item, err := s.siteItem(tenant, &next)
		if err != nil {
			return err
		}
		// The total is exact: the count must not move between the read and the write.
		w := s.put(item)
		w.item.Put.ConditionExpression = aws.String("version = :v AND clients_count = :n")
		w.item.Put.ExpressionAttributeValues = map[string]types.AttributeValue{":v": number(cur.Version), ":n": number(int64(cur.ClientsCount))}
		w.err = retry.Conflict(domain.ErrPreconditionFailed)
		if err := s.apply(ctx, []write{w}); err != nil {
			return err
		}
		site = &next
		return nil
	})
	return site, err
}

// SetSiteDeletionJob names the job that finishes a site's deletion.
func (s *Store) SetSiteDeletionJob(ctx context.Context, tenant, id, jobID string) error {
	w := write{err: domain.ErrSiteNotFound, item: types.TransactWriteItem{Update: &types.Update{
		TableName: aws.String(s.table), Key: key(sitePK(tenant, id), siteSK),
		UpdateExpression:          aws.String("SET deletion.job_id = :j"),
		ConditionExpression:       aws.String("attribute_exists(deletion)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":j": str(jobID)},
	}}}
	return s.apply(ctx, []write{w})
}

// FinishSiteDeletion removes a site being deleted once its last client is unassigned, with
// its claims and words, in one transaction: a site never goes while an assignment remains.
// It reports whether the site is gone (false: clients remain).
func (s *Store) FinishSiteDeletion(ctx context.Context, tenant, id string) (bool, error) {
	it, err := getItem[siteItem](ctx, s, sitePK(tenant, id), siteSK, domain.ErrSiteNotFound)
	if errors.Is(err, domain.ErrSiteNotFound) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	if it.Status != domain.SiteDeleting {
		return false, domain.ErrPreconditionFailed
	}
	if it.ClientsCount > 0 {
		return false, nil
	}
	w := s.del(sitePK(tenant, id), siteSK)
	w.item.Delete.ConditionExpression = aws.String("clients_count = :zero AND #status = :deleting")
	w.item.Delete.ExpressionAttributeNames = map[string]string{"#status": "status"}
	w.item.Delete.ExpressionAttributeValues = map[string]types.AttributeValue{":zero": number(0), ":deleting": str(string(domain.SiteDeleting))}
	w.err = errSiteStillAssigned
	filing, err := s.siteFilingWrites(tenant, &it.Site, nil)
	if err != nil {
		return false, err
	}
	err = s.transact(ctx, append([]write{w}, filing...))
	if errors.Is(err, errSiteStillAssigned) {
		// Gone meanwhile (another run finished it), or a count that moved: read again.
		_, err := s.GetSite(ctx, tenant, id)
		if errors.Is(err, domain.ErrSiteNotFound) {
			return true, nil
		}
		return false, err
	}
	return err == nil, err
}

var errSiteStillAssigned = errors.New("site still assigned")

// SiteQuery asks for a page of a tenant's sites.
type SiteQuery struct {
	// Query: every word must begin a word of the site's name, alias or domain.
	Query  string
	Status domain.SiteStatus
	// Sort: domain.SortName (default), SortNameDesc, SortNewest or SortOldest.
	Sort   domain.Sort
	Limit  int
	Cursor string
}

// SiteSorts are the orders of the site list.
var SiteSorts = []domain.Sort{domain.SortName, domain.SortNameDesc, domain.SortNewest, domain.SortOldest}

func (q SiteQuery) order() domain.Sort {
	if q.Sort == "" {
		return domain.SortName
	}
	return q.Sort
}

func (q SiteQuery) selection() string {
	return "sites|q=" + strings.Join(domain.QueryWords(q.Query), " ") + "|status=" + string(q.Status) + "|sort=" + string(q.order())
}

// SitePage is a page of sites and the cursor of the next one ("" on the last page).
type SitePage struct {
	Items      []*domain.Site
	NextCursor string
}

// ListSites returns a page of the tenant's sites: by name or creation from the index, or, for
// a search, the sites whose words it begins, sorted by name (at most domain.MaxSortedMatches).
func (s *Store) ListSites(ctx context.Context, tenant string, q SiteQuery) (SitePage, error) {
	if !slices.Contains(SiteSorts, q.order()) {
		return SitePage{}, domain.Errorf(domain.CodeInvalidParameter, domain.FilterSort)
	}
	keepStatus := func(it map[string]types.AttributeValue) bool {
		return q.Status == "" || attrString(it, "status") == string(q.Status)
	}
	if words := domain.QueryWords(q.Query); len(words) > 0 {
		if q.order() != domain.SortName && q.order() != domain.SortNameDesc {
			return SitePage{}, domain.Errorf(domain.CodeInvalidParameter, domain.FilterSort)
		}
		p := wordPlan(s.query(siteWordsPK(tenant), true), words, longestWord(words), "site_id")
		p.keep = append(p.keep, keepStatus)
		entries, next, err := s.sortedByName(ctx, tenant, p, q.selection(), q.Cursor, q.order() == domain.SortNameDesc, q.Limit, nil)
		if err != nil {
			return SitePage{}, err
		}
		keys := make([]map[string]types.AttributeValue, len(entries))
		for i, e := range entries {
			keys[i] = key(sitePK(tenant, attrString(e, "site_id")), siteSK)
		}
		items, err := s.batchGet(ctx, keys)
		if err != nil {
			return SitePage{}, err
		}
		byID := map[string]*domain.Site{}
		for _, item := range items {
			it, err := decode[siteItem](item)
			if err != nil {
				return SitePage{}, err
			}
			byID[it.ID] = &it.Site
		}
		page := SitePage{NextCursor: next}
		for _, e := range entries {
			if site, ok := byID[attrString(e, "site_id")]; ok {
				page.Items = append(page.Items, site)
			}
		}
		return page, nil
	}
	ix := Schema.Index(ByCreated)
	if q.order() == domain.SortName || q.order() == domain.SortNameDesc {
		ix = Schema.Index(ByName)
	}
	in := s.query(sitesPK(tenant), q.order() == domain.SortName || q.order() == domain.SortOldest)
	in.IndexName = aws.String(ix.Name)
	in.ExpressionAttributeNames["#pk"] = ix.Keys.Partition
	p := queryPlan{in: in, keyAttrs: []string{Schema.Keys.Partition, Schema.Keys.Sort, ix.Keys.Partition, ix.Keys.Sort},
		partition: map[string]string{ix.Keys.Partition: sitesPK(tenant)}, keep: []func(map[string]types.AttributeValue) bool{keepStatus}}
	if err := p.startAt(tenant, q.selection(), q.Cursor); err != nil {
		return SitePage{}, err
	}
	items, position, err := s.collect(ctx, p, q.Limit, nil)
	if err != nil {
		return SitePage{}, err
	}
	var page SitePage
	if position != nil {
		page.NextCursor = encodeCursor(tenant, q.selection(), position)
	}
	for _, item := range items {
		it, err := decode[siteItem](item)
		if err != nil {
			return SitePage{}, err
		}
		page.Items = append(page.Items, &it.Site)
	}
	return page, nil
}
