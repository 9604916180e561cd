package localstack_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/clientdesk/clientdesk/internal/localstack"
)

func (e *env) bulk(tok string, body map[string]any) reply {
	e.t.Helper()
	b, _ := json.Marshal(body)
	return e.do("POST", "/v1/clients/bulk", tok, string(b))
}

// By ids: one result per id, a refused one never stops the others, counts exact; the
// confirmation is checked before anything changes.
func TestBulkByIDs(t *testing.T) {
	e := start(t)
	tok := e.token("agency", "eve", "editor")
	var ids []string
	for i := range 4 {
		ids = append(ids, e.do("POST", "/v1/clients", tok, fmt.Sprintf(`{"company_name":"C%d","tags":["old"]}`, i)).json(t)["id"].(string))
	}
	e.do("POST", "/v1/clients/"+ids[1]+"/archive", tok, "")
	stranger := e.do("POST", "/v1/clients", e.token("other", "olga", "editor"), `{"company_name":"Not yours"}`).json(t)["id"].(string)

	if r := e.bulk(tok, map[string]any{"action": "archive", "ids": ids, "confirm": 3}); r.status != 409 || r.json(t)["code"] != "bulk_confirm_mismatch" || r.json(t)["param"] != "4" {
		t.Fatalf("confirm mismatch: %d %s", r.status, r.body)
	}
	if st := e.do("GET", "/v1/clients/stats", tok, "").json(t); st["archived"] != 1.0 {
		t.Fatalf("something changed before the confirmation: %v", st)
	}
	all := append(append([]string{}, ids...), stranger)
	r := e.bulk(tok, map[string]any{"action": "archive", "ids": all, "confirm": 5})
	if r.status != 200 {
		t.Fatalf("bulk archive: %d %s", r.status, r.body)
	}
	answer := r.json(t)
	results := map[string]string{}
	for _, res := range answer["results"].([]any) {
		res := res.(map[string]any)
		results[res["id"].(string)] = fmt.Sprint(res["result"], " ", res["code"])
	}
	if answer["done"] != 3.0 || answer["unchanged"] != 1.0 || answer["refused"] != 1.0 ||
		results[ids[1]] != "unchanged client_already_archived" || results[stranger] != "refused client_not_found" {
		t.Fatalf("results %v", answer)
	}
	if st := e.do("GET", "/v1/clients/stats", tok, "").json(t); st["archived"] != 4.0 || st["total"] != 0.0 {
		t.Errorf("stats after %v", st)
	}
	// Tags: added and removed, case ignored; the tag's list follows.
	r = e.bulk(tok, map[string]any{"action": "add_tags", "ids": ids[:2], "confirm": 2, "tags": []string{"VIP", "Old"}})
	if r.status != 200 || r.json(t)["done"] != 2.0 {
		t.Fatalf("add tags: %d %s", r.status, r.body)
	}
	if got := e.all(tok, "/v1/clients?archived=true&tag=vip", 10); len(got) != 2 {
		t.Errorf("tagged: %v", got)
	}
	for body, pointer := range map[string]string{
		`{"action":"fly","ids":["` + ids[0] + `"],"confirm":1}`:                      "/action",
		`{"action":"archive","confirm":1}`:                                           "/ids",
		`{"action":"archive","ids":["` + ids[0] + `"]}`:                              "/confirm",
		`{"action":"archive","ids":["x"],"confirm":1}`:                               "/ids/0",
		`{"action":"archive","ids":["` + ids[0] + `","` + ids[0] + `"],"confirm":2}`: "/ids/1",
		`{"action":"add_tags","ids":["` + ids[0] + `"],"confirm":1}`:                 "/tags",
		`{"action":"set_manager","ids":["` + ids[0] + `"],"confirm":1}`:              "/manager",
		`{"action":"archive","ids":["` + ids[0] + `"],"filter":{},"confirm":1}`:      "/filter",
		`{"action":"archive","filter":{"status":"nope"},"confirm":1}`:                "/filter/status",
		`{"action":"archive","ids":["` + ids[0] + `"],"confirm":1.5}`:                "/confirm",
		`{"action":"archive","ids":["` + ids[0] + `"],"confirm":1,"tags":["x"]}`:     "/tags",
	} {
		r := e.do("POST", "/v1/clients/bulk", tok, body)
		if r.status != 422 || !strings.Contains(string(r.body), `"pointer":"`+pointer+`"`) {
			t.Errorf("%s: %d %s", body, r.status, r.body)
		}
	}
	if r := e.bulk(e.token("agency", "vic", "viewer"), map[string]any{"action": "archive", "ids": ids[:1], "confirm": 1}); r.status != 403 {
		t.Errorf("viewer: %d", r.status)
	}
	if r := e.bulk(tok, map[string]any{"action": "set_manager", "ids": ids[:1], "confirm": 1, "manager": "nobody"}); r.status != 422 || r.json(t)["code"] != "unknown_staff" {
		t.Errorf("unknown manager: %d %s", r.status, r.body)
	}
	// Delete refuses what a single deletion refuses, client by client.
	e.do("PUT", "/v1/clients/"+ids[0]+"/team/eve", tok, `{"roles":["lead"]}`)
	site := e.site(tok, `{"name":"S","alias":"s"}`)
	e.assign(tok, ids[3], site, `{}`)
	r = e.bulk(tok, map[string]any{"action": "delete", "ids": ids, "confirm": 4})
	answer = r.json(t)
	if answer["done"] != 3.0 || answer["refused"] != 1.0 || !strings.Contains(string(r.body), `"code":"client_has_sites"`) {
		t.Fatalf("bulk delete: %s", r.body)
	}
	if mine := e.all(tok, "/v1/clients?manager=me&archived=true", 10); len(mine) != 0 {
		t.Errorf("a deleted client is still on eve's list: %v", mine)
	}
	// One archive alone, then three in bulk: each its event, by who asked, in one request.
	if evs := e.events(tok, "/v1/events?action=archived"); len(evs) != 4 || evs[0]["actor"].(map[string]any)["id"] != "eve" || evs[0]["request_id"] != evs[2]["request_id"] {
		t.Errorf("archive events %v", evs)
	}
}

