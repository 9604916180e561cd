package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/clientdesk/clientdesk/internal/domain"
	"github.com/clientdesk/clientdesk/internal/store"
)

func newSite(t testing.TB, s *store.Store, tenant, alias string) *domain.Site {
	t.Helper()
	site, err := domain.NewSite(uuid.Must(uuid.NewV7()).String(), []byte(`{"name":"Site `+alias+`","alias":"`+alias+`"}`), now)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.CreateSite(context.Background(), tenant, site, nil); err != nil {
		t.Fatal(err)
	}
	return site
}

func siteEvent(clientID string, action domain.Action) *domain.Event {
	return &domain.Event{ID: uuid.Must(uuid.NewV7()).String(), ClientID: clientID, At: domain.At(now), Action: action,
		Actor: domain.Actor{Kind: domain.ActorStaff, ID: "tester"}}
}

// assign gives a site to a client as the API does: read, decide, write.
func assign(t testing.TB, s *store.Store, tenant, clientID, siteID string) *domain.Client {
	t.Helper()
	ctx := context.Background()
	acc, err := s.GetSiteAccess(ctx, tenant, clientID, siteID, false)
	if err != nil {
		t.Fatal(err)
	}
	next, err := domain.AssignSite(acc.Client, siteID, now)
	if err != nil {
		t.Fatal(err)
	}
	a := &domain.Assignment{SiteID: siteID, ClientID: clientID, Permissions: []string{"edit_content"}, AssignedAt: domain.At(now), UpdatedAt: domain.At(now), Version: 1}
	if err := s.AssignSite(ctx, tenant, acc, next, a, siteEvent(clientID, domain.ActionSiteAssigned)); err != nil {
		t.Fatal(err)
	}
	return next
}

// An assignment is one BatchGetItem and one transaction; each direction is one Query a page.
func TestAssignmentCosts(t *testing.T) {
	ctx := context.Background()
	s, m, c := createdClient(t)
	site := newSite(t, s, "t1", "one")
	m.Reset()
	next := assign(t, s, "t1", c.ID, site.ID)
	got := m.Snapshot()
	// The record, its 6 words and 1 tag moved to the new status, the counter, both copies of
	// the assignment, the site's count and the event.
	if got.Requests != 2 || got.ByOperation["BatchGetItem"] != 1 || got.ByOperation["TransactWriteItems"] != 1 || got.ItemsWritten != 13 {
		t.Fatalf("assign cost %+v", got)
	}
	if next.Status != domain.StatusSiteAssigned {
		t.Fatalf("status %v", next.Status)
	}
	// A second site moves no tag nor counter, but the 6 words carry the client (its sites
	// changed): the record, 6 words, both copies of the assignment, the site's count, the event.
	second := newSite(t, s, "t1", "two")
	m.Reset()
	assign(t, s, "t1", c.ID, second.ID)
	if got := m.Snapshot(); got.Requests != 2 || got.ItemsWritten != 11 {
		t.Fatalf("second assign cost %+v", got)
	}
	m.Reset()
	page, err := s.ClientSites(ctx, "t1", c.ID, 25, "")
	if got := m.Snapshot(); err != nil || got.Requests != 1 || len(page.Items) != 2 || page.NextCursor != "" {
		t.Fatalf("client's sites: %+v %v %+v", page, err, got)
	}
	m.Reset()
	members, err := s.SiteClients(ctx, "t1", site.ID, 25, "")
	if got := m.Snapshot(); err != nil || got.Requests != 1 || len(members.Items) != 1 || members.Items[0].ClientID != c.ID {
		t.Fatalf("site's clients: %+v %v %+v", members, err, got)
	}
	// Pages follow cursors, bound to their list.
	first, err := s.ClientSites(ctx, "t1", c.ID, 1, "")
	if err != nil || len(first.Items) != 1 || first.NextCursor == "" {
		t.Fatalf("first page %+v %v", first, err)
	}
	rest, err := s.ClientSites(ctx, "t1", c.ID, 1, first.NextCursor)
	if err != nil || len(rest.Items) != 1 || rest.Items[0].SiteID == first.Items[0].SiteID {
		t.Fatalf("second page %+v %v", rest, err)
	}
	if _, err := s.SiteClients(ctx, "t1", site.ID, 1, first.NextCursor); !errors.Is(err, domain.ErrInvalidCursor) {
		t.Errorf("a client's cursor on a site's list: %v", err)
	}
	if _, err := s.ClientSites(ctx, "t2", c.ID, 1, ""); !errors.Is(err, domain.ErrClientNotFound) {
		t.Errorf("another tenant: %v", err)
	}
	if _, err := s.SiteClients(ctx, "t2", site.ID, 1, ""); !errors.Is(err, domain.ErrSiteNotFound) {
		t.Errorf("another tenant's site: %v", err)
	}
	// The client cannot be deleted while it has sites.
	if _, err := s.DeleteClient(ctx, "t1", c.ID, nil, deletion(c.ID), 1000); domain.CodeOf(err) != domain.CodeClientHasSites {
		t.Errorf("delete with sites: %v", err)
	}
}

