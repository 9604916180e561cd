package store_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/clientdesk/clientdesk/internal/domain"
	"github.com/clientdesk/clientdesk/internal/emulators"
	"github.com/clientdesk/clientdesk/internal/store"
)

var now = time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)

func newStore(t testing.TB) (*store.Store, *store.Meter) {
	t.Helper()
	ctx := context.Background()
	db, err := emulators.StartDynamoDB(ctx, "clients-test")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	m := &store.Meter{}
	return store.New(db.Client(m.Attach), db.Table, func() time.Time { return now }), m
}

// ev is the event a write records, as the API makes it.
func ev(c *domain.Client) *domain.Event {
	return &domain.Event{ID: uuid.NewString(), ClientID: c.ID, At: domain.At(now), Action: domain.ActionUpdated,
		Actor: domain.Actor{Kind: domain.ActorStaff, ID: "tester"}, Changes: domain.Diff(nil, c)}
}

// deletion is the event of a client's deletion.
func deletion(id string) *domain.Event {
	return &domain.Event{ID: uuid.NewString(), ClientID: id, At: domain.At(now), Action: domain.ActionDeleted,
		Actor: domain.Actor{Kind: domain.ActorStaff, ID: "tester"}, Redacted: true}
}

func newClient(t testing.TB, f domain.Fields) *domain.Client {
	t.Helper()
	id, err := uuid.NewV7()
	if err != nil {
		t.Fatal(err)
	}
	return domain.NewClient(id.String(), f, now)
}

// createdClient starts a store holding one rich client of tenant t1, checking what the create
// cost. Each test of the lifecycle starts from its own, so none depends on another's order.
func createdClient(t *testing.T) (*store.Store, *store.Meter, *domain.Client) {
	t.Helper()
	s, m := newStore(t)
	c := newClient(t, domain.Fields{FirstName: "Hélène", LastName: "Dufour", Email: "Helene@Example.fr", Code: "C-1",
		Phones: []string{"+33612345678"}, Address: &domain.Address{City: "Lyon", Country: "FR"}, Locale: "fr",
		Tags: []string{"VIP"}, SocialLinks: map[string]string{"linkedin": "https://linkedin.com/in/hd"},
		CustomFields: map[string]any{"budget": 1200.5, "vat": "FR1", "ok": true}})
	m.Reset()
	if err := s.CreateClient(context.Background(), "t1", c, nil, 0, nil, ev(c)); err != nil {
		t.Fatal(err)
	}
	// The client, its email and code claims, 6 search terms (the whole address and domain
	// among them; not the code's "c" and "1", too short to be looked up alone), 1 tag
	// membership, the counter and the creation event, plus a check of the definitions'
	// version: one transaction.
	if got := m.Snapshot(); got.Requests != 1 || got.ByOperation["TransactWriteItems"] != 1 || got.ItemsWritten != 12 || got.ItemsRead != 1 {
		t.Fatalf("create cost %+v", got)
	}
	m.Reset()
	return s, m, c
}