// By filter: a job with progress, a results file and an e-mail; the confirmation is the
// filter's count; a redelivered message changes no client twice; cancellation stops it at a
// page, what it did whole.
func TestBulkJob(t *testing.T) {
	e := startExports(t)
	tok := e.exporter()
	for i := range 130 {
		tags := `["lead"]`
		if i%2 == 0 {
			tags = `["lead","even"]`
		}
		e.do("POST", "/v1/clients", tok, fmt.Sprintf(`{"company_name":"Client %03d","tags":%s}`, i, tags))
	}
	filter := map[string]any{"tag": "even"}
	if r := e.bulk(tok, map[string]any{"action": "archive", "filter": filter, "confirm": 64}); r.status != 409 || r.json(t)["param"] != "65" {
		t.Fatalf("confirm mismatch: %d %s", r.status, r.body)
	}
	r := e.bulk(tok, map[string]any{"action": "archive", "filter": filter, "confirm": 65})
	if r.status != 202 || r.json(t)["kind"] != "bulk" || r.json(t)["progress"].(map[string]any)["total"] != 65.0 {
		t.Fatalf("bulk job: %d %s", r.status, r.body)
	}
	id := r.json(t)["id"].(string)
	job := e.waitJob(tok, id)
	file, _ := job["file"].(map[string]any)
	if job["status"] != "done" || job["progress"].(map[string]any)["done"] != 65.0 || file == nil || file["rows"] != 65.0 {
		t.Fatalf("job %v", job)
	}
	_, _, rows := download(t, file["download_url"].(string))
	if len(rows) != 66 || rows[0][2] != "Result" || rows[1][2] != "done" || !strings.HasPrefix(rows[1][1], "Client ") {
		t.Fatalf("results file %v", rows[:2])
	}
	st := e.do("GET", "/v1/clients/stats", tok, "").json(t)
	if st["archived"] != 65.0 || st["total"] != 65.0 {
		t.Errorf("stats %v", st)
	}
	if mails := e.waitMails("claire@agence.example", 1); !strings.Contains(mails[0].Subject, "bulk action is done") || !strings.Contains(mails[0].Text, "65 done, 0 refused") {
		t.Errorf("notice %+v", mails[0])
	}
	evs := e.events(tok, "/v1/events?action=archived")
	if len(evs) != 65 || evs[0]["job_id"] != id {
		t.Errorf("%d archive events, first %v", len(evs), evs[0])
	}
	// The same message again: nothing changes twice (the job is done: the run does nothing).
	resp, _ := e.stack.Worker.Handle(context.Background(), events.SQSEvent{Records: []events.SQSMessage{{MessageId: "again", Body: `{"tenant":"agency-1","job_id":"` + id + `"}`}}})
	if len(resp.BatchItemFailures) != 0 || len(e.events(tok, "/v1/events?action=archived")) != 65 {
		t.Fatal("a redelivery changed clients again")
	}

	// A job cancelled while it runs stops at a page: every client is whole, the counts exact.
	r = e.bulk(tok, map[string]any{"action": "add_tags", "filter": map[string]any{"tag": "lead"}, "confirm": 65, "tags": []string{"relance"}})
	if r.status != 202 {
		t.Fatalf("second job: %d %s", r.status, r.body)
	}
	second := r.json(t)["id"].(string)
	c := e.do("POST", "/v1/jobs/"+second+"/cancel", tok, "")
	if c.status != 200 && c.status != 202 {
		t.Fatalf("cancel: %d %s", c.status, c.body)
	}
	job = e.waitJob(tok, second)
	done := int(job["progress"].(map[string]any)["done"].(float64))
	if job["status"] != "cancelled" && job["status"] != "done" {
		t.Fatalf("cancelled job %v", job)
	}
	if tagged := len(e.all(tok, "/v1/clients?tag=relance", 100)); tagged != done {
		t.Errorf("%d clients tagged, the job says %d", tagged, done)
	}
}

