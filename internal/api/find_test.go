package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/google/uuid"

	"github.com/clientdesk/clientdesk/internal/domain"
	"github.com/clientdesk/clientdesk/internal/store"
)

type listed struct {
	Items []struct {
		ID          string         `json:"id"`
		FirstName   string         `json:"first_name"`
		LastName    string         `json:"last_name"`
		Company     string         `json:"company_name"`
		Email       string         `json:"email"`
		Status      string         `json:"status"`
		CustomField map[string]any `json:"custom_fields"`
	} `json:"items"`
	NextCursor *string `json:"next_cursor"`
}

func (h *harness) list(q map[string]string) (events.APIGatewayV2HTTPResponse, listed) {
	h.t.Helper()
	resp := h.call(withQuery(as(event(h.t, "list-clients"), "agency-1", "[viewer]"), q))
	if resp.StatusCode != 200 {
		return resp, listed{}
	}
	return resp, decode[listed](h.t, resp)
}

// all follows the cursors of a query with small pages and returns every id, failing on a
// duplicate.
func (h *harness) all(q map[string]string) []string {
	h.t.Helper()
	var ids []string
	params := map[string]string{"limit": "2"}
	for k, v := range q {
		params[k] = v
	}
	for pages := 0; pages < 100; pages++ {
		resp, page := h.list(params)
		if resp.StatusCode != 200 {
			h.t.Fatalf("%v: %d %s", q, resp.StatusCode, resp.Body)
		}
		for _, it := range page.Items {
			if slices.Contains(ids, it.ID) {
				h.t.Fatalf("%v: %s listed twice", q, it.ID)
			}
			ids = append(ids, it.ID)
		}
		if page.NextCursor == nil {
			return ids
		}
		params["cursor"] = *page.NextCursor
	}
	h.t.Fatalf("%v: no end", q)
	return nil
}

// set moves a client to a status and tab, as the lifecycle operations will.
func (h *harness) set(id string, status domain.Status, archived bool) {
	h.t.Helper()
	ctx := context.Background()
	c, defs, err := h.api.Clients.GetClientWithDefinitions(ctx, "agency-1", id)
	if err != nil {
		h.t.Fatal(err)
	}
	next := c.Revise(c.Fields, clock)
	next.Status, next.Archived = status, archived
	ev := &domain.Event{ID: uuid.NewString(), ClientID: id, At: domain.At(clock), Action: domain.ActionUpdated,
		Actor: domain.Actor{Kind: domain.ActorStaff, ID: "tester"}, Changes: domain.Diff(c, next)}
	if err := h.api.Clients.UpdateClient(ctx, "agency-1", c, next, defs, ev); err != nil {
		h.t.Fatal(err)
	}
}

func (h *harness) field(body string) events.APIGatewayV2HTTPResponse {
	h.t.Helper()
	ev := withBody(as(event(h.t, "create-client"), "agency-1", "[admin]"), body)
	ev.RawPath, ev.RequestContext.HTTP.Path = "/v1/client-fields", "/v1/client-fields"
	return h.call(ev)
}

// seed creates the clients of the finding tests and returns their ids by nickname.
func seed(h *harness) map[string]string {
	h.field(`{"key":"siret","label":{"fr":"SIRET","en":"SIRET"},"type":"text","searchable":true}`)
	ids := map[string]string{}
	for name, body := range map[string]string{
		"helene":  `{"first_name":"Hélène","last_name":"Dufour","company_name":"Atelier Dufour","email":"helene@atelier-dufour.fr","phones":["06 12 34 56 78"],"address":{"country":"FR"},"tags":["VIP"]}`,
		"jean":    `{"first_name":"Jean","last_name":"Dupont","company_name":"Dupont & Fils","email":"jean.dupont@gmail.com","phones":["+44 20 7946 0958"],"code":"C-0042"}`,
		"heloise": `{"first_name":"Héloïse","last_name":"Martin","company_name":"Martin Conseil","tags":["Île-de-France","vip"],"custom_fields":{"siret":"123 456 789"}}`,
		"acme":    `{"company_name":"ACME Corporation","email":"contact@acme.com","tags":["Export"]}`,
		"zoe":     `{"first_name":"Zoé","last_name":"Abadie","email":"zoe@abadie.fr"}`,
	} {
		ids[name] = h.create("agency-1", body).ID
	}
	return ids
}

