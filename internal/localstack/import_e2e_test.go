package localstack_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/xuri/excelize/v2"

	"github.com/clientdesk/clientdesk/internal/imports"
	"github.com/clientdesk/clientdesk/internal/localstack"
	"github.com/clientdesk/clientdesk/internal/sheet"
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

// upload creates an import of file and uploads it through its link; it returns the import.
func (e *env) upload(tok, name, file string) map[string]any {
	e.t.Helper()
	r := e.do("POST", "/v1/imports", tok, `{"file_name":"`+name+`","size":`+strconv.Itoa(len(file))+`}`)
	if r.status != 201 {
		e.t.Fatalf("create import: %d %s", r.status, r.body)
	}
	im := r.json(e.t)
	up := im["upload"].(map[string]any)
	req, _ := http.NewRequest("PUT", up["url"].(string), strings.NewReader(file))
	req.Header.Set("Content-Type", up["headers"].(map[string]any)["Content-Type"].(string))
	res, err := http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != 200 {
		e.t.Fatalf("upload: %v %v", err, res)
	}
	_ = res.Body.Close()
	return im
}

// waitImport waits for an import's check to end and returns the import.
func (e *env) waitImport(tok, id string) (map[string]any, string) {
	e.t.Helper()
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		r := e.do("GET", "/v1/imports/"+id, tok, "")
		if im := r.json(e.t); im["status"] != "checking" {
			return im, r.header.Get("ETag")
		}
	}
	e.t.Fatalf("import %s never checked", id)
	return nil, ""
}