// A job that outlives its invocation hands over to a next one, from where it stopped.
func TestBulkJobContinues(t *testing.T) {
	// Each invocation has less time left after a page than the hand-over margin.
	e := startWithMail(t, localstack.Options{ExportRetryAfter: time.Second, BulkPageSize: 2, JobHandOver: 24 * time.Hour})
	tok := e.exporter()
	for i := range 5 {
		e.do("POST", "/v1/clients", tok, fmt.Sprintf(`{"company_name":"C%d"}`, i))
	}
	r := e.bulk(tok, map[string]any{"action": "add_tags", "filter": map[string]any{}, "confirm": 5, "tags": []string{"x"}})
	if r.status != 202 {
		t.Fatalf("job: %d %s", r.status, r.body)
	}
	id := r.json(t)["id"].(string)
	job := e.waitJob(tok, id)
	if job["status"] != "done" || job["progress"].(map[string]any)["done"] != 5.0 || len(e.all(tok, "/v1/clients?tag=x", 10)) != 5 {
		t.Fatalf("continued job %v", job)
	}
	// Three invocations of a page each, every client changed once.
	if evs := e.events(tok, "/v1/events?action=updated"); len(evs) != 5 {
		t.Fatalf("%d changes for 5 clients", len(evs))
	}
	if _, _, rows := download(t, job["file"].(map[string]any)["download_url"].(string)); len(rows) != 6 {
		t.Fatalf("results %v", rows)
	}
}

// A bulk job through the worker while a burst of creates and updates hits the same tenant,
// with the local DynamoDB cancelling transactions that meet in flight: the job archives every
// client it selected, every request succeeds, and the counts are exact afterwards.
func TestBulkJobDuringABurst(t *testing.T) {
	e := startExports(t)
	tok := e.exporter()
	var ids []string
	for i := range 160 {
		tags := `[]`
		if i < 60 {
			tags = `["salon"]`
		}
		r := e.do("POST", "/v1/clients", tok, fmt.Sprintf(`{"company_name":"Burst %03d","tags":%s}`, i, tags))
		if r.status != 201 {
			t.Fatalf("seed: %d %s", r.status, r.body)
		}
		if i >= 60 {
			ids = append(ids, r.json(t)["id"].(string))
		}
	}
	r := e.bulk(tok, map[string]any{"action": "archive", "filter": map[string]any{"tag": "salon"}, "confirm": 60})
	if r.status != 202 {
		t.Fatalf("bulk job: %d %s", r.status, r.body)
	}
	jobID := r.json(t)["id"].(string)
	var wg sync.WaitGroup
	var mu sync.Mutex
	statuses := map[int]int{}
	for i := range 200 {
		wg.Go(func() {
			var got int
			if i < 100 {
				got = e.do("POST", "/v1/clients", tok, fmt.Sprintf(`{"company_name":"Nouveau %03d"}`, i)).status
			} else {
				got = e.do("PATCH", "/v1/clients/"+ids[i-100], tok, `{"notes":"rappeler"}`, "If-Match", `"1"`).status
			}
			mu.Lock()
			statuses[got]++
			mu.Unlock()
		})
	}
	wg.Wait()
	if statuses[201] != 100 || statuses[200] != 100 {
		t.Fatalf("the burst: %v", statuses)
	}
	job := e.waitJob(tok, jobID)
	if job["status"] != "done" || job["progress"].(map[string]any)["done"] != 60.0 || job["progress"].(map[string]any)["failed"] != nil {
		t.Fatalf("job %v", job)
	}
	st := e.do("GET", "/v1/clients/stats", tok, "").json(t)
	if st["archived"] != 60.0 || st["total"] != 200.0 {
		t.Fatalf("stats %v", st)
	}
}