func names(ids map[string]string, got []string) []string {
	var out []string
	for _, id := range got {
		for name, v := range ids {
			if v == id {
				out = append(out, name)
			}
		}
	}
	return out
}

func TestSearch(t *testing.T) {
	h := newHarness(t)
	ids := seed(h)
	h.set(ids["jean"], domain.StatusInvited, false)
	for _, tc := range []struct {
		q    map[string]string
		want []string
	}{
		{map[string]string{"q": "helene duf"}, []string{"helene"}},
		{map[string]string{"q": "HÉLÈNE"}, []string{"helene"}},
		{map[string]string{"q": "hel"}, []string{"helene", "heloise"}},
		{map[string]string{"q": "dup"}, []string{"jean"}},
		{map[string]string{"q": "dupont fils"}, []string{"jean"}},
		{map[string]string{"q": "0612"}, []string{"helene"}},
		{map[string]string{"q": "+33 6 12 34"}, []string{"helene"}},
		{map[string]string{"q": "06 12 34 56 78"}, []string{"helene"}},
		{map[string]string{"q": "020 7946"}, []string{"jean"}},
		{map[string]string{"q": "c-0042"}, []string{"jean"}},
		{map[string]string{"q": "gmail"}, []string{"jean"}},
		{map[string]string{"q": "atelier-dufour"}, []string{"helene"}},
		{map[string]string{"q": "ile de france"}, []string{"heloise"}},
		{map[string]string{"q": "123 456"}, []string{"heloise"}},
		{map[string]string{"q": "vip"}, []string{"helene", "heloise"}},
		{map[string]string{"q": "vip", "tag": "VIP"}, []string{"helene", "heloise"}},
		{map[string]string{"q": "hel", "tag": "ile-de-france"}, []string{"heloise"}},
		{map[string]string{"q": "du", "status": "invited"}, []string{"jean"}},
		{map[string]string{"q": "d dupont"}, []string{"jean"}},
		{map[string]string{"q": "fils d"}, []string{"jean"}},
		{map[string]string{"q": "dup", "status": "prospect"}, nil},
		{map[string]string{"q": "dup", "archived": "true"}, nil},
		{map[string]string{"q": "zzz"}, nil},
		{map[string]string{"q": "corporation acme"}, []string{"acme"}},
	} {
		got := names(ids, h.all(tc.q))
		sort.Strings(got)
		if !slices.Equal(got, tc.want) {
			t.Errorf("%v: %v, want %v", tc.q, got, tc.want)
		}
	}
	// A word shorter than a partition of the search index holds whole (two letters, four
	// digits) only narrows a search; a search of only such words is refused, naming q.
	for _, q := range []string{"d", "é", "1", "06 1", "d e"} {
		resp, _ := h.list(map[string]string{"q": q})
		if resp.StatusCode != 400 || !strings.Contains(resp.Body, `"code":"search_too_short"`) || !strings.Contains(resp.Body, `"param":"q"`) {
			t.Errorf("q=%q: %d %s", q, resp.StatusCode, resp.Body)
		}
	}
}

