package localstack_test

import (
	"context"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/google/uuid"

	"github.com/clientdesk/clientdesk/internal/domain"
	"github.com/clientdesk/clientdesk/internal/localstack"
	"github.com/clientdesk/clientdesk/internal/routes"
)

// Every function is granted exactly what its code calls: a tour of every route and worker,
// down every path that calls something else (a replayed key, a search, a tag page, a changed
// email, a resend, a failed upload), records what each function calls in AWS; the record must
// equal the route table's Uses, from which the stack grants (infra's TestGrantsEqualUses
// checks the template against the same Uses). A new call without a grant, or a grant nothing
// calls, fails here before it fails a deploy.
func TestGrantsEqualWhatTheCodeCalls(t *testing.T) {
	// Bulk jobs hand over to a next invocation after each page (the worker's requeue).
	e := startWithMail(t, localstack.Options{ExportRetryAfter: time.Second, BulkPageSize: 1, JobHandOver: 24 * time.Hour})
	admin, editor := e.staff("admin"), e.exporter()
	must := func(r reply, status int) reply {
		t.Helper()
		if r.status != status {
			t.Fatalf("%d, want %d: %s", r.status, status, r.body)
		}
		return r
	}

	// Custom fields, with a replayed create.
	field := `{"key":"siret","label":{"fr":"SIRET"},"type":"text","searchable":true}`
	must(e.do("POST", "/v1/client-fields", admin, field, "Idempotency-Key", "f-1"), 201)
	must(e.do("POST", "/v1/client-fields", admin, field, "Idempotency-Key", "f-1"), 201)
	must(e.do("POST", "/v1/client-fields", admin, `{"key":"tmp","label":{"fr":"Tmp"},"type":"number"}`), 201)
	must(e.do("PATCH", "/v1/client-fields/tmp", admin, `{"required":false}`, "If-Match", `"1"`, "Content-Type", "application/merge-patch+json"), 200)
	must(e.do("GET", "/v1/client-fields", editor, ""), 200)
	must(e.do("GET", "/v1/client-fields/siret", editor, ""), 200)
	must(e.do("DELETE", "/v1/client-fields/tmp", admin, ""), 204)

	// Clients: a create replayed, every kind of list page, an edit of notes alone (one Put) and
	// one of the email (a transaction), a delete.
	body := `{"first_name":"Hélène","last_name":"Dufour","email":"helene@example.fr","tags":["VIP"],"custom_fields":{"siret":"123"}}`
	id := must(e.do("POST", "/v1/clients", editor, body, "Idempotency-Key", "c-1"), 201).json(t)["id"].(string)
	must(e.do("POST", "/v1/clients", editor, body, "Idempotency-Key", "c-1"), 201)
	for _, q := range []string{"", "?q=dufour", "?tag=vip", "?sort=name", "?status=prospect"} {
		must(e.do("GET", "/v1/clients"+q, editor, ""), 200)
	}
	must(e.do("GET", "/v1/clients/"+id, editor, ""), 200)
	patch := func(etag, body string) {
		must(e.do("PATCH", "/v1/clients/"+id, editor, body, "If-Match", etag, "Content-Type", "application/merge-patch+json"), 200)
	}
	patch(`"1"`, `{"notes":"Prefers mornings"}`)
	patch(`"2"`, `{"email":"h.dufour@example.fr"}`)
	must(e.do("GET", "/v1/clients/stats", editor, ""), 200)
	other := must(e.do("POST", "/v1/clients", editor, `{"company_name":"Gone"}`), 201).json(t)["id"].(string)
	must(e.do("DELETE", "/v1/clients/"+other, editor, ""), 204)
	// A history too long to reduce within the request goes to the worker.
	e.stack.API.InlineRedaction = 0
	long := must(e.do("POST", "/v1/clients", editor, `{"company_name":"Long history"}`), 201).json(t)["id"].(string)
	must(e.do("DELETE", "/v1/clients/"+long, editor, ""), 204)
	e.waitRedacted(editor, long)
	e.stack.API.InlineRedaction = 1000

	// Access: a link, a preview, an invitation replayed and resent, a revocation, an
	// acceptance, a suspension and a reactivation.
	base := "/v1/clients/" + id
	must(e.do("POST", base+"/setup-link", editor, ""), 201)
	must(e.do("POST", base+"/setup-link", editor, ""), 201) // replaces the first link
	must(e.do("GET", base+"/invitation/preview", editor, ""), 200)
	must(e.do("POST", base+"/invitation", editor, `{}`, "Idempotency-Key", "i-1"), 200)
	must(e.do("POST", base+"/invitation", editor, `{}`, "Idempotency-Key", "i-1"), 200)
	must(e.do("DELETE", base+"/invitation", editor, ""), 200)
	must(e.do("POST", base+"/invitation", editor, ""), 200)
	token := regexp.MustCompile(`#token=([A-Za-z0-9_-]{43})`).FindStringSubmatch(e.waitMails("h.dufour@example.fr", 2)[0].Text)[1]
	must(e.do("GET", "/v1/invitations/"+token, "", ""), 200)
	must(e.do("POST", "/v1/invitations/"+token+"/accept", "", `{"password":"un mot de passe solide"}`), 200)
	must(e.do("POST", base+"/suspend", editor, ""), 200)
	must(e.do("POST", base+"/reactivate", editor, ""), 200)
	archived := must(e.do("POST", base+"/archive", editor, ""), 200)
	must(e.do("POST", base+"/unarchive", editor, "", "If-Match", archived.header.Get("ETag")), 200)

	// The timeline, the feed (by time, on the index, and by client), settings, a person's data.
	must(e.do("GET", base+"/events", editor, ""), 200)
	must(e.do("GET", "/v1/events?action=updated", editor, ""), 200)
	must(e.do("GET", "/v1/events?client="+id, editor, ""), 200)
	must(e.do("GET", "/v1/settings", editor, ""), 200)
	must(e.do("PATCH", "/v1/settings", admin, `{"event_retention_days":365}`, "If-Match", `"0"`, "Content-Type", "application/merge-patch+json"), 200)
	must(e.do("GET", base+"/personal-data", admin, ""), 200)

	// Exports: one with chosen columns, read and listed once ready; one whose first upload
	// fails (the worker aborts it) and whose second run succeeds.
	job := must(e.do("POST", "/v1/exports", editor, `{"filters":{"q":"dufour"},"columns":["id","custom_fields.siret"]}`), 202).json(t)["id"].(string)
	e.waitExport(editor, job, "ready")
	must(e.do("GET", "/v1/exports", editor, ""), 200)
	must(e.do("GET", "/v1/jobs?kind=export", editor, ""), 200)
	must(e.do("GET", "/v1/jobs/"+job, editor, ""), 200)
	if r := e.do("POST", "/v1/jobs/"+job+"/cancel", editor, ""); r.status != 409 {
		t.Fatalf("cancel a finished job: %d %s", r.status, r.body)
	}
	// Cancel a queued job (never sent) and a running one (claimed, as a run would).
	for _, claim := range []bool{false, true} {
		held := &domain.Job{ID: uuid.Must(uuid.NewV7()).String(), Kind: domain.JobExport, Status: domain.JobQueued, Locale: "en",
			CreatedAt: domain.At(time.Now()), Filter: &domain.ClientFilter{}}
		if err := e.stack.Store.CreateJob(context.Background(), "agency-1", held, 10, nil); err != nil {
			t.Fatal(err)
		}
		want := 200
		if claim {
			if _, err := e.stack.Store.ClaimJob(context.Background(), "agency-1", held.ID, "run-1", time.Now()); err != nil {
				t.Fatal(err)
			}
			want = 202
		}
		must(e.do("POST", "/v1/jobs/"+held.ID+"/cancel", editor, ""), want)
		if claim {
			if err := e.stack.Store.FinishJob(context.Background(), "agency-1", &domain.Job{ID: held.ID, Kind: domain.JobExport,
				Status: domain.JobCancelled, CreatedAt: held.CreatedAt}, "run-1"); err != nil {
				t.Fatal(err)
			}
		}
	}
	var parts atomic.Int32
	e.stack.Worker.Files.S3 = failingS3(t, e.stack.S3.URL, func(r *http.Request) bool { return isPartUpload(r) && parts.Add(1) == 1 },
		func(o *s3.Options) { o.APIOptions = append(o.APIOptions, e.stack.Usage.Middleware) })
	job = must(e.do("POST", "/v1/exports", editor, `{"filters":{"sort":"-updated_at"}}`), 202).json(t)["id"].(string)
	e.waitExport(editor, job, "ready")
	e.waitMails("claire@agence.example", 2) // each job marked notified, then its mail sent
	must(e.do("GET", "/v1/openapi.json", "", ""), 200)

	// An import: created (replayed by its key), read while its file is awaited.
	imp := must(e.do("POST", "/v1/imports", editor, `{"file_name":"clients.csv","size":20}`, "Idempotency-Key", "import-1"), 201).json(t)["id"].(string)
	must(e.do("POST", "/v1/imports", editor, `{"file_name":"clients.csv","size":20}`, "Idempotency-Key", "import-1"), 201)
	must(e.do("GET", "/v1/imports/"+imp, editor, ""), 200)

	// The directory (every token above signed someone in) and a team: a member put, changed,
	// listed, taken off; "my clients".
	must(e.do("GET", "/v1/staff?q=cla", editor, ""), 200)
	must(e.do("PUT", base+"/team/claire", editor, `{"roles":["coordinator"]}`), 200)
	must(e.do("PUT", base+"/team/claire", editor, `{"roles":["lead"],"contact":true}`), 200)
	must(e.do("GET", base+"/team", editor, ""), 200)
	must(e.do("GET", "/v1/clients?manager=me", editor, ""), 200)
	must(e.do("DELETE", base+"/team/claire", editor, ""), 200)

	// Bulk actions by ids (a tag added, a client deleted with its long history on the worker)
	// and by filter (a job, whose changes the worker makes, handing over between pages).
	spare := must(e.do("POST", "/v1/clients", editor, `{"company_name":"Spare"}`, "Idempotency-Key", "spare"), 201).json(t)["id"].(string)
	third := must(e.do("POST", "/v1/clients", editor, `{"company_name":"Third"}`), 201).json(t)["id"].(string)
	must(e.do("POST", "/v1/clients/bulk", editor, `{"action":"add_tags","ids":["`+id+`","`+third+`"],"confirm":2,"tags":["bulk"]}`), 200)
	must(e.do("POST", "/v1/clients/bulk", editor, `{"action":"set_manager","ids":["`+id+`"],"confirm":1,"manager":"me"}`), 200)
	e.stack.API.InlineRedaction = 0
	must(e.do("POST", "/v1/clients/bulk", editor, `{"action":"delete","ids":["`+spare+`"],"confirm":1}`), 200)
	e.waitRedacted(editor, spare)
	e.stack.API.InlineRedaction = 1000
	// A bulk job by filter (counted on an index), and one working on a client a deletion
	// then refuses (it reads the client to see).
	pending := must(e.do("POST", "/v1/clients/bulk", editor, `{"action":"archive","filter":{"created_after":"2999-01-01"},"confirm":0}`), 202).json(t)["id"].(string)
	bulkJob := must(e.do("POST", "/v1/clients/bulk", editor, `{"action":"remove_tags","filter":{"tag":"bulk"},"confirm":2,"tags":["bulk"]}`), 202).json(t)["id"].(string)
	e.waitJob(editor, bulkJob)
	e.waitJob(editor, pending)
	held := &domain.Job{ID: uuid.Must(uuid.NewV7()).String(), Kind: domain.JobBulk, Status: domain.JobQueued, Locale: "en",
		CreatedAt: domain.At(time.Now()), Filter: &domain.ClientFilter{}, Bulk: &domain.BulkAction{Action: domain.BulkArchive}}
	if err := e.stack.Store.CreateJob(context.Background(), "agency-1", held, 10, nil); err != nil {
		t.Fatal(err)
	}
	if r := e.do("DELETE", "/v1/clients/"+third, editor, ""); r.status != 409 || r.json(t)["code"] != "client_in_job" {
		t.Fatalf("delete during a job: %d %s", r.status, r.body)
	}
	must(e.do("POST", "/v1/jobs/"+held.ID+"/cancel", editor, ""), 200)

	// Sites: presets, the catalogue, a site created (replayed), listed, searched, changed; a
	// client given it with a preset, then its permissions changed; both directions; the list
	// by site; an unassignment; deletions within the request and on the worker.
	must(e.do("GET", "/v1/permissions", editor, ""), 200)
	must(e.do("PUT", "/v1/permission-presets/redacteur", admin, `{"label":{"fr":"Rédacteur"},"permissions":["edit_content"]}`), 201)
	must(e.do("PUT", "/v1/permission-presets/tmp", admin, `{"label":{"fr":"Tmp"},"permissions":["seo"]}`), 201)
	must(e.do("DELETE", "/v1/permission-presets/tmp", admin, ""), 204)
	must(e.do("GET", "/v1/permission-presets", editor, ""), 200)
	siteBody := `{"name":"Boulangerie","alias":"boulangerie","url":"https://boulangerie.example"}`
	site := must(e.do("POST", "/v1/sites", editor, siteBody, "Idempotency-Key", "s-1"), 201).json(t)["id"].(string)
	must(e.do("POST", "/v1/sites", editor, siteBody, "Idempotency-Key", "s-1"), 201)
	must(e.do("PATCH", "/v1/sites/"+site, editor, `{"status":"published","alias":"boulangerie-paris"}`, "If-Match", `"1"`, "Content-Type", "application/merge-patch+json"), 200)
	for _, q := range []string{"", "?q=boul", "?sort=-created_at&status=published"} {
		must(e.do("GET", "/v1/sites"+q, editor, ""), 200)
	}
	must(e.do("GET", "/v1/sites/"+site, editor, ""), 200)
	must(e.do("PUT", base+"/sites/"+site, editor, `{"preset":"redacteur"}`), 201)
	must(e.do("PUT", base+"/sites/"+site, editor, `{"permissions":["edit_content","publish"]}`, "If-Match", `"1"`), 200)
	must(e.do("GET", base+"/sites", editor, ""), 200)
	must(e.do("GET", "/v1/sites/"+site+"/clients", editor, ""), 200)
	must(e.do("GET", "/v1/clients?site="+site, editor, ""), 200)
	must(e.do("DELETE", base+"/sites/"+site, editor, ""), 200)
	must(e.do("PUT", base+"/sites/"+site, editor, `{}`), 201)
	must(e.do("DELETE", "/v1/sites/"+site, editor, ""), 204)
	e.stack.API.InlineUnassignments = 0
	big := must(e.do("POST", "/v1/sites", editor, `{"name":"Big","alias":"big"}`), 201).json(t)["id"].(string)
	must(e.do("PUT", base+"/sites/"+big, editor, `{}`), 201)
	must(e.do("DELETE", "/v1/sites/"+big, editor, ""), 202)
	for deadline := time.Now().Add(30 * time.Second); e.do("GET", "/v1/sites/"+big, editor, "").status != 404; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the worker never deleted the site")
		}
	}
	e.stack.API.InlineUnassignments = 100
	last := must(e.do("POST", "/v1/sites", editor, `{"name":"Last","alias":"last"}`), 201).json(t)["id"].(string)
	must(e.do("PUT", base+"/sites/"+last, editor, `{}`), 201)

	// An erasure, last (the client's site taken away first): the client and its keyed requests' records go, its events are reduced
	// (here, by the worker).
	e.stack.API.InlineRedaction = 0
	must(e.do("POST", base+"/erase", admin, `{"confirm":"`+id+`"}`), 202)
	e.waitRedacted(editor, id)

	// An import: uploaded, checked (its file read by the worker alone, its failing rows
	// stored), its errors listed, its failing rows' link signed.
	// More rows than a batch (the commit hands over between them), one an update that renames
	// a client (its old words deleted).
	must(e.do("POST", "/v1/clients", editor, `{"first_name":"Paul","last_name":"Ancien","email":"paul@example.fr"}`), 201)
	file := "Prénom;Nom;E-mail\r\nAnne;Petit;anne@example.fr\r\n;;pas-un-email\r\nPaul;Nouveau;paul@example.fr\r\n"
	for i := range 60 {
		file += "Client;N" + strconv.Itoa(i) + ";c" + strconv.Itoa(i) + "@example.fr\r\n"
	}
	upl := must(e.do("POST", "/v1/imports", editor, `{"file_name":"c.csv","size":`+strconv.Itoa(len(file))+`}`), 201).json(t)
	up := upl["upload"].(map[string]any)
	req, _ := http.NewRequest("PUT", up["url"].(string), strings.NewReader(file))
	req.Header.Set("Content-Type", "text/csv")
	if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != 200 {
		t.Fatalf("upload: %v %v", err, res)
	}
	impID := upl["id"].(string)
	must(e.do("PUT", "/v1/imports/"+impID+"/mapping", editor, `{"default_country":"FR","mode":"create_or_update"}`), 202)
	for deadline := time.Now().Add(30 * time.Second); e.do("GET", "/v1/imports/"+impID, editor, "").json(t)["status"] != "checked"; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the import was never checked")
		}
	}
	must(e.do("GET", "/v1/imports/"+impID+"/errors", editor, ""), 200)
	// Its commit, which hands over to a next message after each batch (the local stack's
	// hand-over margin here is longer than any invocation) and tells the requester by mail.
	etag := e.do("GET", "/v1/imports/"+impID, editor, "").header.Get("ETag")
	mailed := len(e.mailsTo("claire@agence.example"))
	must(e.do("POST", "/v1/imports/"+impID+"/commit", editor, "", "If-Match", etag), 202)
	e.waitMails("claire@agence.example", mailed+1) // the notice leaves once the job has ended
	// Its revert: the clients it created deleted (their collection read), the renamed one
	// given back its name.
	etag = e.do("GET", "/v1/imports/"+impID, editor, "").header.Get("ETag")
	must(e.do("POST", "/v1/imports/"+impID+"/revert", editor, "", "If-Match", etag), 202)
	for deadline := time.Now().Add(30 * time.Second); e.do("GET", "/v1/imports/"+impID, editor, "").json(t)["status"] != "reverted"; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the import was never reverted")
		}
	}

	seen := e.stack.Usage.Seen()
	check := func(fn string, uses []routes.Permission) {
		want := slices.SortedFunc(slices.Values(uses), routes.ComparePermissions)
		if got := seen[fn]; !slices.Equal(got, want) {
			t.Errorf("%s:\n calls    %v\n declares %v", fn, strings.Trim(strings.Join(names(got), ", "), " "), strings.Join(names(want), ", "))
		}
	}
	for _, r := range routes.All {
		check(r.Function(), r.Uses)
	}
	for _, w := range routes.Workers {
		check(w.Function, w.Uses)
	}
	for _, w := range routes.Workers {
		if w.Trigger == routes.FromQueue && w.Function != localstack.JobWorker && w.Function != localstack.ImportWorker ||
			w.Trigger == routes.OnSignIn && w.Function != localstack.RecordStaff {
			t.Fatalf("the local stack runs %s, %s and %s, the route table has %s for %s", localstack.JobWorker, localstack.ImportWorker,
				localstack.RecordStaff, w.Function, w.Trigger)
		}
	}
}

func names(perms []routes.Permission) []string {
	out := make([]string, len(perms))
	for i, p := range perms {
		out[i] = p.String()
	}
	return out
}

// waitRedacted waits until the worker has reduced every event of a removed client.
func (e *env) waitRedacted(tok, id string) {
	e.t.Helper()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		done := true
		for _, ev := range e.do("GET", "/v1/clients/"+id+"/events", tok, "").json(e.t)["items"].([]any) {
			done = done && ev.(map[string]any)["redacted"] == true
		}
		if done {
			return
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("the events of %s were never reduced", id)
		}
	}
}