// The check of an import: a French Excel file (Windows-1252, ";") read and mapped from its
// French headers; every row checked by the API's rules, the file's own duplicates and the
// existing clients, nothing written; the report, the errors by row in French or English, the
// failing rows as a CSV with an "erreur" column that reads back as it was; a new mapping
// (If-Match) checks again; another tenant sees none of it; a missing file is said.
func TestImportCheck(t *testing.T) {
	e := start(t)
	tok := e.staff("editor")
	if r := e.do("POST", "/v1/clients", tok, `{"first_name":"Jean","last_name":"Dupont","email":"jean@exemple.fr","code":"C-1"}`); r.status != 201 {
		t.Fatalf("seed: %d %s", r.status, r.body)
	}
	lines := []string{
		"Prénom;Nom;E-mail;Téléphone;Code client;Ville;CP;Inconnue",
		"Hélène;Martin;helene@exemple.fr;06 12 34 56 78;C-10;Lyon;69001;x",
		"Jean;Dupont;jean@exemple.fr;;C-1;Paris;;",
		";;pas-un-email;;;;;",
		"Paul;Durand;helene@exemple.fr;;;;;",
		";;;;;;;",
		"Zoé;Œuvre;zoe@exemple.fr;+33 1 23 45 67 89;;Nîmes;30000;",
	}
	file := winLatin1(strings.Join(lines, "\r\n") + "\r\n")
	im := e.upload(tok, "clients.csv", file)
	id := im["id"].(string)
	if r := e.do("GET", "/v1/imports/"+id+"/errors", tok, ""); r.status != 200 || len(r.json(t)["items"].([]any)) != 0 {
		t.Fatalf("errors before a check: %d %s", r.status, r.body)
	}
	r := e.do("PUT", "/v1/imports/"+id+"/mapping", tok, `{}`, "Accept-Language", "fr")
	if r.status != 202 || r.json(t)["status"] != "checking" || r.json(t)["mode"] != "create" || r.json(t)["default_country"] != "FR" {
		t.Fatalf("mapping: %d %s", r.status, r.body)
	}
	got, etag := e.waitImport(tok, id)
	report, _ := got["report"].(map[string]any)
	read, _ := got["read"].(map[string]any)
	if got["status"] != "checked" || report == nil || report["rows"] != 6.0 || report["to_create"] != 2.0 || report["in_error"] != 3.0 ||
		report["blank"] != 1.0 || report["to_update"] != 0.0 || read["encoding"] != "windows-1252" || read["separator"] != ";" {
		t.Fatalf("checked: %v", got)
	}
	if u, _ := got["unmapped"].([]any); len(u) != 1 || u[0] != "Inconnue" {
		t.Errorf("unmapped %v", got["unmapped"])
	}
	// Nothing was written: still one client.
	if l := e.do("GET", "/v1/clients", tok, "").json(t)["items"].([]any); len(l) != 1 {
		t.Fatalf("a check wrote clients: %d", len(l))
	}
	// The errors, by row, in the reader's language.
	errs := e.do("GET", "/v1/imports/"+id+"/errors?limit=2", tok, "", "Accept-Language", "fr").json(t)
	items := errs["items"].([]any)
	first := items[0].(map[string]any)
	if first["row"] != 3.0 || first["code"] != "already_exists" || first["header"] != "E-mail" ||
		first["message"] != "«\u00a0E-mail\u00a0»\u00a0: Un autre client a déjà cet e-mail." || errs["next_cursor"] == nil {
		t.Fatalf("errors page 1: %v", errs)
	}
	next := e.do("GET", "/v1/imports/"+id+"/errors?limit=2&cursor="+errs["next_cursor"].(string), tok, "").json(t)
	last := next["items"].([]any)
	if l := last[len(last)-1].(map[string]any); l["row"] != 5.0 || l["code"] != "duplicate_in_file" || l["message"] != "“E-mail”: Same e-mail or client code as row 2 of the file." || next["next_cursor"] != nil {
		t.Fatalf("errors page 2: %v", next)
	}
	// The failing rows, as the person fixes them: their cells and the problems.
	ef, _ := got["errors_file"].(map[string]any)
	if ef == nil || ef["rows"] != 3.0 || ef["name"] != "clients-erreurs.csv" {
		t.Fatalf("errors file %v", got["errors_file"])
	}
	_, raw := downloadText(t, ef["download_url"].(string))
	rows := strings.Split(strings.TrimSuffix(strings.TrimPrefix(raw, "\ufeff"), "\r\n"), "\r\n")
	if len(rows) != 4 || rows[0] != lines[0]+";erreur" || !strings.HasPrefix(rows[1], "Jean;Dupont;jean@exemple.fr;;C-1;Paris;;;") ||
		!strings.HasPrefix(rows[3], "Paul;Durand;helene@exemple.fr;;;;;;") {
		t.Fatalf("failing rows:\n%s", raw)
	}
	// The failing rows' file uploaded again reads as it was written.
	again := e.upload(tok, "clients-erreurs.csv", raw)
	e.do("PUT", "/v1/imports/"+again["id"].(string)+"/mapping", tok, `{"default_country":"FR"}`)
	// (Paul's row is no duplicate any more: Hélène's is not in it.) Its error column is
	// replaced, not doubled.
	g, _ := e.waitImport(tok, again["id"].(string))
	if rep := g["report"].(map[string]any); rep["in_error"] != 2.0 || rep["rows"] != 3.0 || rep["to_create"] != 1.0 {
		t.Fatalf("again: %v", g)
	}
	if u := g["unmapped"].([]any); len(u) != 2 || u[1] != "erreur" {
		t.Fatalf("again, unmapped: %v", u)
	}
	_, b := downloadText(t, g["errors_file"].(map[string]any)["download_url"].(string))
	if head, _, _ := strings.Cut(b, "\r\n"); head != "\ufeff"+lines[0]+";error" {
		t.Fatalf("again, header %q", head)
	}
	// Matched on e-mail: Jean's row updates him (a city); a stale version is refused.
	stale := e.do("PUT", "/v1/imports/"+id+"/mapping", tok, `{"mode":"create_or_update"}`, "If-Match", `"1"`)
	if stale.status != 412 {
		t.Fatalf("stale mapping: %d %s", stale.status, stale.body)
	}
	if r := e.do("PUT", "/v1/imports/"+id+"/mapping", tok, `{"mode":"create_or_update","match":"email"}`, "If-Match", etag); r.status != 202 {
		t.Fatalf("upsert: %d %s", r.status, r.body)
	}
	got, etag = e.waitImport(tok, id)
	if rep := got["report"].(map[string]any); rep["to_update"] != 1.0 || rep["to_create"] != 2.0 || rep["in_error"] != 2.0 {
		t.Fatalf("upsert report: %v", rep)
	}
	// Columns set by hand: the unknown column becomes the notes; a bad mapping is refused.
	bad := e.do("PUT", "/v1/imports/"+id+"/mapping", tok, `{"columns":[{"index":9,"target":"notes"},{"index":0,"target":"first_name"},{"index":1,"target":"first_name"},{"index":2,"target":"sky"}]}`, "If-Match", etag)
	if bad.status != 422 || len(bad.json(t)["errors"].([]any)) != 3 {
		t.Fatalf("bad columns: %d %s", bad.status, bad.body)
	}
	cols := `{"columns":[{"index":0,"target":"first_name"},{"index":1,"target":"last_name"},{"index":2,"target":"email"},{"index":7,"target":"notes"}]}`
	if r := e.do("PUT", "/v1/imports/"+id+"/mapping", tok, cols, "If-Match", etag); r.status != 202 {
		t.Fatalf("columns: %d %s", r.status, r.body)
	}
	got, _ = e.waitImport(tok, id)
	if got["unmapped"] == nil || len(got["unmapped"].([]any)) != 4 || got["columns_set"] != true {
		t.Fatalf("columns set: %v", got)
	}
	// Another tenant sees none of it.
	other := e.token("agency-2", "mallory", "admin")
	for _, req := range [][2]string{{"PUT", "/v1/imports/" + id + "/mapping"}, {"GET", "/v1/imports/" + id + "/errors"}} {
		if r := e.do(req[0], req[1], other, `{}`); r.status != 404 || r.json(t)["code"] != "import_not_found" {
			t.Errorf("%s %s by another tenant: %d %s", req[0], req[1], r.status, r.body)
		}
	}
	// A file never uploaded is said, with a new upload link.
	r = e.do("POST", "/v1/imports", tok, `{"file_name":"vide.csv","size":10}`)
	missing := r.json(t)["id"].(string)
	e.do("PUT", "/v1/imports/"+missing+"/mapping", tok, `{}`)
	if g, _ := e.waitImport(tok, missing); g["status"] != "unreadable" || g["problem"] != "file_missing" || g["upload"] == nil {
		t.Fatalf("missing file: %v", g)
	}
}