func TestFiltersAndSorts(t *testing.T) {
	h := newHarness(t)
	ids := seed(h)
	h.set(ids["jean"], domain.StatusInvited, false)
	h.set(ids["acme"], domain.StatusActive, false)
	h.set(ids["zoe"], domain.StatusProspect, true)
	// Touch Hélène last so that she is the most recently updated.
	patch := withHeader(withBody(withID(event(t, "update-client"), ids["helene"]), `{"notes":"rappeler"}`), "if-match", "*")
	clock = clock.Add(1e9)
	if resp := h.call(patch); resp.StatusCode != 200 {
		t.Fatal(resp.Body)
	}
	for _, tc := range []struct {
		q      map[string]string
		want   []string
		sorted bool
	}{
		{map[string]string{"sort": "name"}, []string{"acme", "helene", "jean", "heloise"}, true},
		{map[string]string{"sort": "-name"}, []string{"heloise", "jean", "helene", "acme"}, true},
		{map[string]string{"sort": "-updated_at", "limit": "1"}, []string{"helene"}, true},
		{map[string]string{"archived": "true"}, []string{"zoe"}, true},
		{map[string]string{"status": "invited"}, []string{"jean"}, true},
		{map[string]string{"status": "invited,active"}, []string{"jean", "acme"}, false},
		{map[string]string{"status": "prospect", "sort": "name"}, []string{"helene", "heloise"}, true},
		{map[string]string{"tag": "vip"}, []string{"helene", "heloise"}, false},
		{map[string]string{"tag": "VIP", "status": "prospect"}, []string{"helene", "heloise"}, false},
		{map[string]string{"tag": "export"}, []string{"acme"}, true},
		{map[string]string{"tag": "vip", "archived": "true"}, nil, true},
		{map[string]string{"created_after": "2000-01-01", "created_before": "2100-01-01"}, []string{"helene", "jean", "heloise", "acme"}, false},
		{map[string]string{"created_after": "2100-01-01"}, nil, true},
		{map[string]string{"created_before": "2000-01-02T00:00:00Z", "sort": "name"}, nil, true},
	} {
		var got []string
		if tc.q["limit"] == "1" {
			_, page := h.list(tc.q)
			for _, it := range page.Items {
				got = append(got, it.ID)
			}
			got = names(ids, got)
		} else {
			got = names(ids, h.all(tc.q))
		}
		want := tc.want
		if !tc.sorted {
			got, want = slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(want))
		}
		if !slices.Equal(got, want) {
			t.Errorf("%v: %v, want %v", tc.q, got, want)
		}
	}
	// Newest first by default, oldest first on request: the same clients, reversed.
	newest, oldest := h.all(nil), h.all(map[string]string{"sort": "created_at"})
	slices.Reverse(oldest)
	if len(newest) != 4 || !slices.Equal(newest, oldest) {
		t.Errorf("created orders: %v vs %v", newest, oldest)
	}
	// fields: the chosen columns and the id, nothing else.
	resp, _ := h.list(map[string]string{"fields": "first_name,status", "limit": "1"})
	var raw struct{ Items []map[string]any }
	_ = json.Unmarshal([]byte(resp.Body), &raw)
	if len(raw.Items) != 1 || len(raw.Items[0]) > 3 || raw.Items[0]["id"] == nil || raw.Items[0]["status"] == nil {
		t.Errorf("fields: %s", resp.Body)
	}
	// Archiving a tagged client moves it to the archived tab's tag list, and back.
	h.set(ids["helene"], domain.StatusProspect, true)
	if got := names(ids, h.all(map[string]string{"tag": "vip", "archived": "true"})); !slices.Equal(got, []string{"helene"}) {
		t.Errorf("archived tag list: %v", got)
	}
	if got := names(ids, h.all(map[string]string{"tag": "vip"})); !slices.Equal(got, []string{"heloise"}) {
		t.Errorf("tag list after archiving: %v", got)
	}
	h.set(ids["helene"], domain.StatusProspect, false)
	if got := names(ids, h.all(map[string]string{"tag": "vip", "archived": "true"})); len(got) != 0 {
		t.Errorf("archived tag list after unarchiving: %v", got)
	}
	// A cursor only works with the query that made it.
	_, page := h.list(map[string]string{"limit": "1", "sort": "name"})
	for _, other := range []map[string]string{{"sort": "-name"}, {"sort": "name", "status": "invited"}, {"sort": "name", "archived": "true"}} {
		other["cursor"] = *page.NextCursor
		if resp, _ := h.list(other); resp.StatusCode != 400 || decode[problem](t, resp).Param != "cursor" {
			t.Errorf("cursor replayed with %v: %d", other, resp.StatusCode)
		}
	}
}

