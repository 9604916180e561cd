package localstack_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/clientdesk/clientdesk/internal/domain"
	"github.com/clientdesk/clientdesk/internal/imports"
)

// waitStatus waits for an import to leave status from and returns it.
func (e *env) waitStatus(tok, id, from string) (map[string]any, string) {
	e.t.Helper()
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		r := e.do("GET", "/v1/imports/"+id, tok, "")
		if im := r.json(e.t); im["status"] != from {
			return im, r.header.Get("ETag")
		}
	}
	e.t.Fatalf("import %s stayed %s", id, from)
	return nil, ""
}

// A commit writes what the check found good, as the API writes clients: a create and an
// update each with its event naming the import and its job, the counts, the search; rows in
// error skipped and listed; If-Match required and checked; no new mapping once committed;
// the requester told by mail.
func TestImportCommit(t *testing.T) {
	e := startExports(t)
	tok := e.exporter()
	jean := e.do("POST", "/v1/clients", tok, `{"first_name":"Jean","last_name":"Dupont","email":"jean@exemple.fr","code":"C-1"}`).json(t)["id"].(string)
	file := winLatin1(strings.Join([]string{
		"Prénom;Nom;E-mail;Téléphone;Code client;Ville;Étiquettes",
		"Hélène;Martin;helene@exemple.fr;06 12 34 56 78;C-10;Lyon;VIP",
		"Jean;Dupont;jean@exemple.fr;;;Paris;",
		";;pas-un-email;;;;",
		";;;;;;",
		"Zoé;Œuvre;zoe@exemple.fr;;C-11;Nîmes;VIP",
	}, "\r\n") + "\r\n")
	id := e.upload(tok, "clients.csv", file)["id"].(string)
	e.do("PUT", "/v1/imports/"+id+"/mapping", tok, `{"mode":"create_or_update","match":"email"}`, "Accept-Language", "fr")
	checked, etag := e.waitStatus(tok, id, "checking")
	if rep := checked["report"].(map[string]any); rep["to_create"] != 2.0 || rep["to_update"] != 1.0 || rep["in_error"] != 1.0 {
		t.Fatalf("report %v", rep)
	}
	if r := e.do("POST", "/v1/imports/"+id+"/commit", tok, ""); r.status != 428 {
		t.Fatalf("commit without If-Match: %d %s", r.status, r.body)
	}
	if r := e.do("POST", "/v1/imports/"+id+"/commit", tok, "", "If-Match", `"1"`); r.status != 412 {
		t.Fatalf("commit of an older version: %d %s", r.status, r.body)
	}
	r := e.do("POST", "/v1/imports/"+id+"/commit", tok, "", "If-Match", etag, "Accept-Language", "fr")
	if r.status != 202 || r.json(t)["status"] != "committing" {
		t.Fatalf("commit: %d %s", r.status, r.body)
	}
	if m := e.do("PUT", "/v1/imports/"+id+"/mapping", tok, `{}`); m.status != 409 || m.json(t)["code"] != "import_committed" {
		t.Fatalf("a mapping while committing: %d %s", m.status, m.body)
	}
	done, _ := e.waitStatus(tok, id, "committing")
	res, _ := done["result"].(map[string]any)
	if done["status"] != "committed" || res["rows"] != 5.0 || res["created"] != 2.0 || res["updated"] != 1.0 || res["in_error"] != 1.0 || res["blank"] != 1.0 {
		t.Fatalf("committed: %v", done)
	}
	if r := e.do("POST", "/v1/imports/"+id+"/commit", tok, "", "If-Match", "*"); r.status != 409 || r.json(t)["code"] != "import_committed" {
		t.Fatalf("a second commit: %d %s", r.status, r.body)
	}
	// The clients as the API shows them: found by search, counted, Jean's city set.
	found := e.do("GET", "/v1/clients?q=helene", tok, "").json(t)["items"].([]any)
	if len(found) != 1 {
		t.Fatalf("search: %v", found)
	}
	helene := found[0].(map[string]any)["id"].(string)
	if stats := e.do("GET", "/v1/clients/stats", tok, "").json(t); fmt.Sprint(stats["total"]) != "3" {
		t.Errorf("stats %v", stats)
	}
	if c := e.do("GET", "/v1/clients/"+jean, tok, "").json(t); c["address"].(map[string]any)["city"] != "Paris" || c["version"] != 2.0 {
		t.Errorf("Jean %v", c)
	}
	for client, action := range map[string]string{helene: "created", jean: "updated"} {
		items := e.do("GET", "/v1/clients/"+client+"/events", tok, "").json(t)["items"].([]any)
		ev := items[0].(map[string]any)
		if ev["action"] != action || ev["import_id"] != id || ev["job_id"] != done["job_id"] {
			t.Errorf("%s's event %v", client, ev)
		}
	}
	// The row in error, listed under the commit.
	errs := e.do("GET", "/v1/imports/"+id+"/errors", tok, "").json(t)["items"].([]any)
	for _, x := range errs {
		if x.(map[string]any)["row"] != 4.0 {
			t.Errorf("errors %v", errs)
		}
	}
	if len(errs) != 2 {
		t.Errorf("errors %v", errs)
	}
	mails := e.waitMails("claire@agence.example", 1)
	if !strings.Contains(mails[0].Subject, "import") {
		t.Errorf("mail %q", mails[0].Subject)
	}
}

