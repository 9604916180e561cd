package localstack_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/clientdesk/clientdesk/internal/domain"
)

// waitJob polls a job until it reaches a final state and returns it.
func (e *env) waitJob(tok, id string) map[string]any {
	e.t.Helper()
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		job := e.do("GET", "/v1/jobs/"+id, tok, "").json(e.t)
		if s := job["status"]; s == "done" || s == "failed" || s == "cancelled" {
			return job
		}
	}
	e.t.Fatalf("job %s never ended", id)
	return nil
}

// Every kind of job is one model: an export is a job of kind export, listed and read through
// /v1/jobs with its file's link; a queued job cancelled never runs; a finished one cannot be
// cancelled; another tenant sees none of it.
func TestJobsEndToEnd(t *testing.T) {
	e := startExports(t)
	tok := e.exporter()
	e.do("POST", "/v1/clients", tok, `{"company_name":"Acme"}`)
	exp := e.do("POST", "/v1/exports", tok, `{"columns":["id"],"locale":"en"}`).json(t)["id"].(string)
	job := e.waitJob(tok, exp)
	file, _ := job["file"].(map[string]any)
	if job["kind"] != "export" || job["status"] != "done" || file["rows"] != 1.0 || !strings.HasPrefix(file["download_url"].(string), "http") ||
		job["progress"].(map[string]any)["done"] != 1.0 || job["params"].(map[string]any)["columns"] == nil {
		t.Fatalf("export as a job: %v", job)
	}
	if _, _, rows := download(t, file["download_url"].(string)); len(rows) != 2 {
		t.Fatalf("file rows %v", rows)
	}
	if r := e.do("POST", "/v1/jobs/"+exp+"/cancel", tok, ""); r.status != 409 || r.json(t)["code"] != "job_finished" {
		t.Fatalf("cancel a finished job: %d %s", r.status, r.body)
	}
	// A queued job, never sent: cancelled at once, and its slot freed.
	held := &domain.Job{ID: uuid.Must(uuid.NewV7()).String(), Kind: domain.JobExport, Status: domain.JobQueued, Locale: "fr",
		CreatedAt: domain.At(time.Now()), Filter: &domain.ClientFilter{}}
	if err := e.stack.Store.CreateJob(context.Background(), "agency-1", held, 3, nil); err != nil {
		t.Fatal(err)
	}
	if r := e.do("POST", "/v1/jobs/"+held.ID+"/cancel", e.staff("viewer"), ""); r.status != 403 {
		t.Fatalf("a viewer cancelled: %d", r.status)
	}
	c := e.do("POST", "/v1/jobs/"+held.ID+"/cancel", tok, "")
	if c.status != 200 || c.json(t)["status"] != "cancelled" {
		t.Fatalf("cancel queued: %d %s", c.status, c.body)
	}
	if n, _ := e.stack.Store.RunningJobs(context.Background(), "agency-1"); n != 0 {
		t.Fatalf("%d jobs counted as unfinished", n)
	}
	// The cancelled export shows as such in /v1/exports too.
	if got := e.do("GET", "/v1/exports/"+held.ID, tok, "").json(t); got["status"] != "cancelled" {
		t.Fatalf("cancelled export %v", got)
	}
	list := e.all(tok, "/v1/jobs", 1)
	if len(list) != 2 || list[0]["id"] != held.ID {
		t.Fatalf("jobs %v", list)
	}
	if got := e.all(tok, "/v1/jobs?kind=bulk", 10); len(got) != 0 {
		t.Fatalf("bulk jobs %v", got)
	}
	for _, q := range []string{"?kind=zip", "?limit=0", "?cursor=xyz"} {
		if r := e.do("GET", "/v1/jobs"+q, tok, ""); r.status != 400 {
			t.Errorf("%s: %d", q, r.status)
		}
	}
	other := e.token("agency-2", "mallory", "admin")
	if got := e.all(other, "/v1/jobs", 10); len(got) != 0 {
		t.Errorf("another tenant lists %v", got)
	}
	for _, path := range []string{"/v1/jobs/" + exp, "/v1/exports/" + exp} {
		if r := e.do("GET", path, other, ""); r.status != 404 {
			t.Errorf("another tenant reads %s: %d", path, r.status)
		}
	}
	if r := e.do("GET", "/v1/exports/"+uuid.Must(uuid.NewV7()).String(), tok, ""); r.status != 404 || r.json(t)["code"] != "export_not_found" {
		t.Errorf("unknown export: %d %s", r.status, r.body)
	}
}
