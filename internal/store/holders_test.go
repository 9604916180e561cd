package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/clientdesk/clientdesk/internal/domain"
)

// The clients holding a batch of e-mails and codes: found by their canonical keys, each key
// once, in two requests for up to 100 keys; none of another tenant's.
func TestHolders(t *testing.T) {
	s, m := newStore(t)
	ctx := context.Background()
	var clients []*domain.Client
	for i := range 3 {
		c := newClient(t, domain.Fields{FirstName: "Anne", Email: fmt.Sprintf("Anne%d@Exemple.fr", i), Code: fmt.Sprintf("C-%d", i), Locale: "fr"})
		if err := s.CreateClient(ctx, "t1", c, nil, 0, nil, ev(c)); err != nil {
			t.Fatal(err)
		}
		clients = append(clients, c)
	}
	other := newClient(t, domain.Fields{FirstName: "Mallory", Email: "mallory@exemple.fr", Code: "M-1", Locale: "fr"})
	if err := s.CreateClient(ctx, "t2", other, nil, 0, nil, ev(other)); err != nil {
		t.Fatal(err)
	}
	m.Reset()
	emails := []string{domain.EmailKey("ANNE0@exemple.FR"), domain.EmailKey("anne2@exemple.fr"), "nobody@exemple.fr", "mallory@exemple.fr", "anne0@exemple.fr", ""}
	codes := []string{domain.CodeKey(" c-1 "), "c-0", "m-1"}
	byEmail, byCode, err := s.Holders(ctx, "t1", emails, codes)
	if err != nil {
		t.Fatal(err)
	}
	if len(byEmail) != 2 || byEmail["anne0@exemple.fr"].ID != clients[0].ID || byEmail["anne2@exemple.fr"].ID != clients[2].ID {
		t.Errorf("by e-mail %v", byEmail)
	}
	if len(byCode) != 2 || byCode["c-1"].ID != clients[1].ID || byCode["c-0"].ID != clients[0].ID {
		t.Errorf("by code %v", byCode)
	}
	if c := m.Snapshot(); c.Requests != 2 || c.ByOperation["BatchGetItem"] != 2 {
		t.Errorf("cost %+v", c)
	}
	// 150 rows' keys: the claims in two requests, the clients found in one.
	var many []string
	for i := range 150 {
		many = append(many, fmt.Sprintf("row%d@exemple.fr", i))
	}
	many = append(many, "anne1@exemple.fr")
	m.Reset()
	byEmail, _, err = s.Holders(ctx, "t1", many, nil)
	if err != nil || len(byEmail) != 1 {
		t.Fatalf("%v %v", byEmail, err)
	}
	if c := m.Snapshot(); c.Requests != 3 {
		t.Errorf("151 keys cost %d requests", c.Requests)
	}
}