// downloadText gets a file through its link: its type and its text.
func downloadText(t *testing.T, link string) (string, string) {
	t.Helper()
	resp, err := http.Get(link)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("download: %v %v", err, resp)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.Header.Get("Content-Type"), string(raw)
}

// winLatin1 writes s in Windows-1252 as French Excel saves it (the letters of these tests).
func winLatin1(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == 'Œ':
			b.WriteByte(0x8c)
		case r < 0x100:
			b.WriteByte(byte(r))
		default:
			panic("winLatin1: " + string(r))
		}
	}
	return b.String()
}

// A workbook whose clients are not on its first tab: the check lists its sheets, a mapping
// names the one to read (any case), its columns are detected again, and the check reads it;
// a sheet the workbook does not have, or a sheet of a CSV, is refused naming what may be.
func TestImportCheckXLSXSheet(t *testing.T) {
	e := start(t)
	tok := e.staff("editor")
	x := excelize.NewFile()
	first := x.GetSheetName(0)
	_ = x.SetSheetName(first, "Notes")
	_ = x.SetCellValue("Notes", "A1", "Ce classeur liste nos clients dans l’onglet Clients.")
	if _, err := x.NewSheet("Clients"); err != nil {
		t.Fatal(err)
	}
	for i, row := range [][]any{{"Prénom", "Nom", "E-mail"}, {"Hélène", "Martin", "helene@exemple.fr"}, {"Jean", "Dupont", "jean@exemple.fr"}} {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		_ = x.SetSheetRow("Clients", cell, &row)
	}
	var buf bytes.Buffer
	if _, err := x.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	id := e.upload(tok, "clients.xlsx", buf.String())["id"].(string)
	if r := e.do("PUT", "/v1/imports/"+id+"/mapping", tok, `{}`); r.status != 202 {
		t.Fatalf("mapping: %d %s", r.status, r.body)
	}
	got, _ := e.waitImport(tok, id)
	read := got["read"].(map[string]any)
	if read["sheet"] != "Notes" || fmt.Sprint(read["sheets"]) != "[Notes Clients]" {
		t.Fatalf("the first check: %v", got)
	}
	r := e.do("PUT", "/v1/imports/"+id+"/mapping", tok, `{"sheet":"Feuil9"}`, "Accept-Language", "fr")
	if fe := r.json(t)["errors"].([]any)[0].(map[string]any); r.status != 422 || fe["pointer"] != "/sheet" || !strings.Contains(fe["detail"].(string), "Notes, Clients") {
		t.Fatalf("a sheet the workbook lacks: %d %s", r.status, r.body)
	}
	if r := e.do("PUT", "/v1/imports/"+id+"/mapping", tok, `{"sheet":"clients"}`); r.status != 202 {
		t.Fatalf("mapping: %d %s", r.status, r.body)
	}
	got, _ = e.waitImport(tok, id)
	rep, _ := got["report"].(map[string]any)
	if got["status"] != "checked" || got["sheet"] != "clients" || got["read"].(map[string]any)["sheet"] != "Clients" || rep["to_create"] != 2.0 || rep["in_error"] != 0.0 {
		t.Fatalf("the second check: %v", got)
	}
	if cols := got["columns"].([]any); len(cols) != 3 || cols[2].(map[string]any)["target"] != "email" {
		t.Errorf("columns detected again: %v", cols)
	}

	csv := e.upload(tok, "clients.csv", "Prénom;Nom\r\nAnne;Martin\r\n")["id"].(string)
	if r := e.do("PUT", "/v1/imports/"+csv+"/mapping", tok, `{"sheet":"Clients"}`); r.status != 422 || !strings.Contains(string(r.body), `"/sheet"`) {
		t.Fatalf("a CSV's sheet: %d %s", r.status, r.body)
	}
}

