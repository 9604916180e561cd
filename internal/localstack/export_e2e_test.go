package localstack_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	netmail "net/mail"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/truora/minidyn/server"
	"github.com/xuri/excelize/v2"

	"github.com/clientdesk/clientdesk/internal/domain"
	"github.com/clientdesk/clientdesk/internal/emulators"
	"github.com/clientdesk/clientdesk/internal/localstack"
)

func startExports(t *testing.T) *env {
	return startWithMail(t, localstack.Options{ExportRetryAfter: time.Second})
}

// runFailures is a log handler that signals each failed export run the worker logs.
type runFailures chan string

func (f runFailures) Enabled(context.Context, slog.Level) bool { return true }
func (f runFailures) Handle(_ context.Context, r slog.Record) error {
	if r.Message == "job failed" {
		select {
		case f <- r.Message:
		default:
		}
	}
	return nil
}
func (f runFailures) WithAttrs([]slog.Attr) slog.Handler { return f }
func (f runFailures) WithGroup(string) slog.Handler      { return f }

func (e *env) exporter() string {
	e.t.Helper()
	b := `{"tenant_id":"agency-1","tenant_name":"Agence Lumière","email":"claire@agence.example","sub":"claire","roles":["editor"]}`
	return e.do("POST", "/local/token", "", b).json(e.t)["access_token"].(string)
}

// waitMails waits until n mails reached to (the notice leaves just after the job is ready),
// then returns them, newest first; the test fails if they never come.
func (e *env) waitMails(to string, n int) []emulators.Mail {
	e.t.Helper()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		mails := e.mailsTo(to)
		if len(mails) >= n {
			return mails
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("%d mails to %s after 10 s, want %d", len(mails), to, n)
		}
	}
}

func (e *env) waitExport(tok, id string, want string) map[string]any {
	e.t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		job := e.do("GET", "/v1/exports/"+id, tok, "").json(e.t)
		if job["status"] == want {
			return job
		}
		if job["status"] == "failed" || job["status"] == "ready" {
			e.t.Fatalf("export ended %v, want %s: %v", job["status"], want, job)
		}
	}
	e.t.Fatalf("export %s never reached %s", id, want)
	return nil
}

// download fetches the file through its presigned link and returns the CSV's name and rows.
func download(t *testing.T, link string) (string, []byte, [][]string) {
	t.Helper()
	resp, err := http.Get(link)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("download: %v %v", err, resp)
	}
	defer resp.Body.Close()
	if !strings.Contains(resp.Header.Get("Content-Disposition"), "attachment") {
		t.Errorf("Content-Disposition %q", resp.Header.Get("Content-Disposition"))
	}
	body, _ := io.ReadAll(resp.Body)
	zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil || len(zr.File) != 1 {
		t.Fatalf("zip: %v", err)
	}
	f, _ := zr.File[0].Open()
	raw, _ := io.ReadAll(f)
	// The separator is the file's dialect: ";" in French, "," in English.
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(raw, []byte("\ufeff"))))
	first, _, _ := bytes.Cut(raw, []byte("\r\n"))
	if bytes.Count(first, []byte(";")) > bytes.Count(first, []byte(",")) {
		r.Comma = ';'
	}
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return zr.File[0].Name, raw, rows
}

func seedExport(t *testing.T, e *env, tok string) {
	t.Helper()
	admin := e.staff("admin")
	e.do("POST", "/v1/client-fields", admin, `{"key":"siret","label":{"fr":"SIRET","en":"Company number"},"type":"text"}`)
	for i := range 40 {
		tags := `[]`
		if i%3 == 0 {
			tags = `["VIP"]`
		}
		notes := "Client fidèle, « très » attentif"
		if i == 3 {
			notes = `=HYPERLINK("http://evil.example","clic")`
		}
		body := fmt.Sprintf(`{"first_name":"Élodie %02d","last_name":"Lefèvre","company_name":"Atelier %d, Lyon","email":"e%02d@agence.example",
			"phones":["+33 6 12 34 56 %02d"],"tags":%s,"notes":%q,"address":{"city":"Lyon","country":"FR"},"custom_fields":{"siret":"%09d"}}`, i, i, i, i, tags, notes, i)
		if r := e.do("POST", "/v1/clients", tok, body); r.status != 201 {
			t.Fatalf("seed: %d %s", r.status, r.body)
		}
	}
}