// crashing is a writer that fails once, after a number of rows, as a worker that dies midway
// through a batch: the writes before it stand, the batch's progress is never recorded.
type crashing struct {
	imports.Writer
	after   int64
	written atomic.Int64
	crashed atomic.Bool
}

var errCrash = errors.New("worker killed")

func (c *crashing) CreateImported(ctx context.Context, tenant string, job *domain.Job, id string, f domain.Fields, defs domain.Definitions, v int64) error {
	if c.written.Add(1) > c.after && c.crashed.CompareAndSwap(false, true) {
		return errCrash
	}
	return c.Writer.CreateImported(ctx, tenant, job, id, f, defs, v)
}

func (c *crashing) UpdateImported(ctx context.Context, tenant string, job *domain.Job, old *domain.Client, f domain.Fields, defs domain.Definitions) error {
	if c.written.Add(1) > c.after && c.crashed.CompareAndSwap(false, true) {
		return errCrash
	}
	return c.Writer.UpdateImported(ctx, tenant, job, old, f, defs)
}

// clientsToUpdate creates n clients by the API (last names <prefix>000…, e-mails
// <prefix>0@exemple.fr…) and returns the rows of a file (first name, last name, e-mail,
// city) that give each of them a city.
func (e *env) clientsToUpdate(tok, prefix string, n int) string {
	e.t.Helper()
	var b strings.Builder
	for i := range n {
		last, email := fmt.Sprintf("%s%03d", prefix, i), fmt.Sprintf("%s%d@exemple.fr", strings.ToLower(prefix), i)
		if r := e.do("POST", "/v1/clients", tok, `{"first_name":"Client","last_name":"`+last+`","email":"`+email+`"}`); r.status != 201 {
			e.t.Fatalf("create: %d %s", r.status, r.body)
		}
		fmt.Fprintf(&b, "Client;%s;%s;Lyon\r\n", last, email)
	}
	return b.String()
}