// An XLSX file is checked as a CSV is: its first sheet, the cells as the sheet shows them (a
// formula's value, never computed here), a date cell read as a date.
func TestImportCheckXLSX(t *testing.T) {
	e := start(t)
	tok := e.staff("editor")
	if r := e.do("POST", "/v1/client-fields", e.staff("admin"), `{"key":"since","label":{"fr":"Client depuis","en":"Customer since"},"type":"date"}`); r.status != 201 {
		t.Fatalf("field: %d %s", r.status, r.body)
	}
	x := excelize.NewFile()
	sheet := x.GetSheetName(0)
	for ref, v := range map[string]any{
		"A1": "First name", "B1": "Last name", "C1": "Email", "D1": "Customer since", "E1": "Phone",
		"A2": "Helen", "B2": "Martin", "C2": "helen@example.com", "D2": time.Date(2024, 3, 15, 0, 0, 0, 0, time.UTC), "E2": "+44 20 7946 0958",
		"A3": "Bob", "B3": "Smith", "C3": "not an address",
	} {
		if err := x.SetCellValue(sheet, ref, v); err != nil {
			t.Fatal(err)
		}
	}
	if err := x.SetCellFormula(sheet, "B4", `"Lee"`); err != nil {
		t.Fatal(err)
	}
	_ = x.SetCellValue(sheet, "A4", "Ann")
	var buf bytes.Buffer
	if _, err := x.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	im := e.upload(tok, "clients.xlsx", buf.String())
	id := im["id"].(string)
	if r := e.do("PUT", "/v1/imports/"+id+"/mapping", tok, `{}`); r.status != 202 {
		t.Fatalf("mapping: %d %s", r.status, r.body)
	}
	got, _ := e.waitImport(tok, id)
	rep, _ := got["report"].(map[string]any)
	read, _ := got["read"].(map[string]any)
	if got["status"] != "checked" || rep["rows"] != 3.0 || rep["to_create"] != 2.0 || rep["in_error"] != 1.0 || read["format"] != "xlsx" || read["sheet"] != sheet {
		t.Fatalf("checked: %v", got)
	}
	cols := got["columns"].([]any)
	if c := cols[3].(map[string]any); c["target"] != "custom_fields.since" {
		t.Errorf("a custom field's label maps to it: %v", cols)
	}
	errs := e.do("GET", "/v1/imports/"+id+"/errors", tok, "").json(t)["items"].([]any)
	if len(errs) != 1 || errs[0].(map[string]any)["row"] != 3.0 || errs[0].(map[string]any)["code"] != "invalid_email" {
		t.Fatalf("errors %v", errs)
	}
}

// The widest file the reader takes (500 columns, each header as long as a cell may be, in
// four-byte characters) still makes an import record DynamoDB stores: headers are kept cut
// to 100 characters (about 200 KB for 500 of them, under the 400 KB an item may hold), and
// the strict emulator refuses any item over it as DynamoDB does.
func TestImportWidestFile(t *testing.T) {
	e := start(t)
	tok := e.staff("editor")
	headers := make([]string, sheet.MaxColumns)
	for i := range headers {
		headers[i] = strconv.Itoa(i) + strings.Repeat("𝄞", (sheet.MaxCellBytes-8)/4)
	}
	row := strings.Repeat(";", sheet.MaxColumns-1)
	file := strings.Join(headers, ";") + "\r\n" + "Anne" + row + "\r\n"
	id := e.upload(tok, "large.csv", file)["id"].(string)
	if r := e.do("PUT", "/v1/imports/"+id+"/mapping", tok, `{}`); r.status != 202 {
		t.Fatalf("mapping: %d %s", r.status, r.body)
	}
	got, etag := e.waitImport(tok, id)
	cols, _ := got["columns"].([]any)
	if got["status"] != "checked" || len(cols) != sheet.MaxColumns || len(got["unmapped"].([]any)) != sheet.MaxColumns {
		t.Fatalf("checked: status %v, %d columns", got["status"], len(cols))
	}
	if h := cols[0].(map[string]any)["header"].(string); utf8.RuneCountInString(h) != imports.HeaderChars || !strings.HasSuffix(h, "…") {
		t.Errorf("header kept as %d characters", utf8.RuneCountInString(h))
	}
	// Its whole mapping set by hand, then checked again: the record is rewritten as large.
	var set []string
	for i := range sheet.MaxColumns {
		set = append(set, `{"index":`+strconv.Itoa(i)+`}`)
	}
	if r := e.do("PUT", "/v1/imports/"+id+"/mapping", tok, `{"columns":[`+strings.Join(set, ",")+`]}`, "If-Match", etag); r.status != 202 {
		t.Fatalf("columns: %d %s", r.status, r.body)
	}
	if got, _ := e.waitImport(tok, id); got["status"] != "checked" || got["columns_set"] != true {
		t.Fatalf("checked again: %v %v", got["status"], got["problem"])
	}
}