func TestClientLifecycle(t *testing.T) {
	ctx := context.Background()

	t.Run("a client reads back as written, in one request", func(t *testing.T) {
		s, m, c := createdClient(t)
		got, err := s.GetClient(ctx, "t1", c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if m.Snapshot().Requests != 1 {
			t.Fatal("get must cost one request")
		}
		if !reflect.DeepEqual(got, c) {
			t.Fatalf("round trip:\n got %+v\nwant %+v", got, c)
		}
	})

	t.Run("another tenant sees nothing", func(t *testing.T) {
		s, _, c := createdClient(t)
		if _, err := s.GetClient(ctx, "t2", c.ID); !errors.Is(err, domain.ErrClientNotFound) {
			t.Fatal(err)
		}
		if _, err := s.DeleteClient(ctx, "t2", c.ID, nil, deletion(c.ID), 1000); !errors.Is(err, domain.ErrClientNotFound) {
			t.Fatal(err)
		}
		page, err := s.ListClients(ctx, "t2", store.ListQuery{Limit: 10})
		if err != nil || len(page.Items) != 0 {
			t.Fatal(page, err)
		}
	})

	t.Run("email and code are unique per tenant ignoring case", func(t *testing.T) {
		s, _, _ := createdClient(t)
		dupEmail := newClient(t, domain.Fields{CompanyName: "X", Email: "HELENE@example.FR"})
		if err := s.CreateClient(ctx, "t1", dupEmail, nil, 0, nil, ev(dupEmail)); !errors.Is(err, domain.ErrEmailTaken) {
			t.Fatal(err)
		}
		dupCode := newClient(t, domain.Fields{CompanyName: "X", Code: "c-1"})
		if err := s.CreateClient(ctx, "t1", dupCode, nil, 0, nil, ev(dupCode)); !errors.Is(err, domain.ErrCodeTaken) {
			t.Fatal(err)
		}
		if err := s.CreateClient(ctx, "t2", dupEmail, nil, 0, nil, ev(dupEmail)); err != nil {
			t.Fatalf("other tenant may use the same email: %v", err)
		}
		if _, err := s.GetClient(ctx, "t1", dupEmail.ID); !errors.Is(err, domain.ErrClientNotFound) {
			t.Fatal("a refused create left a client behind")
		}
	})

	t.Run("update is conditional on the version", func(t *testing.T) {
		s, m, got := createdClient(t)
		next := got.Revise(domain.Fields{CompanyName: "Dufour SA", Email: "contact@dufour.fr", Locale: "fr"}, now.Add(time.Minute))
		if err := s.UpdateClient(ctx, "t1", got, next, nil, ev(next)); err != nil {
			t.Fatal(err)
		}
		if c := m.Snapshot(); c.Requests != 1 {
			t.Fatalf("update cost %+v", c)
		}
		if err := s.UpdateClient(ctx, "t1", got, next, nil, ev(next)); !errors.Is(err, domain.ErrPreconditionFailed) {
			t.Fatalf("stale update: %v", err)
		}
		// The old email and code are free again, the new email is taken.
		other := newClient(t, domain.Fields{CompanyName: "Y", Email: "helene@example.fr", Code: "C-1"})
		if err := s.CreateClient(ctx, "t1", other, nil, 0, nil, ev(other)); err != nil {
			t.Fatalf("old values not released: %v", err)
		}
		taken := newClient(t, domain.Fields{CompanyName: "Z", Email: "CONTACT@dufour.fr"})
		if err := s.CreateClient(ctx, "t1", taken, nil, 0, nil, ev(taken)); !errors.Is(err, domain.ErrEmailTaken) {
			t.Fatal(err)
		}
		// Moving to an email that another client holds fails and changes nothing.
		stolen := next.Revise(domain.Fields{CompanyName: "Dufour SA", Email: "helene@example.fr"}, now)
		if err := s.UpdateClient(ctx, "t1", next, stolen, nil, ev(stolen)); !errors.Is(err, domain.ErrEmailTaken) {
			t.Fatal(err)
		}
		if cur, _ := s.GetClient(ctx, "t1", got.ID); cur.Version != next.Version || cur.Email != next.Email {
			t.Fatalf("failed update changed the record: %+v", cur)
		}
	})

	t.Run("delete frees the email", func(t *testing.T) {
		s, m, c := createdClient(t)
		if _, err := s.DeleteClient(ctx, "t1", c.ID, func(v int64) bool { return v == 2 }, deletion(c.ID), 1000); !errors.Is(err, domain.ErrPreconditionFailed) {
			t.Fatalf("stale delete: %v", err)
		}
		m.Reset()
		if _, err := s.DeleteClient(ctx, "t1", c.ID, func(v int64) bool { return v == c.Version }, deletion(c.ID), 1000); err != nil {
			t.Fatal(err)
		}
		// The collection read, one transaction (the record, its filing, the deletion's event),
		// then the earlier events reduced in one batch.
		if c := m.Snapshot(); c.Requests != 3 || c.ByOperation["TransactWriteItems"] != 1 || c.ByOperation["BatchWriteItem"] != 1 {
			t.Fatalf("delete cost %+v", c)
		}
		if _, err := s.GetClient(ctx, "t1", c.ID); !errors.Is(err, domain.ErrClientNotFound) {
			t.Fatal(err)
		}
		again := newClient(t, domain.Fields{CompanyName: "Again", Email: "helene@example.fr", Code: "c-1"})
		if err := s.CreateClient(ctx, "t1", again, nil, 0, nil, ev(again)); err != nil {
			t.Fatalf("email not freed: %v", err)
		}
		if _, err := s.DeleteClient(ctx, "t1", c.ID, nil, deletion(c.ID), 1000); !errors.Is(err, domain.ErrClientNotFound) {
			t.Fatal(err)
		}
	})
}

func TestListPagination(t *testing.T) {
	s, m := newStore(t)
	ctx := context.Background()
	var ids []string
	for i := range 7 {
		c := newClient(t, domain.Fields{CompanyName: fmt.Sprintf("Company %d", i)})
		if err := s.CreateClient(ctx, "t1", c, nil, 0, nil, ev(c)); err != nil {
			t.Fatal(err)
		}
		ids = append([]string{c.ID}, ids...) // newest first
	}
	var seen []string
	cursor := ""
	for pages := 0; ; pages++ {
		m.Reset()
		page, err := s.ListClients(ctx, "t1", store.ListQuery{Limit: 3, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		if c := m.Snapshot(); c.Requests != 1 || c.ItemsRead > 4 {
			t.Fatalf("list page cost %+v", c)
		}
		for _, c := range page.Items {
			seen = append(seen, c.ID)
		}
		if page.NextCursor == "" {
			if pages != 2 {
				t.Fatalf("%d pages", pages+1)
			}
			break
		}
		cursor = page.NextCursor
	}
	if fmt.Sprint(seen) != fmt.Sprint(ids) {
		t.Fatalf("order\n got %v\nwant %v", seen, ids)
	}
	// A page that ends exactly at the last client has no next cursor.
	page, err := s.ListClients(ctx, "t1", store.ListQuery{Limit: 7})
	if err != nil || len(page.Items) != 7 || page.NextCursor != "" {
		t.Fatalf("exact page: %d items, cursor %q, %v", len(page.Items), page.NextCursor, err)
	}
	// A cursor belongs to its tenant.
	first, _ := s.ListClients(ctx, "t1", store.ListQuery{Limit: 1})
	if _, err := s.ListClients(ctx, "t2", store.ListQuery{Limit: 1, Cursor: first.NextCursor}); domain.CodeOf(err) != domain.CodeInvalidCursor {
		t.Fatalf("cross-tenant cursor: %v", err)
	}
}

func TestIdempotencyRecord(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	rec := &store.Idempotency{Scope: "createClient", Key: "k1", RequestHash: "h", Status: 201,
		Headers: map[string]string{"Location": "/v1/clients/x"}, Body: `{"id":"x"}`, ExpiresAt: now.Add(24 * time.Hour).Unix()}
	if a := newClient(t, domain.Fields{CompanyName: "A"}); s.CreateClient(ctx, "t1", a, nil, 0, rec, ev(a)) != nil {
		t.Fatal("first create")
	}
	second := newClient(t, domain.Fields{CompanyName: "B"})
	if err := s.CreateClient(ctx, "t1", second, nil, 0, rec, ev(second)); !errors.Is(err, store.ErrIdempotencyKeyUsed) {
		t.Fatal(err)
	}
	if _, err := s.GetClient(ctx, "t1", second.ID); !errors.Is(err, domain.ErrClientNotFound) {
		t.Fatal("replayed create wrote a client")
	}
	got, err := s.GetIdempotency(ctx, "t1", "createClient", "k1")
	if err != nil || got == nil || got.Body != rec.Body || got.Headers["Location"] != "/v1/clients/x" || got.Status != 201 {
		t.Fatalf("%+v %v", got, err)
	}
	if _, err := s.GetIdempotency(ctx, "t2", "createClient", "k1"); !errors.Is(err, store.ErrNotFound) {
		t.Fatal("idempotency keys leak across tenants")
	}
	// An expired record that TTL has not removed yet neither replays nor blocks the key.
	old := *rec
	old.Key, old.ExpiresAt = "k2", now.Add(-time.Second).Unix()
	if c := newClient(t, domain.Fields{CompanyName: "C"}); s.CreateClient(ctx, "t1", c, nil, 0, &old, ev(c)) != nil {
		t.Fatal("an expired record blocks its key")
	}
	if _, err := s.GetIdempotency(ctx, "t1", "createClient", "k2"); !errors.Is(err, store.ErrNotFound) {
		t.Fatal("expired record replayed")
	}
	fresh := old
	fresh.ExpiresAt = now.Add(time.Hour).Unix()
	if d := newClient(t, domain.Fields{CompanyName: "D"}); s.CreateClient(ctx, "t1", d, nil, 0, &fresh, ev(d)) != nil {
		t.Fatal("expired record blocks its key")
	}
}