func TestExportEndToEnd(t *testing.T) {
	e := startExports(t)
	tok := e.exporter()
	seedExport(t, e, tok)

	req := `{"filters":{"tag":"vip"},"locale":"fr"}`
	created := e.do("POST", "/v1/exports", tok, req, "Idempotency-Key", "exp-1")
	if created.status != 202 || created.json(t)["status"] != "queued" || created.header.Get("Location") == "" {
		t.Fatalf("create: %d %s", created.status, created.body)
	}
	if again := e.do("POST", "/v1/exports", tok, req, "Idempotency-Key", "exp-1"); string(again.body) != string(created.body) {
		t.Fatalf("replay: %s", again.body)
	}
	id := created.json(t)["id"].(string)
	job := e.waitExport(tok, id, "ready")
	if job["rows_written"] != 14.0 || job["sha256"] == nil || job["download_url"] == nil || job["format"] != "csv" || job["separator"] != ";" ||
		!regexp.MustCompile(`^clients-agency-1-\d{4}-\d{2}-\d{2}-\d{4}-`+id[len(id)-4:]+`\.zip$`).MatchString(job["file_name"].(string)) {
		t.Fatalf("ready job: %v", job)
	}
	name, raw, rows := download(t, job["download_url"].(string))
	if !bytes.HasPrefix(raw, []byte("\ufeff")) || !bytes.Contains(raw, []byte("\r\n")) || !strings.HasSuffix(name, ".csv") {
		t.Error("not Excel-friendly: BOM and CRLF expected")
	}
	header := rows[0]
	if header[0] != "Identifiant" || header[1] != "Prénom" || header[len(header)-1] != "SIRET" {
		t.Errorf("header %v", header)
	}
	// Every row is a client the list shows for the same filter, in the same order.
	var listed []string
	for cursor := ""; ; {
		page := e.do("GET", "/v1/clients?tag=vip&limit=5&cursor="+url.QueryEscape(cursor), tok, "").json(t)
		for _, it := range page["items"].([]any) {
			listed = append(listed, it.(map[string]any)["id"].(string))
		}
		if page["next_cursor"] == nil {
			break
		}
		cursor = page["next_cursor"].(string)
	}
	var exported []string
	for _, r := range rows[1:] {
		exported = append(exported, r[0])
		if r[4] != "\u2060+33612345"+r[4][len(r[4])-3:] || r[12] != "Lyon" || r[17] != "VIP" || !strings.HasPrefix(r[len(r)-1], "0000000") {
			t.Errorf("row %v", r)
		}
	}
	if strings.Join(exported, ",") != strings.Join(listed, ",") {
		t.Fatalf("export and list differ:\n%v\n%v", exported, listed)
	}
	// Formula injection neutralised.
	all := e.do("POST", "/v1/exports", tok, `{"columns":["id","notes"],"locale":"en"}`)
	_, _, rows = download(t, e.waitExport(tok, all.json(t)["id"].(string), "ready")["download_url"].(string))
	neutral := false
	for _, r := range rows {
		if strings.HasPrefix(r[1], `'=HYPERLINK`) {
			neutral = true
		}
		if strings.HasPrefix(r[1], "=") {
			t.Errorf("formula left live: %v", r)
		}
	}
	if !neutral || len(rows) != 41 || rows[0][1] != "Notes" {
		t.Fatalf("%d rows, header %v", len(rows), rows[0])
	}

	// The requester is told once, in French.
	mails := e.waitMails("claire@agence.example", 2)
	if len(mails) != 2 || !strings.Contains(mails[len(mails)-1].Subject, "prêt") || !strings.Contains(mails[len(mails)-1].Text, "14 lignes") ||
		!strings.Contains(mails[len(mails)-1].Text, "point-virgule") {
		t.Fatalf("notices: %+v", mails)
	}
	// From the tenant through the service, answers to the requester.
	from, err := netmail.ParseAddress(mails[0].From)
	if err != nil || from.Name != "Agence Lumière via Clientdesk" || !slices.Equal(mails[0].ReplyTo, []string{"claire@agence.example"}) {
		t.Fatalf("sender %q (%v), reply to %q", mails[0].From, err, mails[0].ReplyTo)
	}
	// A duplicate delivery of a finished job's message changes nothing and sends nothing.
	resp, _ := e.stack.Worker.Handle(context.Background(), events.SQSEvent{Records: []events.SQSMessage{
		{MessageId: "dup", Body: `{"tenant":"agency-1","job_id":"` + id + `"}`}, {MessageId: "junk", Body: `not json`},
		{MessageId: "ghost", Body: `{"tenant":"agency-1","job_id":"019a9b6c-3f2e-7d41-9a2e-0123456789ab"}`}}})
	if len(resp.BatchItemFailures) != 0 || len(e.mailsTo("claire@agence.example")) != 2 {
		t.Fatalf("duplicate delivery: %v", resp)
	}
	if again := e.do("GET", "/v1/exports/"+id, tok, "").json(t); again["sha256"] != job["sha256"] {
		t.Fatal("a duplicate delivery rewrote the job")
	}
	list := e.do("GET", "/v1/exports", tok, "").json(t)["items"].([]any)
	if len(list) != 2 || list[0].(map[string]any)["id"] != all.json(t)["id"] {
		t.Fatalf("recent exports: %v", list)
	}
	// Another tenant sees none of it.
	other := e.token("agency-2", "mallory", "admin")
	if r := e.do("GET", "/v1/exports/"+id, other, ""); r.status != 404 {
		t.Fatalf("another tenant's export: %d", r.status)
	}
}

