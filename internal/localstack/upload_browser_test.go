package localstack_test

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"testing"

	"github.com/clientdesk/clientdesk/internal/config"
	"github.com/clientdesk/clientdesk/internal/emulators"
	"github.com/clientdesk/clientdesk/internal/mailview"
)

// uploadPage is a front end's page that PUTs a file to an import's upload link with the
// headers the API gave (the browser leaves out Content-Length, its own), and writes what came
// of it into the page.
const uploadPage = `<!DOCTYPE html><html><head><meta charset="utf-8"></head><body><script>
var upload = %s, file = %s;
function done(s) { var p = document.createElement("pre"); p.id = "result"; p.textContent = s; document.body.appendChild(p); }
fetch(upload.url, {method: "PUT", headers: upload.headers, body: new Blob([file])})
  .then(function (r) { done(String(r.status)); }, function (e) { done("refused: " + e); });
</script></body></html>`

var uploadResult = regexp.MustCompile(`<pre id="result">(.*?)</pre>`)

// browserUpload serves the page from a loopback origin of its own and opens it in Chromium:
// what the page wrote.
func browserUpload(t *testing.T, chromium string, upload map[string]any, file string) string {
	t.Helper()
	u, _ := json.Marshal(upload)
	f, _ := json.Marshal(file)
	page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, uploadPage, u, f)
	}))
	defer page.Close()
	m := uploadResult.FindSubmatch(mailview.DumpDOM(t, chromium, page.URL))
	if m == nil {
		t.Fatal("the page wrote nothing")
	}
	return html.UnescapeString(string(m[1]))
}

// The front end uploads an import's file from a browser straight to storage, as a person's
// browser does it: a CORS preflight for the PUT with its Content-Type, then the PUT whose
// signature fixes the length and type. The local stack's storage answers as the deployed
// bucket's CORS rule (config.FilesCORS) does: the file arrives and is checked. A bucket whose
// rule names another origin is refused by the browser itself, so the preflight really is
// made and really is checked.
func TestImportUploadFromABrowser(t *testing.T) {
	chromium := mailview.Chromium(t, "no upload")
	e := start(t)
	tok := e.staff("editor")
	file := "Prénom;Nom;E-mail\r\nHélène;Martin;helene@exemple.fr\r\nJean;Dupont;jean@exemple.fr\r\n"
	r := e.do("POST", "/v1/imports", tok, `{"file_name":"clients.csv","size":`+strconv.Itoa(len(file))+`}`)
	if r.status != 201 {
		t.Fatalf("create import: %d %s", r.status, r.body)
	}
	im := r.json(t)
	upload := im["upload"].(map[string]any)
	if got := browserUpload(t, chromium, upload, file); got != "200" {
		t.Fatalf("the browser's upload: %s", got)
	}
	id := im["id"].(string)
	if r := e.do("PUT", "/v1/imports/"+id+"/mapping", tok, `{}`); r.status != 202 {
		t.Fatalf("mapping: %d %s", r.status, r.body)
	}
	got, _ := e.waitImport(tok, id)
	if rep, _ := got["report"].(map[string]any); got["status"] != "checked" || rep["rows"] != 2.0 || rep["to_create"] != 2.0 {
		t.Fatalf("checked: %v", got)
	}

	// The same upload to a bucket whose rule lets only the deployed front end in.
	other, err := emulators.StartS3(context.Background(), "bucket", &emulators.S3CORS{AllowOrigin: func(o string) bool { return o == "https://app.example.com" },
		Methods: config.FilesCORS.Methods, Headers: config.FilesCORS.Headers, MaxAgeSeconds: config.FilesCORS.MaxAgeSeconds})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	link := upload["url"].(string)
	link = other.URL + link[regexp.MustCompile(`^https?://[^/]+`).FindStringIndex(link)[1]:]
	if got := browserUpload(t, chromium, map[string]any{"url": link, "headers": upload["headers"]}, file); got == "200" || !regexp.MustCompile(`^refused`).MatchString(got) {
		t.Fatalf("from an origin the rule does not name: %s", got)
	}
}
