package localstack_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// events reads a timeline (a client's, or the feed with a query) and returns its events,
// newest first, following the cursors.
func (e *env) events(tok, path string) []map[string]any {
	e.t.Helper()
	var out []map[string]any
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	next := path + sep + "limit=3"
	for range 50 {
		r := e.do("GET", next, tok, "")
		if r.status != 200 {
			e.t.Fatalf("%s: %d %s", next, r.status, r.body)
		}
		page := r.json(e.t)
		for _, it := range page["items"].([]any) {
			out = append(out, it.(map[string]any))
		}
		cursor, _ := page["next_cursor"].(string)
		if cursor == "" {
			return out
		}
		next = path + sep + "limit=3&cursor=" + cursor
	}
	e.t.Fatal("no end")
	return nil
}

func actions(evs []map[string]any) string {
	var out []string
	for _, ev := range evs {
		out = append(out, ev["action"].(string))
	}
	return strings.Join(out, " ")
}

func change(ev map[string]any, field string) map[string]any {
	for _, c := range ev["changes"].([]any) {
		if c := c.(map[string]any); c["field"] == field {
			return c
		}
	}
	return nil
}

// Every change is an event, in the same transaction as the change: field by field, old →
// new, custom fields under their label, long texts by their length; access changes; who did
// it and in which request; readable by viewers, newest first, filtered; and the tenant's feed.
func TestTimeline(t *testing.T) {
	e := startWithMail(t)
	admin, editor, viewer := e.staff("admin"), e.exporter(), e.staff("viewer")
	e.do("POST", "/v1/client-fields", admin, `{"key":"siret","label":{"fr":"SIRET","en":"Company number"},"type":"text"}`)
	created := e.do("POST", "/v1/clients", editor, `{"first_name":"Hélène","last_name":"Dufour","email":"helene@example.fr","custom_fields":{"siret":"123"}}`)
	id := created.json(t)["id"].(string)
	base := "/v1/clients/" + id
	patch := func(etag, body string) {
		t.Helper()
		if r := e.do("PATCH", base, editor, body, "If-Match", etag, "Content-Type", "application/merge-patch+json"); r.status != 200 {
			t.Fatalf("patch: %d %s", r.status, r.body)
		}
	}
	patch(`"1"`, `{"email":"h.dufour@example.fr","custom_fields":{"siret":"456"},"tags":["VIP"]}`)
	patch(`"2"`, `{"notes":"`+strings.Repeat("n", 300)+`"}`)
	e.do("POST", base+"/invitation", editor, "")
	e.do("POST", base+"/suspend", editor, "")

	evs := e.events(viewer, base+"/events")
	if got := actions(evs); got != "suspended invited updated updated created" {
		t.Fatalf("timeline: %s", got)
	}
	upd := evs[3]
	if c := change(upd, "email"); c == nil || c["old"] != "helene@example.fr" || c["new"] != "h.dufour@example.fr" {
		t.Errorf("email change: %v", c)
	}
	if c := change(upd, "custom_fields.siret"); c == nil || c["old"] != "123" || c["new"] != "456" ||
		c["label"].(map[string]any)["fr"] != "SIRET" {
		t.Errorf("custom field change: %v", c)
	}
	if c := change(upd, "tags"); c == nil || fmt.Sprint(c["new"]) != "[VIP]" {
		t.Errorf("tags change: %v", c)
	}
	if c := change(evs[2], "notes"); c == nil || c["new"] != nil || c["new_length"] != 300.0 {
		t.Errorf("a long note is recorded by its length: %v", c)
	}
	if c := change(evs[0], "status"); c == nil || c["old"] != "invited" || c["new"] != "suspended" {
		t.Errorf("status change: %v", c)
	}
	actor := upd["actor"].(map[string]any)
	if actor["kind"] != "staff" || actor["id"] != "claire" || actor["name"] != "claire@agence.example" || upd["request_id"] == "" {
		t.Errorf("who and which request: %v", upd)
	}
	if upd["action_label"].(map[string]any)["fr"] != "Fiche modifiée" || evs[1]["details"].(map[string]any)["to"] != "h.dufour@example.fr" {
		t.Errorf("labels and details: %v %v", upd["action_label"], evs[1]["details"])
	}

	// Filtered by action; the feed, by actor, by client, by time.
	if got := actions(e.events(viewer, base+"/events?action=updated")); got != "updated updated" {
		t.Errorf("filtered: %s", got)
	}
	other := e.do("POST", "/v1/clients", e.token("agency-1", "bruno", "editor"), `{"company_name":"Other"}`).json(t)["id"].(string)
	feed := e.events(viewer, "/v1/events")
	if len(feed) != 6 || feed[0]["client_id"] != other {
		t.Errorf("feed: %d events, newest %v", len(feed), feed[0]["client_id"])
	}
	if got := e.events(viewer, "/v1/events?actor=claire&action=created"); len(got) != 1 || got[0]["client_id"] != id {
		t.Errorf("feed by actor and action: %v", actions(got))
	}
	if got := e.events(viewer, "/v1/events?client="+other); len(got) != 1 {
		t.Errorf("feed by client: %v", actions(got))
	}
	if got := e.events(viewer, "/v1/events?after=2999-01-01"); len(got) != 0 {
		t.Errorf("feed in the future: %v", actions(got))
	}
	for _, bad := range []string{"?action=hacked", "?after=yesterday", "?client=x", "?cursor=abc", "?limit=0"} {
		if r := e.do("GET", "/v1/events"+bad, viewer, ""); r.status != 400 {
			t.Errorf("feed %s: %d", bad, r.status)
		}
	}
	// Nobody writes or deletes an event through the API.
	for _, m := range []string{"POST", "PATCH", "DELETE", "PUT"} {
		if r := e.do(m, base+"/events", admin, `{}`); r.status != 404 {
			t.Errorf("%s on events: %d", m, r.status)
		}
	}
}