func TestStatsStayExact(t *testing.T) {
	h := newHarness(t)
	stats := func() store.Stats {
		ev := as(event(t, "list-clients"), "agency-1", "[viewer]")
		ev.RawPath, ev.RequestContext.HTTP.Path = "/v1/clients/stats", "/v1/clients/stats"
		ev.QueryStringParameters = nil
		h.meter.Reset()
		resp := h.call(ev)
		// One Query for each of the counters' 8 partitions (sent at once), never a client read.
		if m := h.meter.Snapshot(); m.Requests != 8 || m.ByOperation["Query"] != 8 || m.ReadUnits > 8 {
			t.Fatalf("stats cost %d requests, %.1f read units", m.Requests, m.ReadUnits)
		}
		return decode[store.Stats](t, resp)
	}
	var mu sync.Mutex
	var created []string
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := h.create("agency-1", fmt.Sprintf(`{"company_name":"Concurrent %d"}`, i))
			mu.Lock()
			created = append(created, c.ID)
			mu.Unlock()
		}()
	}
	wg.Wait()
	var moves sync.WaitGroup
	for i, id := range created[:10] {
		moves.Add(1)
		go func() {
			defer moves.Done()
			h.set(id, domain.Statuses[i%len(domain.Statuses)], i%3 == 0)
		}()
	}
	moves.Wait()
	for _, id := range created[10:13] {
		if resp := h.call(withHeader(withID(event(t, "delete-client"), id), "if-match", "")); resp.StatusCode != 204 {
			t.Fatal(resp.Body)
		}
	}
	got := stats()
	want := store.Stats{ByStatus: map[domain.Status]int{}, ArchivedByStatus: map[domain.Status]int{}}
	for _, st := range domain.Statuses {
		want.ByStatus[st], want.ArchivedByStatus[st] = 0, 0
	}
	for i := range 10 {
		st := domain.Statuses[i%len(domain.Statuses)]
		if i%3 == 0 {
			want.ArchivedByStatus[st]++
			want.Archived++
		} else {
			want.ByStatus[st]++
			want.Total++
		}
	}
	want.ByStatus[domain.StatusProspect] += 7
	want.Total += 7
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("stats\n got %+v\nwant %+v", got, want)
	}
	// And they agree with the lists.
	for _, st := range domain.Statuses {
		if n := len(h.all(map[string]string{"status": string(st)})); n != got.ByStatus[st] {
			t.Errorf("%s: %d listed, %d counted", st, n, got.ByStatus[st])
		}
	}
}

func TestListCosts(t *testing.T) {
	h := newHarness(t)
	seed(h)
	for i := range 30 {
		h.create("agency-1", fmt.Sprintf(`{"first_name":"Client%d","last_name":"Durand","tags":["vip"]}`, i))
	}
	for _, tc := range []struct {
		q        map[string]string
		requests int
		items    int
	}{
		{map[string]string{"limit": "25"}, 1, 26},
		{map[string]string{"limit": "25", "sort": "name"}, 1, 26},
		{map[string]string{"limit": "25", "status": "prospect"}, 1, 26},
		// A tag's members and a word's entries lie in store.FanShards (2) partition keys,
		// each Queried for its share of the page plus two (14 of 25, 15 of 26 with the
		// look-ahead); a shard that holds more of the page is Queried once more for what the
		// page lacks (at most 11), once at most. The tag's clients are then read by key.
		{map[string]string{"limit": "25", "tag": "vip"}, 2 + 1 + 1, 2*14 + 11 + 25},
		{map[string]string{"limit": "25", "q": "durand"}, 2 + 1, 2*15 + 11},
	} {
		h.meter.Reset()
		resp, page := h.list(tc.q)
		m := h.meter.Snapshot()
		if resp.StatusCode != 200 || len(page.Items) != 25 || m.Requests > tc.requests || m.ItemsRead > tc.items {
			t.Errorf("%v: %d items, %d requests %v, %d items read (want ≤ %d, ≤ %d)", tc.q, len(page.Items), m.Requests, m.ByOperation, m.ItemsRead, tc.requests, tc.items)
		}
	}
}