// A commit of updates killed halfway through its second batch and delivered again counts each
// update once, as an update: the rows the dead run wrote find their clients as they want
// them, at the version the run's records say it gave them; none is counted unchanged, none
// written twice.
func TestImportCommitCountsUpdatesOnceAcrossACrash(t *testing.T) {
	e := startExports(t)
	tok := e.exporter()
	const n = 60 // a batch of 50, then 10: the crash comes after 5 of those
	id := e.upload(tok, "clients.csv", "Prénom;Nom;E-mail;Ville\r\n"+e.clientsToUpdate(tok, "N", n))["id"].(string)
	e.do("PUT", "/v1/imports/"+id+"/mapping", tok, `{"mode":"update"}`)
	checked, etag := e.waitStatus(tok, id, "checking")
	if rep := checked["report"].(map[string]any); rep["to_update"] != float64(n) {
		t.Fatalf("report %v", rep)
	}
	commit := e.stack.ImportWorker.Runners[domain.JobImport].(*imports.Phases).Commit
	crash := &crashing{Writer: commit.Writer, after: 55}
	commit.Writer = crash
	if r := e.do("POST", "/v1/imports/"+id+"/commit", tok, "", "If-Match", etag); r.status != 202 {
		t.Fatalf("commit: %d %s", r.status, r.body)
	}
	done, _ := e.waitStatus(tok, id, "committing")
	if !crash.crashed.Load() {
		t.Fatal("the writer never crashed")
	}
	if res := done["result"].(map[string]any); done["status"] != "committed" || res["updated"] != float64(n) || res["unchanged"] != 0.0 {
		t.Fatalf("committed: %v", done)
	}
	for _, c := range e.all(tok, "/v1/clients", 100) {
		evs := e.do("GET", "/v1/clients/"+c["id"].(string)+"/events", tok, "").json(t)["items"].([]any)
		if c["version"] != 2.0 || len(evs) != 2 || c["address"].(map[string]any)["city"] != "Lyon" {
			t.Fatalf("%s: version %v, %d events, %v", c["last_name"], c["version"], len(evs), c["address"])
		}
	}
}

// A commit killed halfway through a batch and delivered again writes each row once: the
// clients the first run made are found by the ids their rows give them, the rest written by
// the second run, each client with one event, the counts exact.
func TestImportCommitSurvivesACrash(t *testing.T) {
	e := startExports(t)
	tok := e.exporter()
	const n = 300
	var b strings.Builder
	b.WriteString("Prénom;Nom;E-mail\r\n")
	for i := range n {
		fmt.Fprintf(&b, "Client;N%03d;c%d@exemple.fr\r\n", i, i)
	}
	id := e.upload(tok, "clients.csv", b.String())["id"].(string)
	e.do("PUT", "/v1/imports/"+id+"/mapping", tok, `{}`)
	_, etag := e.waitStatus(tok, id, "checking")
	commit := e.stack.ImportWorker.Runners[domain.JobImport].(*imports.Phases).Commit
	crash := &crashing{Writer: commit.Writer, after: 130}
	commit.Writer = crash
	// The commit paces itself on the tenant's busiest key: at 10 write units a second, the
	// rows it writes (1 unit each) are owed far more time than they take, and it waits.
	var mu sync.Mutex
	var longest time.Duration
	commit.HotUnitsPerSecond, commit.Sleep = 10, func(d time.Duration) {
		mu.Lock()
		longest = max(longest, d)
		mu.Unlock()
	}
	defer func() { commit.HotUnitsPerSecond, commit.Sleep = 0, nil }()
	if r := e.do("POST", "/v1/imports/"+id+"/commit", tok, "", "If-Match", etag); r.status != 202 {
		t.Fatalf("commit: %d %s", r.status, r.body)
	}
	done, _ := e.waitStatus(tok, id, "committing")
	if !crash.crashed.Load() {
		t.Fatal("the writer never crashed")
	}
	mu.Lock()
	if longest < 5*time.Second { // 130 rows or more a run, owed 13 s or more
		t.Errorf("the commit waited %v at most, at 10 units a second", longest)
	}
	mu.Unlock()
	if res := done["result"].(map[string]any); done["status"] != "committed" || res["created"] != float64(n) || res["rows"] != float64(n) {
		t.Fatalf("committed: %v", done)
	}
	// The job's progress went to 100 % of the rows the check counted.
	job := e.waitJob(tok, done["job_id"].(string))
	if p := job["progress"].(map[string]any); p["done"] != float64(n) || p["total"] != float64(n) || job["status"] != "done" {
		t.Fatalf("job %v", job)
	}
	if stats := e.do("GET", "/v1/clients/stats", tok, "").json(t); fmt.Sprint(stats["total"]) != fmt.Sprint(n) {
		t.Fatalf("stats %v", stats)
	}
	seen := map[string]bool{}
	for _, c := range e.all(tok, "/v1/clients", 100) {
		name := c["last_name"].(string)
		if seen[name] {
			t.Fatalf("%s twice", name)
		}
		seen[name] = true
		if evs := e.do("GET", "/v1/clients/"+c["id"].(string)+"/events", tok, "").json(t)["items"].([]any); len(evs) != 1 {
			t.Fatalf("%s has %d events", name, len(evs))
		}
	}
	if len(seen) != n {
		t.Fatalf("%d clients", len(seen))
	}
}

