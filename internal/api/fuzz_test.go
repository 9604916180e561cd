package api_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/clientdesk/clientdesk/internal/domain"
)

// FuzzCreateClient: whatever body and headers a caller sends, the answer is never a 5xx and
// always fits the contract.
func FuzzCreateClient(f *testing.F) {
	f.Add(`{"company_name":"Acme"}`, "application/json", "fr", "")
	f.Add(`{"first_name":"Hélène","phones":["0612345678"],"address":{"country":"FR"}}`, "application/json; charset=utf-8", "en", "k1")
	f.Add(`{"custom_fields":{"a":[1]},"tags":[null]}`, "application/json", "", "")
	f.Add(`{"email":"a@b.c","social_links":{"x":"https://x"}}`, "text/json", "de", " ")
	f.Add(`{`, "application/json", "*", "k\x00")
	f.Add(`null`, "", "fr-CA;q=2", "")
	h := newHarness(f)
	f.Fuzz(func(t *testing.T, body, contentType, lang, key string) {
		h.t = t
		ev := withHeader(withHeader(withHeader(withBody(event(t, "create-client"), body), "content-type", contentType),
			"accept-language", lang), "idempotency-key", key)
		if resp := h.call(ev); resp.StatusCode >= 500 {
			t.Fatalf("%d for body %q: %s", resp.StatusCode, body, resp.Body)
		}
	})
}

// FuzzListClients: no query string makes the list answer a 5xx, and every answer fits the
// contract; a 400 always names the parameter at fault.
func FuzzListClients(f *testing.F) {
	f.Add("helene duf", "prospect,invited", "false", "vip", "2026-01-01", "2027-01-01T00:00:00Z", "-created_at", "first_name,status", "25", "")
	f.Add("0612", "", "true", "", "", "", "name", "", "1", "e30")
	f.Add("", "lead", "maybe", "", "yesterday", "", "email", "password", "0", "!!!")
	f.Add("é\x00\xff", ",", "", " ", "9999-12-31", "2000-01-01", "-name", ",,", "100", "eyJ2IjoyLCJmIjoiIiwicCI6eyJQSyI6IngifX0")
	f.Add("+33 6", "suspended", "false", "Île", "", "", "created_at", "custom_fields", "3", "")
	h := newHarness(f)
	h.create("agency-1", `{"first_name":"Hélène","last_name":"Dufour","tags":["vip"],"phones":["+33612345678"]}`)
	h.create("agency-1", `{"company_name":"Acme"}`)
	f.Fuzz(func(t *testing.T, q, status, archived, tag, after, before, sort, fields, limit, cursor string) {
		h.t = t
		params := map[string]string{}
		for k, v := range map[string]string{"q": q, "status": status, "archived": archived, "tag": tag, "created_after": after,
			"created_before": before, "sort": sort, "fields": fields, "limit": limit, "cursor": cursor} {
			if v != "" {
				params[k] = v
			}
		}
		resp := h.call(withQuery(event(t, "list-clients"), params))
		if resp.StatusCode >= 500 {
			t.Fatalf("%d for %v: %s", resp.StatusCode, params, resp.Body)
		}
		if resp.StatusCode == 400 {
			if p := decode[problem](t, resp); p.Param == "" {
				t.Fatalf("400 without the parameter named: %s", resp.Body)
			}
		}
	})
}

// forgeCursor builds a cursor as anyone can: the fingerprint is no secret, so a caller can
// pair any position with a real query. Only the position's own checks stand in the way.
func forgeCursor(tenant string, f domain.ClientFilter, pos map[string]string) string {
	sum := sha256.Sum256([]byte(tenant + "\n" + f.Selection()))
	b, _ := json.Marshal(map[string]any{"v": 2, "f": hex.EncodeToString(sum[:8]), "p": pos})
	return base64.RawURLEncoding.EncodeToString(b)
}

// FuzzForgedCursor: a cursor with a valid fingerprint and any position is either a page of
// the caller's own list or a 400 naming the cursor; DynamoDB would answer a position outside
// the Query's key condition with an error, so it must never get one (never a 5xx).
func FuzzForgedCursor(f *testing.F) {
	f.Add("dufour", "", "", uint8(0), "T#agency-1#W", "zzz#019a9b6c-3f2e-7d41-9a2e-0123456789ab", "", "")
	f.Add("", "", "2026-01-01", uint8(1), "T#agency-1#C#x", "C", "T#agency-1#CL#A0", "0000")
	f.Add("", "name", "", uint8(1), "T#agency-2#C#x", "C", "T#agency-1#CL#A0", "dufour#x")
	f.Add("", "", "", uint8(2), "T#agency-1#CL#A0#TAG#vip", "019a", "", "")
	f.Add("h", "", "", uint8(0), "T#agency-1#W", strings.Repeat("h", 1500), "", "")
	h := newHarness(f)
	h.create("agency-1", `{"first_name":"Hélène","last_name":"Dufour","tags":["vip"]}`)
	f.Fuzz(func(t *testing.T, q, sort, after string, shape uint8, pk, sk, gpk, gsk string) {
		h.t = t
		params := map[string]string{}
		filter := domain.ClientFilter{Query: q, Sort: domain.Sort(sort)}
		if q != "" {
			params["q"] = q
		}
		if sort != "" {
			params["sort"] = sort
		}
		if after != "" {
			at, err := time.Parse(time.DateOnly, after)
			if err != nil {
				return
			}
			params["created_after"], filter.CreatedAfter = after, at
		}
		if shape%3 == 2 {
			params["tag"], filter.Tag = "vip", "vip"
		}
		if filter.Check() != nil {
			return
		}
		pos := map[string]string{"PK": pk, "SK": sk}
		if shape%3 == 1 {
			pos["GSI1PK"], pos["GSI2SK"], pos["GSI1SK"], pos["GSI3SK"] = gpk, gsk, gsk, gsk
		}
		params["cursor"] = forgeCursor("agency-1", filter, pos)
		resp := h.call(withQuery(event(t, "list-clients"), params))
		if resp.StatusCode >= 500 {
			t.Fatalf("%d for %v %v: %s", resp.StatusCode, params, pos, resp.Body)
		}
		if resp.StatusCode == 400 {
			if p := decode[problem](t, resp); p.Param == "" {
				t.Fatalf("400 without the parameter named: %s", resp.Body)
			}
		}
	})
}