func TestExportLimitAndBadRequests(t *testing.T) {
	e := startExports(t)
	tok := e.exporter()
	s := e.stack.Store
	e.stack.API.MaxRunningJobs = 1
	// One unfinished job (never queued) holds the tenant's only slot.
	held := &domain.Job{ID: "019a9b6c-3f2e-7d41-9a2e-0123456789ab", Kind: domain.JobExport, Status: domain.JobQueued, Locale: "en",
		CreatedAt: domain.At(time.Now()), Filter: &domain.ClientFilter{}}
	if err := s.CreateJob(context.Background(), "agency-1", held, 1, nil); err != nil {
		t.Fatal(err)
	}
	r := e.do("POST", "/v1/exports", tok, `{}`)
	if r.status != 429 || r.json(t)["code"] != "too_many_exports" || r.header.Get("Retry-After") == "" {
		t.Fatalf("limit: %d %s", r.status, r.body)
	}
	for body, pointer := range map[string]string{
		`{"filters":{"color":"red"}}`:        "/filters/color",
		`{"filters":{"sort":"email"}}`:       "/filters/sort",
		`{"columns":["id","password"]}`:      "/columns",
		`{"locale":"de"}`:                    "/locale",
		`{"filters":{"q":"x"},"extra":true}`: "/extra",
		`{"filters":{"q":1}}`:                "/filters/q",
		`{"filters":{"archived":"true"}}`:    "/filters/archived",
		`{"filters":[]}`:                     "/filters",
		`{"format":"pdf"}`:                   "/format",
		`{"separator":"|"}`:                  "/separator",
		`{"format":"xlsx","separator":";"}`:  "/separator",
	} {
		r := e.do("POST", "/v1/exports", tok, body)
		if r.status != 422 || !strings.Contains(string(r.body), `"pointer":"`+pointer+`"`) {
			t.Errorf("%s: %d %s", body, r.status, r.body)
		}
	}
}

// failingS3 forwards to the S3 emulator but fails the upload requests it is told to.
func failingS3(t *testing.T, target string, fail func(r *http.Request) bool, opts ...func(*s3.Options)) *s3.Client {
	u, _ := url.Parse(target)
	proxy := httputil.NewSingleHostReverseProxy(u)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if fail(r) {
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = w.Write([]byte(`<Error><Code>InternalError</Code><Message>injected</Message></Error>`))
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return s3.New(s3.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), UsePathStyle: true, RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider("local", "local", ""), RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired}, opts...)
}

func isPartUpload(r *http.Request) bool {
	return r.Method == http.MethodPut && r.URL.Query().Get("partNumber") != ""
}