// A revert undoes what the commit wrote, and only that: the clients it created deleted, the
// client it updated given back its fields, a client changed since left as it is and listed;
// each change an event naming the import; the counts back.
func TestImportRevert(t *testing.T) {
	e := startExports(t)
	tok := e.exporter()
	jean := e.do("POST", "/v1/clients", tok, `{"first_name":"Jean","last_name":"Dupont","email":"jean@exemple.fr","notes":"fidèle"}`).json(t)["id"].(string)
	file := "Prénom;Nom;E-mail;Ville;Notes\r\nHélène;Martin;helene@exemple.fr;Lyon;\r\nJean;Dupond;jean@exemple.fr;Paris;très fidèle\r\nZoé;Durand;zoe@exemple.fr;Nîmes;\r\n"
	id := e.upload(tok, "clients.csv", file)["id"].(string)
	e.do("PUT", "/v1/imports/"+id+"/mapping", tok, `{"mode":"create_or_update"}`)
	_, etag := e.waitStatus(tok, id, "checking")
	if r := e.do("POST", "/v1/imports/"+id+"/revert", tok, "", "If-Match", etag); r.status != 409 || r.json(t)["code"] != "import_not_committed" {
		t.Fatalf("revert before a commit: %d %s", r.status, r.body)
	}
	e.do("POST", "/v1/imports/"+id+"/commit", tok, "", "If-Match", etag)
	_, etag = e.waitStatus(tok, id, "committing")
	// Zoé changes after the import: she stays.
	zoe := e.do("GET", "/v1/clients?q=zoe", tok, "").json(t)["items"].([]any)[0].(map[string]any)["id"].(string)
	if r := e.do("PATCH", "/v1/clients/"+zoe, tok, `{"notes":"appelée"}`, "If-Match", `"1"`, "Content-Type", "application/merge-patch+json"); r.status != 200 {
		t.Fatalf("patch: %d %s", r.status, r.body)
	}
	if r := e.do("POST", "/v1/imports/"+id+"/revert", tok, ""); r.status != 428 {
		t.Fatalf("revert without If-Match: %d", r.status)
	}
	if r := e.do("POST", "/v1/imports/"+id+"/revert", tok, "", "If-Match", etag, "Accept-Language", "fr"); r.status != 202 || r.json(t)["status"] != "reverting" {
		t.Fatalf("revert: %d %s", r.status, r.body)
	}
	done, _ := e.waitStatus(tok, id, "reverting")
	rev, _ := done["reverted"].(map[string]any)
	if done["status"] != "reverted" || rev["deleted"] != 1.0 || rev["restored"] != 1.0 || rev["changed_since"] != 1.0 {
		t.Fatalf("reverted: %v", done)
	}
	if r := e.do("GET", "/v1/clients?q=helene", tok, "").json(t)["items"].([]any); len(r) != 0 {
		t.Errorf("Hélène still there: %v", r)
	}
	c := e.do("GET", "/v1/clients/"+jean, tok, "").json(t)
	if c["last_name"] != "Dupont" || c["notes"] != "fidèle" || c["address"] != nil || c["version"] != 3.0 {
		t.Errorf("Jean not restored: %v", c)
	}
	if c := e.do("GET", "/v1/clients/"+zoe, tok, "").json(t); c["notes"] != "appelée" {
		t.Errorf("Zoé overwritten: %v", c)
	}
	if stats := e.do("GET", "/v1/clients/stats", tok, "").json(t); fmt.Sprint(stats["total"]) != "2" {
		t.Errorf("stats %v", stats)
	}
	ev := e.do("GET", "/v1/clients/"+jean+"/events", tok, "").json(t)["items"].([]any)[0].(map[string]any)
	if ev["action"] != "updated" || ev["import_id"] != id {
		t.Errorf("Jean's last event %v", ev)
	}
	errs := e.do("GET", "/v1/imports/"+id+"/errors", tok, "", "Accept-Language", "fr").json(t)["items"].([]any)
	if len(errs) != 1 || errs[0].(map[string]any)["code"] != "changed_since" || errs[0].(map[string]any)["row"] != 4.0 {
		t.Errorf("listed %v", errs)
	}
	if r := e.do("POST", "/v1/imports/"+id+"/revert", tok, "", "If-Match", "*"); r.status != 409 {
		t.Errorf("a second revert: %d", r.status)
	}
}

