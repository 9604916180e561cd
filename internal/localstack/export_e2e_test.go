package localstack_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
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
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(raw, []byte("\ufeff")))).ReadAll()
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
	if job["rows_written"] != 14.0 || job["sha256"] == nil || job["download_url"] == nil || job["file_name"] != "clients-agency-1-"+time.Now().UTC().Format("2006-01-02")+".zip" {
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
		if r[4] != "'+33612345"+r[4][len(r[4])-3:] || r[12] != "Lyon" || r[17] != "VIP" || !strings.HasPrefix(r[len(r)-1], "0000000") {
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
	if len(mails) != 2 || !strings.Contains(mails[len(mails)-1].Subject, "prêt") || !strings.Contains(mails[len(mails)-1].Text, "14 lignes") {
		t.Fatalf("notices: %+v", mails)
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