// An S3 fault aborts the multipart upload and the message comes back; the next run starts
// clean. A DynamoDB fault does the same.
func TestExportRecoversFromFaults(t *testing.T) {
	failures := make(runFailures, 8)
	e := startWithMail(t, localstack.Options{ExportRetryAfter: time.Second, Log: slog.New(failures)})
	tok := e.exporter()
	seedExport(t, e, tok)
	var parts atomic.Int32
	e.stack.Worker.Files.S3 = failingS3(t, e.stack.S3.URL, func(r *http.Request) bool { return isPartUpload(r) && parts.Add(1) == 1 })
	id := e.do("POST", "/v1/exports", tok, `{"filters":{"sort":"name"}}`).json(t)["id"].(string)
	job := e.waitExport(tok, id, "ready")
	_, _, rows := download(t, job["download_url"].(string))
	if len(rows) != 41 || parts.Load() < 2 {
		t.Fatalf("%d rows after a failed part (%d part uploads)", len(rows), parts.Load())
	}
	stored, _ := e.stack.Store.GetJob(context.Background(), "agency-1", id)
	objects, _ := e.stack.S3.Client().ListObjectsV2(context.Background(), &s3.ListObjectsV2Input{Bucket: aws.String(localstack.ExportsBucket), Prefix: aws.String("exports/agency-1/" + id)})
	uploads, _ := e.stack.S3.Client().ListMultipartUploads(context.Background(), &s3.ListMultipartUploadsInput{Bucket: aws.String(localstack.ExportsBucket)})
	if stored.Attempt != 2 || len(objects.Contents) != 1 || len(uploads.Uploads) != 0 {
		t.Fatalf("attempt %d, %d objects, %d open uploads", stored.Attempt, len(objects.Contents), len(uploads.Uploads))
	}
	if n := len(e.waitMails("claire@agence.example", 1)); n != 1 {
		t.Fatalf("%d notices", n)
	}

	// DynamoDB fault on the index the export reads: the first run fails, the next succeeds.
	e.stack.Worker.Files.S3 = e.stack.S3.Client()
	for len(failures) > 0 {
		<-failures // the S3 fault's run
	}
	e.stack.DynamoDB.Server.EmulateFailureForTable(e.stack.DynamoDB.Table, server.FailureConditionInternalServerError, "GSI3")
	id = e.do("POST", "/v1/exports", tok, `{"filters":{"sort":"-updated_at"}}`).json(t)["id"].(string)
	select {
	case <-failures:
	case <-time.After(20 * time.Second):
		t.Fatal("the run under a DynamoDB fault never failed")
	}
	e.stack.DynamoDB.Server.EmulateFailureForTable(e.stack.DynamoDB.Table, server.FailureConditionNone, "GSI3")
	if job := e.waitExport(tok, id, "ready"); job["rows_written"] != 40.0 {
		t.Fatalf("after a DynamoDB fault: %v", job)
	}
}

// After three failed runs the job is failed, its requester told, and the message is in the
// dead-letter queue.
func TestExportFailsAfterThreeAttempts(t *testing.T) {
	e := startExports(t)
	tok := e.exporter()
	e.do("POST", "/v1/clients", tok, `{"company_name":"Only one"}`)
	e.stack.Worker.Files.S3 = failingS3(t, e.stack.S3.URL, isPartUpload)
	id := e.do("POST", "/v1/exports", tok, `{}`).json(t)["id"].(string)
	job := e.waitExport(tok, id, "failed")
	if job["error"] != "export_failed" || job["download_url"] != nil {
		t.Fatalf("failed job: %v", job)
	}
	mails := e.waitMails("claire@agence.example", 1)
	if len(mails) != 1 || !strings.Contains(mails[0].Subject, "failed") || !strings.Contains(mails[0].Text, id) {
		t.Fatalf("failure notice: %+v", mails)
	}
	q := emulators.StartSQS().Client()
	for deadline := time.Now().Add(10 * time.Second); ; {
		out, err := q.ReceiveMessage(context.Background(), &sqs.ReceiveMessageInput{QueueUrl: aws.String(e.stack.Queue.DLQURL), WaitTimeSeconds: 1})
		if err == nil && len(out.Messages) == 1 && strings.Contains(aws.ToString(out.Messages[0].Body), id) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the message never reached the dead-letter queue")
		}
	}
	// The slot is free again.
	if r := e.do("POST", "/v1/exports", tok, `{}`); r.status != 202 {
		t.Fatalf("after a failed job: %d", r.status)
	}
}