// The worst case the validation allows fits DynamoDB's limits (the emulator refuses, as
// DynamoDB does, more than 100 actions in a transaction and items over 400 KB): a client
// filed under every word and tag it may have gets its first site (every word and tag
// rewritten for the new status), then up to MaxSitesPerClient.
func TestWorstCaseAssignments(t *testing.T) {
	ctx := context.Background()
	s, m := newStore(t)
	var tags []string
	for i := range domain.MaxTags {
		tags = append(tags, fmt.Sprintf("tag%c%c", 'a'+i, 'a'+i))
	}
	var words []string
	for i := range domain.MaxSearchTerms {
		words = append(words, fmt.Sprintf("w%c%c%c", 'a'+i%26, 'a'+i/26, 'q'))
	}
	c := newClient(t, domain.Fields{CompanyName: strings.Join(words, " "), Tags: tags})
	if err := s.CreateClient(ctx, "t1", c, nil, 0, nil, ev(c)); err != nil {
		t.Fatal(err)
	}
	first := newSite(t, s, "t1", "site-0")
	m.Reset()
	assign(t, s, "t1", c.ID, first.ID)
	got := m.Snapshot()
	if got.ItemsWritten < 1+domain.MaxSearchTerms+domain.MaxTags+1+4 {
		t.Fatalf("first assignment wrote %d items: not the worst case", got.ItemsWritten)
	}
	t.Logf("worst first assignment: %d items in one transaction", got.ItemsWritten)
	for i := 1; i < domain.MaxSitesPerClient; i++ {
		assign(t, s, "t1", c.ID, newSite(t, s, "t1", fmt.Sprintf("site-%d", i)).ID)
	}
	full, err := s.GetClient(ctx, "t1", c.ID)
	if err != nil || full.SitesCount != domain.MaxSitesPerClient {
		t.Fatalf("client with every site: %v %v", full.SitesCount, err)
	}
	if _, err := domain.AssignSite(full, "one-more", now); domain.CodeOf(err) != domain.CodeTooManySites {
		t.Fatalf("one site more: %v", err)
	}
}

// A site's deletion: marked first (no new assignment), then gone only once no client has it.
func TestSiteDeletionGuards(t *testing.T) {
	ctx := context.Background()
	s, _, c := createdClient(t)
	site := newSite(t, s, "t1", "going")
	assign(t, s, "t1", c.ID, site.ID)
	marked, err := s.StartSiteDeletion(ctx, "t1", site.ID, func(v int64) bool { return v == 1 }, domain.At(now))
	if err != nil || marked.Status != domain.SiteDeleting || marked.Deletion.ClientsTotal != 1 || marked.Version != 2 {
		t.Fatalf("marked %+v %v", marked, err)
	}
	if again, err := s.StartSiteDeletion(ctx, "t1", site.ID, nil, domain.At(now)); err != nil || again.Version != 2 {
		t.Fatalf("asked again %+v %v", again, err)
	}
	other, err := s.GetSiteAccess(ctx, "t1", c.ID, site.ID, false)
	if err != nil {
		t.Fatal(err)
	}
	// A client that read the site before it was marked cannot be given it now.
	other.Site.Status, other.Assignment = domain.SitePublished, nil
	if err := s.AssignSite(ctx, "t1", other, other.Client, &domain.Assignment{SiteID: site.ID, ClientID: c.ID, Version: 1},
		siteEvent(c.ID, domain.ActionSiteAssigned)); !errors.Is(err, domain.ErrPreconditionFailed) && !errors.Is(err, domain.ErrSiteDeleting) {
		t.Fatalf("assigned a site being deleted: %v", err)
	}
	if gone, err := s.FinishSiteDeletion(ctx, "t1", site.ID); err != nil || gone {
		t.Fatalf("finished with a client left: %v %v", gone, err)
	}
	acc, err := s.GetSiteAccess(ctx, "t1", c.ID, site.ID, false)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.UnassignSite(ctx, "t1", acc, domain.UnassignSite(acc.Client, site.ID, now), siteEvent(c.ID, domain.ActionSiteUnassigned)); err != nil {
		t.Fatal(err)
	}
	if gone, err := s.FinishSiteDeletion(ctx, "t1", site.ID); err != nil || !gone {
		t.Fatalf("finish: %v %v", gone, err)
	}
	if gone, err := s.FinishSiteDeletion(ctx, "t1", site.ID); err != nil || !gone {
		t.Fatalf("finish again (a redelivery): %v %v", gone, err)
	}
	// Its alias is free again.
	newSite(t, s, "t1", "going")
}
