package localstack_test

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/clientdesk/clientdesk/internal/localstack"
)

// An import's file goes straight to storage: the import answers with a presigned PUT whose
// signature fixes the length and type of the file, under the import's own key; a file of
// another length is refused by storage, as S3 refuses it; another tenant sees no import.
func TestImportUpload(t *testing.T) {
	e := start(t)
	tok := e.staff("editor")
	file := "Prénom;Nom;E-mail\r\nHélène;Martin;helene@exemple.fr\r\n"
	r := e.do("POST", "/v1/imports", tok, `{"file_name":"  clients été.csv ","size":`+strconv.Itoa(len(file))+`}`)
	if r.status != 201 {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	im := r.json(t)
	up := im["upload"].(map[string]any)
	headers := up["headers"].(map[string]any)
	if im["status"] != "awaiting_file" || im["format"] != "csv" || im["file_name"] != "clients été.csv" || up["method"] != "PUT" ||
		headers["Content-Type"] != "text/csv" || headers["Content-Length"] != strconv.Itoa(len(file)) || r.header.Get("Location") != "/v1/imports/"+im["id"].(string) {
		t.Fatalf("import %v", im)
	}
	put := func(link, body, contentType string) (int, string) {
		req, _ := http.NewRequest("PUT", link, strings.NewReader(body))
		req.Header.Set("Content-Type", contentType)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	link := up["url"].(string)
	if status, body := put(link, file+"extra;rows;here\r\n", "text/csv"); status != 403 || !strings.Contains(body, "SignatureDoesNotMatch") {
		t.Fatalf("a longer file: %d %s", status, body)
	}
	if status, body := put(link, file, "text/csv"); status != 200 {
		t.Fatalf("upload: %d %s", status, body)
	}
	key := "imports/agency-1/" + im["id"].(string) + "/file.csv"
	out, err := e.stack.S3.Client().GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(localstack.ExportsBucket), Key: aws.String(key)})
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := io.ReadAll(out.Body); string(b) != file {
		t.Fatalf("stored %q", b)
	}
	// Read back, with a fresh link; not by another tenant.
	if g := e.do("GET", "/v1/imports/"+im["id"].(string), e.staff("viewer"), ""); g.status != 200 || g.json(t)["upload"] == nil {
		t.Fatalf("get: %d %s", g.status, g.body)
	}
	if g := e.do("GET", "/v1/imports/"+im["id"].(string), e.token("agency-2", "mallory", "admin"), ""); g.status != 404 || g.json(t)["code"] != "import_not_found" {
		t.Fatalf("another tenant: %d %s", g.status, g.body)
	}
	if c := e.do("POST", "/v1/imports", e.staff("viewer"), `{"file_name":"a.csv","size":1}`); c.status != 403 {
		t.Fatalf("a viewer imported: %d", c.status)
	}
}

// What an import is created with is checked, each problem on its member, in the caller's
// language.
func TestImportRequestsChecked(t *testing.T) {
	e := start(t)
	tok := e.staff("editor")
	tests := []struct {
		body    string
		pointer string
		code    string
	}{
		{`{"file_name":"clients.csv","size":104857601}`, "/size", "too_large"},
		{`{"file_name":"clients.csv","size":0}`, "/size", "out_of_range"},
		{`{"file_name":"clients.csv"}`, "/size", "required"},
		{`{"file_name":"clients.csv","size":1.5}`, "/size", "invalid_type"},
		{`{"file_name":"clients.ods","size":10}`, "/format", "required"},
		{`{"file_name":"clients","format":"ods","size":10}`, "/format", "invalid_value"},
		{`{"file_name":"","size":10}`, "/file_name", "required"},
		{`{"file_name":"a\u0007.csv","size":10}`, "/file_name", "control_characters"},
		{`{"file_name":"` + strings.Repeat("é", 256) + `.csv","size":10}`, "/file_name", "too_long"},
		{`{"file_name":"a.csv","size":10,"status":"done"}`, "/status", "read_only"},
		{`{"file_name":"a.csv","size":10,"sheet":"x"}`, "/sheet", "unknown_field"},
	}
	for _, tt := range tests {
		r := e.do("POST", "/v1/imports", tok, tt.body, "Accept-Language", "fr")
		if r.status != 422 {
			t.Errorf("%s: %d %s", tt.body, r.status, r.body)
			continue
		}
		p := r.json(t)
		errs, _ := p["errors"].([]any)
		found := false
		for _, fe := range errs {
			m := fe.(map[string]any)
			if m["pointer"] == tt.pointer && m["code"] == tt.code {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: %v", tt.body, p)
		}
		if p["title"] != "Validation échouée" {
			t.Errorf("%s: not in French: %v", tt.body, p["title"])
		}
	}
	// An XLSX declares its own type.
	r := e.do("POST", "/v1/imports", tok, `{"file_name":"Clients.XLSX","size":5000}`)
	if h := r.json(t)["upload"].(map[string]any)["headers"].(map[string]any); r.status != 201 || h["Content-Type"] != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
		t.Fatalf("xlsx: %d %s", r.status, r.body)
	}
}