// An XLSX export, read back with a maintained library (excelize), holds every client of the
// list in its order, every cell as the list has it: text as text, numbers as numbers, dates
// as dates in the tenant's zone, phones and postal codes as text with their + and zeros.
func TestExportXLSXMatchesList(t *testing.T) {
	e := startExports(t)
	tok := e.exporter()
	admin := e.staff("admin")
	for _, f := range []string{`{"key":"budget","label":{"fr":"Budget","en":"Budget"},"type":"number"}`,
		`{"key":"vip","label":{"fr":"Client VIP","en":"VIP client"},"type":"boolean"}`,
		`{"key":"renewal","label":{"fr":"Renouvellement","en":"Renewal"},"type":"date"}`} {
		if r := e.do("POST", "/v1/client-fields", admin, f); r.status != 201 {
			t.Fatalf("field: %d %s", r.status, r.body)
		}
	}
	seedExport(t, e, tok)
	for i, body := range []string{
		`{"first_name":"Zoé","last_name":"Ain","email":"zoe@ain.example","address":{"postal_code":"01000","city":"Bourg-en-Bresse","country":"FR"},"custom_fields":{"budget":-1250.75,"vip":true,"renewal":"2027-01-31"}}`,
		`{"company_name":"=1+1","email":"formule@exemple.fr","phones":["+33 1 23 45 67 89"],"custom_fields":{"budget":0.5,"vip":false}}`,
	} {
		if r := e.do("POST", "/v1/clients", tok, body); r.status != 201 {
			t.Fatalf("client %d: %d %s", i, r.status, r.body)
		}
	}
	created := e.do("POST", "/v1/exports", tok, `{"format":"xlsx","locale":"fr","filters":{"sort":"name"}}`)
	if created.status != 202 {
		t.Fatalf("create: %d %s", created.status, created.body)
	}
	id := created.json(t)["id"].(string)
	job := e.waitExport(tok, id, "ready")
	if job["format"] != "xlsx" || job["separator"] != nil || !strings.HasSuffix(job["file_name"].(string), "-"+id[len(id)-4:]+".xlsx") {
		t.Fatalf("job: %v", job)
	}
	resp, err := http.Get(job["download_url"].(string))
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("download: %v %v", err, resp)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
		t.Errorf("Content-Type %q", ct)
	}
	book, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer book.Close()
	rows, err := book.GetRows("Clients")
	if err != nil {
		t.Fatal(err)
	}
	// The list, as the front end reads it.
	var listed []*domain.Client
	for cursor := ""; ; {
		page := e.do("GET", "/v1/clients?sort=name&limit=25&cursor="+url.QueryEscape(cursor), tok, "")
		var p struct {
			Items      []*domain.Client `json:"items"`
			NextCursor string           `json:"next_cursor"`
		}
		if err := json.Unmarshal(page.body, &p); err != nil {
			t.Fatal(err)
		}
		listed = append(listed, p.Items...)
		if cursor = p.NextCursor; cursor == "" {
			break
		}
	}
	defs, _, err := e.stack.Store.GetDefinitions(context.Background(), "agency-1")
	if err != nil {
		t.Fatal(err)
	}
	cols, _ := domain.ExportColumns(defs, nil)
	paris, _ := time.LoadLocation("Europe/Paris")
	fr := domain.DialectOf("fr", 0, paris)
	if len(rows) != len(listed)+1 || len(listed) != 42 {
		t.Fatalf("%d rows for %d clients", len(rows), len(listed))
	}
	for j, col := range cols {
		if rows[0][j] != col.Header.FR {
			t.Errorf("header %d: %q, want %q", j, rows[0][j], col.Header.FR)
		}
	}
	for i, c := range listed {
		row := append(rows[i+1], make([]string, len(cols)-len(rows[i+1]))...)
		for j, col := range cols {
			raw, kind := col.Value(c), domain.KindOf(col, defs)
			want := fr.Cell(kind, raw)
			if kind == domain.CellDigits || kind == domain.CellNumber {
				want = raw
			}
			if row[j] != want {
				t.Errorf("client %s, %s: %q, want %q", c.ID, col.Key, row[j], want)
			}
			cell, _ := excelize.CoordinatesToCellName(j+1, i+2)
			if typ, _ := book.GetCellType("Clients", cell); raw != "" && (kind == domain.CellNumber || kind == domain.CellTime || kind == domain.CellDate) != (typ == excelize.CellTypeUnset) {
				t.Errorf("client %s, %s: cell type %v", c.ID, col.Key, typ)
			}
		}
	}

	// The workbook imported again, as a person who edits an export and brings it back does:
	// every cell reads back valid (numbers, dates, booleans, phones and postal codes with
	// their + and zeros, text that looked like a formula), and every client found by its
	// e-mail reads back as it is: nothing to update.
	im := e.upload(tok, "export.xlsx", string(body))["id"].(string)
	if r := e.do("PUT", "/v1/imports/"+im+"/mapping", tok, `{"mode":"create_or_update"}`, "Accept-Language", "fr"); r.status != 202 {
		t.Fatalf("mapping: %d %s", r.status, r.body)
	}
	got, _ := e.waitImport(tok, im)
	rep, _ := got["report"].(map[string]any)
	if got["status"] != "checked" || rep["rows"] != 42.0 || rep["in_error"] != 0.0 || rep["to_update"] != 0.0 || rep["unchanged"] != 42.0 {
		errs := e.do("GET", "/v1/imports/"+im+"/errors", tok, "").body
		t.Fatalf("the export imported again: %v\n%s", got, errs)
	}
}
