package localstack_test

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// Invitations cannot be used to spam: 5 e-mails per client in 24 hours and a tenant's hourly
// cap, counted in DynamoDB in the same transaction as each link, so concurrent sends (as from
// several Lambda instances) never pass them.
func TestInvitationLimits(t *testing.T) {
	e := startWithMail(t)
	tok := e.staff("editor")
	id := e.do("POST", "/v1/clients", tok, `{"first_name":"Hélène","email":"helene@example.fr","locale":"fr"}`).json(t)["id"].(string)

	const senders = 12
	statuses := make([]int, senders)
	replies := make([]reply, senders)
	var wg sync.WaitGroup
	for i := range senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			replies[i] = e.do("POST", "/v1/clients/"+id+"/invitation", tok, "", "Accept-Language", "fr")
			statuses[i] = replies[i].status
		}()
	}
	wg.Wait()
	sent, limited := 0, 0
	for i, r := range replies {
		switch r.status {
		case 200:
			sent++
		case 429:
			limited++
			p := r.json(t)
			after, err := strconv.Atoi(r.header.Get("Retry-After"))
			if p["code"] != "invitation_limit_client" || err != nil || after < 86000 || after > 86400 ||
				!strings.Contains(p["detail"].(string), "24\u00a0heures") {
				t.Errorf("refused send: %s %v", r.body, r.header)
			}
		default:
			t.Errorf("send %d: %d %s", i, r.status, r.body)
		}
	}
	if sent != 5 || limited != senders-5 {
		t.Fatalf("%d sent, %d refused (%v); want 5 and %d", sent, limited, statuses, senders-5)
	}
	if n := len(e.waitMails("helene@example.fr", 5)); n != 5 {
		t.Fatalf("%d mails", n)
	}

	// The tenant's hourly cap, 8 here: 5 are sent this hour, three more clients get theirs,
	// the fourth is refused until the next hour.
	e.stack.API.InvitationsPerHour = 8
	for i := range 4 {
		c := e.do("POST", "/v1/clients", tok, fmt.Sprintf(`{"first_name":"C%d","email":"c%d@example.fr"}`, i, i)).json(t)["id"].(string)
		r := e.do("POST", "/v1/clients/"+c+"/invitation", tok, "")
		want := 200
		if i == 3 {
			want = 429
		}
		if r.status != want {
			t.Fatalf("client %d: %d %s", i, r.status, r.body)
		}
		if i == 3 {
			after, _ := strconv.Atoi(r.header.Get("Retry-After"))
			if r.json(t)["code"] != "invitation_limit_tenant" || after < 1 || after > 3600 {
				t.Fatalf("tenant cap: %s %v", r.body, r.header)
			}
		}
	}
}