// The forged cursors that reached DynamoDB before: a valid fingerprint and a position outside
// the search's prefix, another tenant's item, a key too long for DynamoDB.
func TestForgedCursors(t *testing.T) {
	h := newHarness(t)
	h.create("agency-1", `{"first_name":"Hélène","last_name":"Dufour"}`)
	search := domain.ClientFilter{Query: "dufour"}
	newest := domain.ClientFilter{}
	for name, tc := range map[string]struct {
		filter domain.ClientFilter
		params map[string]string
		pos    map[string]string
	}{
		"outside the search prefix": {search, map[string]string{"q": "dufour"}, map[string]string{"PK": "T#agency-1#W", "SK": "zzz#x"}},
		"another partition":         {search, map[string]string{"q": "dufour"}, map[string]string{"PK": "T#agency-1#STATS", "SK": "dufour#x"}},
		"another tenant's item":     {newest, nil, map[string]string{"PK": "T#agency-2#C#x", "SK": "C", "GSI1PK": "T#agency-1#CL#A0", "GSI1SK": "x"}},
		"missing the table's keys":  {newest, nil, map[string]string{"GSI1PK": "T#agency-1#CL#A0", "GSI1SK": "x"}},
		"a sort key past 1024 bytes": {search, map[string]string{"q": "dufour"}, map[string]string{"PK": "T#agency-1#W",
			"SK": "dufour" + strings.Repeat("x", 1100)}},
	} {
		t.Run(name, func(t *testing.T) {
			tc.filter.Check()
			params := map[string]string{"cursor": forgeCursor("agency-1", tc.filter, tc.pos)}
			for k, v := range tc.params {
				params[k] = v
			}
			resp := h.call(withQuery(event(t, "list-clients"), params))
			if p := decode[problem](t, resp); resp.StatusCode != 400 || p.Code != "invalid_cursor" || p.Param != "cursor" {
				t.Fatalf("%d %s", resp.StatusCode, resp.Body)
			}
		})
	}
}

// jobQueue records the jobs a handler queues.
type jobQueue struct{ sent atomic.Int64 }

func (q *jobQueue) SendJob(context.Context, string, string) error { q.sent.Add(1); return nil }

// A mapping body, an If-Match and a language from anyone: never a 5xx; a mapping accepted
// queues its check.
func FuzzImportMapping(f *testing.F) {
	f.Add(`{"mode":"create_or_update","match":"email","default_country":"FR","columns":[{"index":0,"target":"first_name"}]}`, `"1"`, "fr")
	f.Add(`{"columns":[{"index":-1},{"index":2,"target":"custom_fields.x"},{"index":1,"target":"full_name"},{"index":0,"target":"first_name"}]}`, "*", "en")
	f.Add(`{"columns":[null,1,{"index":"0"},{"target":"email"}],"mode":7}`, "", "")
	f.Add(`{"columns":{"index":0}}`, `W/"1", "x"`, "fr")
	f.Add(`{"default_country":"eu","match":"","mode":"update"}`, `"`, "de")
	f.Add(`{"columns":[{"index":99999999999999999999}]}`, `"2"`, "fr")
	h := newHarness(f)
	queue := &jobQueue{}
	h.api.ImportQueue, h.api.MaxRunningJobs = queue, 1<<30
	ev := event(f, "update-import-mapping")
	id := strings.TrimSuffix(strings.TrimPrefix(ev.RawPath, "/v1/imports/"), "/mapping")
	im := &domain.Import{ID: id, FileName: "clients.csv", Format: "csv", Size: 10, Status: domain.ImportChecked, Version: 1,
		CreatedAt: domain.At(clock), UpdatedAt: domain.At(clock),
		Columns: []domain.ImportColumn{{Index: 0, Header: "Prénom"}, {Index: 1, Header: "E-mail"}, {Index: 2, Header: "Nom"}}}
	if err := h.api.Imports.CreateImport(context.Background(), "agency-1", im, nil); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body, ifMatch, lang string) {
		h.t = t
		before := queue.sent.Load()
		resp := h.call(withHeader(withHeader(withBody(ev, body), "if-match", ifMatch), "accept-language", lang))
		if resp.StatusCode >= 500 {
			t.Fatalf("%s (If-Match %q): %d %s", body, ifMatch, resp.StatusCode, resp.Body)
		}
		if queued := queue.sent.Load() - before; (resp.StatusCode == 202) != (queued == 1) {
			t.Fatalf("%s: %d and %d checks queued", body, resp.StatusCode, queued)
		}
	})
}