// stopping is a reverter that dies once at one undo, as a worker killed midway through a
// page, and asks for the job's cancellation at another, as its requester would.
type stopping struct {
	imports.Reverter
	calls             atomic.Int64
	crashAt, cancelAt int64
	crashed           atomic.Bool
	cancel            func(jobID string)
}

func (s *stopping) step(job *domain.Job) error {
	n := s.calls.Add(1)
	if n == s.crashAt && s.crashed.CompareAndSwap(false, true) {
		return errCrash
	}
	if n == s.cancelAt {
		s.cancel(job.ID)
	}
	return nil
}

func (s *stopping) DeleteImported(ctx context.Context, tenant string, job *domain.Job, c *domain.Client) error {
	if err := s.step(job); err != nil {
		return err
	}
	return s.Reverter.DeleteImported(ctx, tenant, job, c)
}

func (s *stopping) UpdateImported(ctx context.Context, tenant string, job *domain.Job, old *domain.Client, f domain.Fields, defs domain.Definitions) error {
	if err := s.step(job); err != nil {
		return err
	}
	return s.Reverter.UpdateImported(ctx, tenant, job, old, f, defs)
}

// A revert killed midway through a page and delivered again, then cancelled, then started
// again, undoes each write once and counts it once: the clients the dead run gave back their
// fields are found so (restored, not "changed since"), those it deleted are found deleted by
// the import (their deletion's event names it: deleted, not untouched), and the second revert
// takes up where the cancelled one stopped, with its counts. 60 updates then 60 creations:
// pages of 50 writes.
func TestImportRevertTakesUpWhereItStopped(t *testing.T) {
	e := startExports(t)
	tok := e.exporter()
	const n = 60
	var b strings.Builder
	b.WriteString("Prénom;Nom;E-mail;Ville\r\n" + e.clientsToUpdate(tok, "U", n))
	for i := range n {
		fmt.Fprintf(&b, "Client;N%03d;n%d@exemple.fr;Nîmes\r\n", i, i)
	}
	id := e.upload(tok, "clients.csv", b.String())["id"].(string)
	e.do("PUT", "/v1/imports/"+id+"/mapping", tok, `{"mode":"create_or_update"}`)
	_, etag := e.waitStatus(tok, id, "checking")
	e.do("POST", "/v1/imports/"+id+"/commit", tok, "", "If-Match", etag)
	committed, etag := e.waitStatus(tok, id, "committing")
	if res := committed["result"].(map[string]any); res["updated"] != float64(n) || res["created"] != float64(n) {
		t.Fatalf("committed: %v", committed)
	}

	revert := e.stack.ImportWorker.Runners[domain.JobImport].(*imports.Phases).Revert
	// The 65th undo (the 15th of the second page: rows 51–60 restored and 61–64 deleted
	// before it) dies once; the 80th, in the second page run again, asks for the
	// cancellation, which the page's end sees.
	stop := &stopping{Reverter: revert.Writer, crashAt: 65, cancelAt: 80,
		cancel: func(job string) { e.do("POST", "/v1/jobs/"+job+"/cancel", tok, "") }}
	revert.Writer = stop
	if r := e.do("POST", "/v1/imports/"+id+"/revert", tok, "", "If-Match", etag); r.status != 202 {
		t.Fatalf("revert: %d %s", r.status, r.body)
	}
	stopped, etag := e.waitStatus(tok, id, "reverting")
	rev := stopped["reverted"].(map[string]any)
	if !stop.crashed.Load() || stopped["status"] != "cancelled" || rev["restored"] != float64(n) || rev["deleted"] != 40.0 || rev["changed_since"] != 0.0 {
		t.Fatalf("cancelled after the second page (crashed: %v): %v", stop.crashed.Load(), stopped)
	}
	if r := e.do("POST", "/v1/imports/"+id+"/revert", tok, "", "If-Match", etag); r.status != 202 {
		t.Fatalf("revert again: %d %s", r.status, r.body)
	}
	done, _ := e.waitStatus(tok, id, "reverting")
	rev = done["reverted"].(map[string]any)
	if done["status"] != "reverted" || rev["restored"] != float64(n) || rev["deleted"] != float64(n) || rev["untouched"] != 0.0 || rev["changed_since"] != 0.0 {
		t.Fatalf("reverted: %v", done)
	}
	clients := e.all(tok, "/v1/clients", 100)
	if len(clients) != n {
		t.Fatalf("%d clients left", len(clients))
	}
	for _, c := range clients {
		if c["address"] != nil || c["version"] != 3.0 {
			t.Fatalf("%s not given back its fields: %v", c["last_name"], c)
		}
	}
	if errs := e.do("GET", "/v1/imports/"+id+"/errors", tok, "").json(t)["items"].([]any); len(errs) != 0 {
		t.Errorf("errors listed: %v", errs)
	}
}