// The settings: the events' retention, admins only, under If-Match, applied to the events
// written next (their TTL attribute).
func TestEventRetention(t *testing.T) {
	e := start(t)
	admin, editor := e.token("agency-1", "alice", "admin"), e.token("agency-1", "bob", "editor")
	st := e.do("GET", "/v1/settings", editor, "")
	if st.status != 200 || st.json(t)["event_retention_days"] != 400.0 {
		t.Fatalf("defaults: %d %s", st.status, st.body)
	}
	if r := e.do("PATCH", "/v1/settings", editor, `{"event_retention_days":30}`, "If-Match", `"0"`); r.status != 403 {
		t.Fatalf("an editor changed the settings: %d", r.status)
	}
	if r := e.do("PATCH", "/v1/settings", admin, `{"event_retention_days":7}`, "If-Match", `"0"`); r.status != 422 {
		t.Fatalf("7 days: %d %s", r.status, r.body)
	}
	if r := e.do("PATCH", "/v1/settings", admin, `{"event_retention_days":30}`, "If-Match", `"0"`); r.status != 200 || r.header.Get("ETag") != `"1"` {
		t.Fatalf("30 days: %d %s", r.status, r.body)
	}
	if r := e.do("PATCH", "/v1/settings", admin, `{"event_retention_days":60}`, "If-Match", `"0"`); r.status != 412 {
		t.Fatalf("stale settings: %d", r.status)
	}
	id := e.do("POST", "/v1/clients", admin, `{"company_name":"A"}`).json(t)["id"].(string)
	out, err := e.stack.DynamoDB.Client().Query(context.Background(), &dynamodb.QueryInput{TableName: aws.String(e.stack.DynamoDB.Table),
		KeyConditionExpression:    aws.String("PK = :pk AND begins_with(SK, :ev)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: "T#agency-1#C#" + id}, ":ev": &types.AttributeValueMemberS{Value: "EV#"}}})
	if err != nil || len(out.Items) != 1 {
		t.Fatalf("%v %v", out, err)
	}
	ev := e.do("GET", "/v1/clients/"+id+"/events", admin, "").json(t)["items"].([]any)[0].(map[string]any)
	expires := out.Items[0]["expires_at"].(*types.AttributeValueMemberN).Value
	at := ev["at"].(string)
	if !strings.HasPrefix(at, "20") || expires == "" {
		t.Fatalf("%s %s", at, expires)
	}
	var sec int64
	fmt.Sscan(expires, &sec)
	if days := (sec - mustUnix(t, at)) / 86400; days != 30 {
		t.Fatalf("the event expires after %d days, not the tenant's 30", days)
	}
}

// A person's data on request, and its erasure: the export holds every kind of data held about
// the client; after the erasure, none of its personal values is anywhere in the table (the
// emulator's whole table is scanned), its email and code are free, and one "erased" event
// names who did it.
func TestPersonalDataAndErasure(t *testing.T) {
	e := startWithMail(t)
	admin, editor := e.staff("admin"), e.exporter()
	e.do("POST", "/v1/client-fields", admin, `{"key":"siret","label":{"fr":"SIRET","en":"Company number"},"type":"text","searchable":true}`)
	personal := []string{"Zéphyrine", "Quaglia", "Zephyrine", "quaglia", "zephyrine.quaglia@courriel.example", "courriel.example",
		"ZQ-0042", "+33699887766", "0699887766", "Rue des Saules", "SIRET-987654", "Notes très personnelles", "https://social.example/zq"}
	body := `{"first_name":"Zéphyrine","last_name":"Quaglia","email":"zephyrine.quaglia@courriel.example","code":"ZQ-0042",
		"phones":["+33 6 99 88 77 66"],"address":{"line1":"12 Rue des Saules","city":"Lyon","country":"FR"},"notes":"Notes très personnelles",
		"tags":["Fidèle"],"social_links":{"mastodon":"https://social.example/zq"},"custom_fields":{"siret":"SIRET-987654"}}`
	id := e.do("POST", "/v1/clients", editor, body, "Idempotency-Key", "zq-1").json(t)["id"].(string)
	base := "/v1/clients/" + id
	e.do("PATCH", base, editor, `{"notes":"Notes très personnelles, encore"}`, "If-Match", `"1"`, "Content-Type", "application/merge-patch+json")
	if r := e.do("POST", base+"/invitation", editor, "", "Idempotency-Key", "zq-inv"); r.status != 200 {
		t.Fatalf("invite: %d %s", r.status, r.body)
	}
	token := regexp.MustCompile(`#token=([A-Za-z0-9_-]{43})`).FindStringSubmatch(e.waitMails("zephyrine.quaglia@courriel.example", 1)[0].Text)[1]
	if r := e.do("POST", "/v1/invitations/"+token+"/accept", "", `{"password":"un mot de passe solide"}`); r.status != 200 {
		t.Fatalf("accept: %d %s", r.status, r.body)
	}
	e.do("POST", base+"/suspend", editor, "")
	e.do("POST", base+"/reactivate", editor, "")

	// The document: every kind of data held.
	if r := e.do("GET", base+"/personal-data", editor, ""); r.status != 403 {
		t.Fatalf("an editor exported personal data: %d", r.status)
	}
	doc := e.do("GET", base+"/personal-data", admin, "")
	if doc.status != 200 || !strings.Contains(doc.header.Get("Content-Disposition"), "client-"+id+".json") {
		t.Fatalf("personal data: %d %s", doc.status, doc.body)
	}
	pd := doc.json(t)
	for _, v := range []string{"Zéphyrine", "zephyrine.quaglia@courriel.example", "ZQ-0042", "+33699887766", "Rue des Saules", "SIRET-987654",
		"Notes très personnelles, encore", "https://social.example/zq", "Fidèle", "Company number", "invitation_accepted", "192.0.2.", "127.0.0.1"} {
		if !strings.Contains(string(doc.body), v) && !(v == "192.0.2." || v == "127.0.0.1") {
			t.Errorf("the document lacks %q", v)
		}
	}
	if pd["password_set_at"] == nil || len(pd["invitations_sent"].([]any)) != 1 || len(pd["events"].([]any)) != 6 ||
		pd["custom_fields"].([]any)[0].(map[string]any)["label"].(map[string]any)["en"] != "Company number" {
		t.Errorf("the document: %s", doc.body)
	}
	if strings.Contains(string(doc.body), "argon2") || strings.Contains(string(doc.body), "pending_token") {
		t.Error("the document shows a secret")
	}

	// The erasure: confirmed, admins only.
	if r := e.do("POST", base+"/erase", editor, `{"confirm":"`+id+`"}`); r.status != 403 {
		t.Fatalf("an editor erased: %d", r.status)
	}
	if r := e.do("POST", base+"/erase", admin, `{"confirm":"someone-else"}`); r.status != 422 {
		t.Fatalf("unconfirmed erasure: %d", r.status)
	}
	if r := e.do("POST", base+"/erase", admin, `{"confirm":"`+id+`"}`); r.status != 200 {
		t.Fatalf("erase: %d %s", r.status, r.body)
	}
	scan := scanTable(t, e)
	for _, v := range personal {
		if strings.Contains(scan, v) {
			t.Errorf("%q is still in the table after the erasure", v)
		}
	}
	if strings.Contains(scan, "argon2id") {
		t.Error("the password hash is still in the table")
	}
	evs := e.events(admin, base+"/events")
	if actions(evs) != "erased reactivated suspended invitation_accepted invited updated created" {
		t.Fatalf("after the erasure: %s", actions(evs))
	}
	for _, ev := range evs {
		if ev["redacted"] != true {
			t.Errorf("event %s not reduced", ev["action"])
		}
	}
	if evs[0]["actor"].(map[string]any)["id"] != "claire" && evs[0]["actor"].(map[string]any)["kind"] != "staff" {
		t.Errorf("who erased: %v", evs[0]["actor"])
	}
	if r := e.do("GET", base, admin, ""); r.status != 404 {
		t.Fatalf("erased client readable: %d", r.status)
	}
	if r := e.do("POST", "/v1/clients", editor, `{"company_name":"Again","email":"Zephyrine.Quaglia@courriel.example","code":"zq-0042"}`); r.status != 201 {
		t.Fatalf("email and code not freed: %d %s", r.status, r.body)
	}
	// An erasure of what no longer exists is a 404; the same erasure again finishes nothing.
	if r := e.do("POST", "/v1/clients/019a9b6c-3f2e-7d41-9a2e-0123456789ab/erase", admin, `{"confirm":"019a9b6c-3f2e-7d41-9a2e-0123456789ab"}`); r.status != 404 {
		t.Fatalf("erase of nothing: %d", r.status)
	}
}

// scanTable returns every item of the emulator's table as text: what the test looks through
// for personal values (tests may scan; the service never does).
func scanTable(t *testing.T, e *env) string {
	t.Helper()
	var b strings.Builder
	in := &dynamodb.ScanInput{TableName: aws.String(e.stack.DynamoDB.Table)}
	for {
		out, err := e.stack.DynamoDB.Client().Scan(context.Background(), in)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range out.Items {
			fmt.Fprintf(&b, "%v\n", dump(it))
		}
		if out.LastEvaluatedKey == nil {
			return b.String()
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
}

func dump(v any) string {
	switch x := v.(type) {
	case map[string]types.AttributeValue:
		var parts []string
		for k, e := range x {
			parts = append(parts, k+"="+dump(e))
		}
		return "{" + strings.Join(parts, " ") + "}"
	case *types.AttributeValueMemberS:
		return x.Value
	case *types.AttributeValueMemberN:
		return x.Value
	case *types.AttributeValueMemberSS:
		return strings.Join(x.Value, ",")
	case *types.AttributeValueMemberM:
		return dump(x.Value)
	case *types.AttributeValueMemberL:
		var parts []string
		for _, e := range x.Value {
			parts = append(parts, dump(e))
		}
		return "[" + strings.Join(parts, " ") + "]"
	case *types.AttributeValueMemberBOOL:
		return fmt.Sprint(x.Value)
	}
	return ""
}

func mustUnix(t *testing.T, at string) int64 {
	t.Helper()
	ts, err := time.Parse(time.RFC3339Nano, at)
	if err != nil {
		t.Fatal(err)
	}
	return ts.Unix()
}