// A commit cancelled while its job waits in the queue (no run has taken it up) leaves its
// import checked, as it was, and can be committed again; nothing was written.
func TestImportCommitCancelledBeforeItRuns(t *testing.T) {
	e := startExports(t)
	tok := e.exporter()
	id := e.upload(tok, "clients.csv", "Prénom;Nom\r\nHélène;Martin\r\n")["id"].(string)
	e.do("PUT", "/v1/imports/"+id+"/mapping", tok, `{}`)
	checked, _ := e.waitStatus(tok, id, "checking")
	// The commit's job as POST …/commit records it, held back from the queue.
	ctx := context.Background()
	im, err := e.stack.Store.GetImport(ctx, "agency-1", id)
	if err != nil || checked["status"] != "checked" {
		t.Fatalf("%v %v", err, checked)
	}
	job := &domain.Job{ID: uuid.Must(uuid.NewV7()).String(), Kind: domain.JobImport, Status: domain.JobQueued, Locale: "fr",
		CreatedAt: domain.At(time.Now()), Import: &domain.ImportTask{ImportID: id, Version: im.Version + 1, Phase: domain.ImportPhaseCommit}}
	next := *im
	next.Version, next.Status, next.JobID, next.Result = im.Version+1, domain.ImportCommitting, job.ID, &domain.ImportResult{}
	if err := e.stack.Store.StartImportJob(ctx, "agency-1", &next, im.Version, job, 10); err != nil {
		t.Fatal(err)
	}
	if r := e.do("POST", "/v1/jobs/"+job.ID+"/cancel", tok, ""); r.status != 200 {
		t.Fatalf("cancel: %d %s", r.status, r.body)
	}
	r := e.do("GET", "/v1/imports/"+id, tok, "")
	if got := r.json(t); got["status"] != "checked" || got["result"] != nil {
		t.Fatalf("after the cancellation: %v", got)
	}
	if c := e.do("POST", "/v1/imports/"+id+"/commit", tok, "", "If-Match", r.header.Get("ETag")); c.status != 202 {
		t.Fatalf("commit again: %d %s", c.status, c.body)
	}
	if done, _ := e.waitStatus(tok, id, "committing"); done["status"] != "committed" || done["result"].(map[string]any)["created"] != 1.0 {
		t.Fatalf("committed: %v", done)
	}
}
