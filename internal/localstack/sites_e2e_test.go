package localstack_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// site creates a site and returns its id.
func (e *env) site(tok, body string) string {
	e.t.Helper()
	r := e.do("POST", "/v1/sites", tok, body)
	if r.status != 201 {
		e.t.Fatalf("create site %s: %d %s", body, r.status, r.body)
	}
	return r.json(e.t)["id"].(string)
}

func (e *env) assign(tok, clientID, siteID, body string, headers ...string) reply {
	e.t.Helper()
	return e.do("PUT", "/v1/clients/"+clientID+"/sites/"+siteID, tok, body, headers...)
}

// all follows the cursors of a list and returns its items.
func (e *env) all(tok, path string, limit int) []map[string]any {
	e.t.Helper()
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	var out []map[string]any
	next := fmt.Sprintf("%s%slimit=%d", path, sep, limit)
	for range 1000 {
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
		next = fmt.Sprintf("%s%slimit=%d&cursor=%s", path, sep, limit, cursor)
	}
	e.t.Fatal("no end")
	return nil
}

func ids(items []map[string]any, member string) []string {
	var out []string
	for _, it := range items {
		out = append(out, it[member].(string))
	}
	slices.Sort(out)
	return out
}

// consistent checks, through the API, that every side of the assignments agrees: each
// client's site_ids and sites_count with its assignments, each site's clients_count with its
// members, and the two copies of every assignment.
func (e *env) consistent(tok string, clients, sites []string) {
	e.t.Helper()
	members := map[string][]string{}
	for _, s := range sites {
		r := e.do("GET", "/v1/sites/"+s, tok, "")
		if r.status == 404 {
			continue
		}
		list := e.all(tok, "/v1/sites/"+s+"/clients", 100)
		members[s] = ids(list, "client_id")
		if n := r.json(e.t)["clients_count"].(float64); int(n) != len(list) {
			e.t.Errorf("site %s counts %v clients, has %d", s, n, len(list))
		}
	}
	for _, c := range clients {
		rec := e.do("GET", "/v1/clients/"+c, tok, "").json(e.t)
		var recorded []string
		if v, ok := rec["site_ids"].([]any); ok {
			for _, s := range v {
				recorded = append(recorded, s.(string))
			}
		}
		assigned := ids(e.all(tok, "/v1/clients/"+c+"/sites", 100), "site_id")
		if !slices.Equal(recorded, assigned) || int(rec["sites_count"].(float64)) != len(assigned) {
			e.t.Errorf("client %s records sites %v (%v), has %v", c, recorded, rec["sites_count"], assigned)
		}
		for _, s := range assigned {
			if !slices.Contains(members[s], c) {
				e.t.Errorf("client %s has site %s, which does not list it (site gone: %v)", c, s, members[s] == nil)
			}
		}
		want := "prospect"
		if len(assigned) > 0 {
			want = "site_assigned"
		}
		if rec["status"] != want && rec["access"].(map[string]any)["status"] == "not_invited" {
			e.t.Errorf("client %s with %d sites is %v", c, len(assigned), rec["status"])
		}
	}
	for s, cs := range members {
		for _, c := range cs {
			if !slices.Contains(clients, c) {
				continue
			}
			assigned := ids(e.all(tok, "/v1/clients/"+c+"/sites", 100), "site_id")
			if !slices.Contains(assigned, s) {
				e.t.Errorf("site %s lists client %s, which does not have it", s, c)
			}
		}
	}
}

func TestSitesCatalogueAndPresets(t *testing.T) {
	e := start(t)
	admin, editor, viewer := e.token("agency", "ada", "admin"), e.token("agency", "eve", "editor"), e.token("agency", "vic", "viewer")

	catalogue := e.do("GET", "/v1/permissions", viewer, "", "Accept-Language", "fr").json(t)["items"].([]any)
	var keys []string
	for _, p := range catalogue {
		p := p.(map[string]any)
		keys = append(keys, p["key"].(string))
		if p["key"] == "publish" && (!slices.Contains(p["requires"].([]any), any("edit_content")) || p["label"].(map[string]any)["fr"] != "Publier") {
			t.Errorf("publish: %v", p)
		}
	}
	if len(keys) < 10 || !slices.Contains(keys, "ecommerce") || !slices.Contains(keys, "backups") {
		t.Fatalf("catalogue %v", keys)
	}

	body := `{"label":{"fr":"Rédacteur","en":"Editor"},"permissions":["publish","edit_content","blog"]}`
	if r := e.do("PUT", "/v1/permission-presets/redacteur", editor, body); r.status != 403 {
		t.Fatalf("editor wrote a preset: %d", r.status)
	}
	created := e.do("PUT", "/v1/permission-presets/redacteur", admin, body)
	if created.status != 201 || created.header.Get("ETag") != `"1"` {
		t.Fatalf("preset: %d %s", created.status, created.body)
	}
	// Permissions come back in the catalogue's order, whatever the order sent.
	if p := created.json(t)["permissions"].([]any); fmt.Sprint(p) != "[edit_content publish blog]" {
		t.Errorf("permissions %v", p)
	}
	if r := e.do("PUT", "/v1/permission-presets/redacteur", admin, body); r.status != 428 {
		t.Errorf("replace without If-Match: %d", r.status)
	}
	if r := e.do("PUT", "/v1/permission-presets/redacteur", admin, body, "If-Match", `"7"`); r.status != 412 {
		t.Errorf("replace with a stale ETag: %d", r.status)
	}
	if r := e.do("PUT", "/v1/permission-presets/lecture", admin, `{"label":{"fr":"Lecture seule"},"permissions":["statistics"]}`); r.status != 201 {
		t.Fatalf("second preset: %d %s", r.status, r.body)
	}
	list := e.do("GET", "/v1/permission-presets", viewer, "").json(t)["items"].([]any)
	if len(list) != 2 || list[0].(map[string]any)["key"] != "lecture" {
		t.Errorf("presets %v", list)
	}

	// Unknown permissions and missing dependencies are 422s naming them, in either language.
	for body, want := range map[string]string{
		`{"label":{"en":"X"},"permissions":["edit_content","fly"]}`:                 "/permissions/1 unknown_permission Permission inconnue\u00a0: fly",
		`{"label":{"en":"X"},"permissions":["publish"]}`:                            "/permissions permission_requires Une permission en demande une autre\u00a0: publish → edit_content",
		`{"label":{"en":"X"},"permissions":["custom_domain"]}`:                      "/permissions permission_requires Une permission en demande une autre\u00a0: custom_domain → publish",
		`{"label":{"en":"X"},"permissions":"edit_content"}`:                         "/permissions invalid_type",
		`{"label":{"en":"X"},"permissions":["edit_content"],"x":1}`:                 "/x unknown_field",
		`{"label":{"en":"` + strings.Repeat("x", 101) + `"},"permissions":["seo"]}`: "/label/en too_long",
	} {
		r := e.do("PUT", "/v1/permission-presets/bad", admin, body, "Accept-Language", "fr")
		if r.status != 422 {
			t.Errorf("%s: %d %s", body, r.status, r.body)
			continue
		}
		fe := r.json(t)["errors"].([]any)[0].(map[string]any)
		if got := fe["pointer"].(string) + " " + fe["code"].(string) + " " + fe["detail"].(string); !strings.HasPrefix(got, want) {
			t.Errorf("%s: %q, want %q", body, got, want)
		}
	}
	if r := e.do("DELETE", "/v1/permission-presets/lecture", admin, "", "If-Match", `"2"`); r.status != 412 {
		t.Errorf("delete with a stale ETag: %d", r.status)
	}
	if r := e.do("DELETE", "/v1/permission-presets/lecture", admin, ""); r.status != 204 {
		t.Errorf("delete: %d", r.status)
	}
	if r := e.do("DELETE", "/v1/permission-presets/lecture", admin, ""); r.status != 404 || r.json(t)["code"] != "preset_not_found" {
		t.Errorf("delete again: %d %s", r.status, r.body)
	}
}

func TestSitesCRUDAndSearch(t *testing.T) {
	e := start(t)
	editor, viewer := e.token("agency", "eve", "editor"), e.token("agency", "vic", "viewer")
	other := e.token("other-agency", "olga", "editor")

	r := e.do("POST", "/v1/sites", editor, `{"name":"Boulangerie Dupont","alias":"Boulangerie-Dupont","url":"https://www.Bäckerei-Dupont.fr/accueil","external_id":"duda-123"}`,
		"Idempotency-Key", "site-1")
	if r.status != 201 {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	site := r.json(t)
	id := site["id"].(string)
	if site["alias"] != "boulangerie-dupont" || site["domain"] != "www.xn--bckerei-dupont-5hb.fr" || site["status"] != "draft" || site["clients_count"] != 0.0 {
		t.Fatalf("created %v", site)
	}
	if again := e.do("POST", "/v1/sites", editor, `{"name":"Boulangerie Dupont","alias":"Boulangerie-Dupont","url":"https://www.Bäckerei-Dupont.fr/accueil","external_id":"duda-123"}`,
		"Idempotency-Key", "site-1"); again.status != 201 || again.header.Get("Idempotent-Replayed") != "true" || again.json(t)["id"] != id {
		t.Fatalf("replay: %d %s", again.status, again.body)
	}
	if r := e.do("POST", "/v1/sites", viewer, `{"name":"X","alias":"x"}`); r.status != 403 {
		t.Errorf("viewer created a site: %d", r.status)
	}
	// Alias (ignoring case), domain (as typed in Unicode or ASCII) and external id are each
	// unique per tenant; another tenant may reuse them.
	for body, code := range map[string]string{
		`{"name":"Copy","alias":"BOULANGERIE-dupont"}`:                                "alias_taken",
		`{"name":"Copy","alias":"copy","domain":"WWW.bäckerei-dupont.fr."}`:           "domain_taken",
		`{"name":"Copy","alias":"copy","url":"http://www.xn--bckerei-dupont-5hb.fr"}`: "domain_taken",
		`{"name":"Copy","alias":"copy","external_id":"duda-123"}`:                     "external_id_taken",
	} {
		if r := e.do("POST", "/v1/sites", editor, body); r.status != 409 || r.json(t)["code"] != code {
			t.Errorf("%s: %d %s", body, r.status, r.body)
		}
	}
	if r := e.do("POST", "/v1/sites", other, `{"name":"Mine","alias":"boulangerie-dupont","domain":"www.bäckerei-dupont.fr","external_id":"duda-123"}`); r.status != 201 {
		t.Errorf("another tenant cannot reuse the alias: %d %s", r.status, r.body)
	}
	for body, pointer := range map[string]string{
		`{"alias":"a"}`:                                 "/name",
		`{"name":"A"}`:                                  "/alias",
		`{"name":"A","alias":"a b"}`:                    "/alias",
		`{"name":"A","alias":"-a"}`:                     "/alias",
		`{"name":"A","alias":"a","url":"ftp://x"}`:      "/url",
		`{"name":"A","alias":"a","domain":"localhost"}`: "/domain",
		`{"name":"A","alias":"a","status":"deleting"}`:  "/status",
		`{"name":"A","alias":"a","clients_count":3}`:    "/clients_count",
	} {
		r := e.do("POST", "/v1/sites", editor, body)
		if r.status != 422 || r.json(t)["errors"].([]any)[0].(map[string]any)["pointer"] != pointer {
			t.Errorf("%s: %d %s", body, r.status, r.body)
		}
	}

	// A merge patch under If-Match; the old alias is free again at once.
	get := e.do("GET", "/v1/sites/"+id, viewer, "")
	if get.header.Get("ETag") != `"1"` {
		t.Fatalf("etag %q", get.header.Get("ETag"))
	}
	if r := e.do("PATCH", "/v1/sites/"+id, editor, `{"name":"X"}`); r.status != 428 {
		t.Errorf("patch without If-Match: %d", r.status)
	}
	p := e.do("PATCH", "/v1/sites/"+id, editor, `{"alias":"dupont","status":"published","external_id":null}`, "If-Match", `"1"`)
	if p.status != 200 || p.json(t)["alias"] != "dupont" || p.json(t)["external_id"] != nil || p.header.Get("ETag") != `"2"` {
		t.Fatalf("patch: %d %s", p.status, p.body)
	}
	if r := e.do("PATCH", "/v1/sites/"+id, editor, `{"name":"Y"}`, "If-Match", `"1"`); r.status != 412 {
		t.Errorf("stale patch: %d", r.status)
	}
	e.site(editor, `{"name":"Reuse","alias":"boulangerie-dupont","external_id":"duda-123"}`)

	// Search by the start of any word of name, alias or domain, accents and case ignored.
	e.site(editor, `{"name":"Café de la Gare","alias":"cafe-gare","domain":"cafe-gare.fr","status":"published"}`)
	e.site(editor, `{"name":"Garage Martin","alias":"garage-martin"}`)
	for q, want := range map[string]string{
		"gar":        "Café de la Gare,Garage Martin",
		"CAFE":       "Café de la Gare",
		"bäckerei":   "Boulangerie Dupont",
		"xn":         "",
		"dup":        "Boulangerie Dupont,Reuse",
		"gare cafe":  "Café de la Gare",
		"martin gar": "Garage Martin",
		"zzz":        "",
	} {
		var names []string
		for _, s := range e.all(viewer, "/v1/sites?q="+strings.ReplaceAll(q, " ", "+"), 1) {
			names = append(names, s["name"].(string))
		}
		if strings.Join(names, ",") != want {
			t.Errorf("q=%s: %v, want %s", q, names, want)
		}
	}
	var names []string
	for _, s := range e.all(viewer, "/v1/sites?sort=-name", 2) {
		names = append(names, s["name"].(string))
	}
	if strings.Join(names, ",") != "Reuse,Garage Martin,Café de la Gare,Boulangerie Dupont" {
		t.Errorf("by name, descending: %v", names)
	}
	if got := e.all(viewer, "/v1/sites?status=published&sort=created_at", 1); len(got) != 2 || got[0]["name"] != "Boulangerie Dupont" {
		t.Errorf("published, oldest first: %v", got)
	}
	for _, q := range []string{"?sort=updated_at", "?status=archived", "?q=gar&sort=created_at", "?limit=0", "?cursor=abc", "?site=x"} {
		if r := e.do("GET", "/v1/sites"+q, viewer, ""); r.status != 400 {
			t.Errorf("%s: %d", q, r.status)
		}
	}
}

func TestAssignmentsAndStatus(t *testing.T) {
	e := startWithMail(t)
	admin, editor, viewer := e.staff("admin"), e.staff("editor"), e.staff("viewer")
	e.do("PUT", "/v1/permission-presets/redacteur", admin, `{"label":{"fr":"Rédacteur"},"permissions":["edit_content","publish","blog"]}`)
	siteA := e.site(editor, `{"name":"Site A","alias":"site-a"}`)
	siteB := e.site(editor, `{"name":"Site B","alias":"site-b"}`)
	client := e.do("POST", "/v1/clients", editor, `{"first_name":"Hélène","last_name":"Dufour","email":"helene@example.fr"}`).json(t)["id"].(string)
	other := e.do("POST", "/v1/clients", editor, `{"company_name":"Other"}`).json(t)["id"].(string)

	if r := e.assign(viewer, client, siteA, `{"permissions":["seo"]}`); r.status != 403 {
		t.Fatalf("viewer assigned: %d", r.status)
	}
	for body, code := range map[string]string{
		`{"permissions":["publish"]}`:                  "permission_requires",
		`{"permissions":["teleport"]}`:                 "unknown_permission",
		`{"preset":"nope"}`:                            "invalid_value",
		`{"preset":"redacteur","permissions":["seo"]}`: "invalid_value",
	} {
		if r := e.assign(editor, client, siteA, body); r.status != 422 || r.json(t)["errors"].([]any)[0].(map[string]any)["code"] != code {
			t.Errorf("%s: %d %s", body, r.status, r.body)
		}
	}
	if r := e.assign(editor, client, "019a9b6c-3f2e-7d41-9a2e-0123456789ab", `{"permissions":[]}`); r.status != 404 || r.json(t)["code"] != "site_not_found" {
		t.Errorf("unknown site: %d %s", r.status, r.body)
	}

	// The first site: the prospect becomes site_assigned, and the counts follow exactly.
	r := e.assign(editor, client, siteA, `{"permissions":["statistics","edit_content"]}`)
	if r.status != 201 || r.header.Get("ETag") != `"1"` || fmt.Sprint(r.json(t)["permissions"]) != "[edit_content statistics]" {
		t.Fatalf("assign: %d %s", r.status, r.body)
	}
	rec := e.do("GET", "/v1/clients/"+client, viewer, "").json(t)
	if rec["status"] != "site_assigned" || rec["sites_count"] != 1.0 || fmt.Sprint(rec["site_ids"]) != "["+siteA+"]" {
		t.Fatalf("client after: %v", rec)
	}
	stats := e.do("GET", "/v1/clients/stats", viewer, "").json(t)["by_status"].(map[string]any)
	if stats["site_assigned"] != 1.0 || stats["prospect"] != 1.0 {
		t.Errorf("stats %v", stats)
	}
	// Changing permissions needs the assignment's ETag.
	if r := e.assign(editor, client, siteA, `{"preset":"redacteur"}`); r.status != 428 {
		t.Errorf("change without If-Match: %d", r.status)
	}
	changed := e.assign(editor, client, siteA, `{"preset":"redacteur"}`, "If-Match", `"1"`)
	if changed.status != 200 || changed.json(t)["preset"] != "redacteur" || changed.header.Get("ETag") != `"2"` {
		t.Fatalf("change: %d %s", changed.status, changed.body)
	}
	if same := e.assign(editor, client, siteA, `{"preset":"redacteur"}`, "If-Match", `"2"`); same.status != 200 || same.header.Get("ETag") != `"2"` {
		t.Errorf("the same permissions again: %d %s", same.status, same.body)
	}
	if r := e.assign(editor, client, siteB, `{"permissions":["seo"]}`); r.status != 201 {
		t.Fatalf("second site: %d", r.status)
	}
	if r := e.assign(editor, other, siteB, `{}`); r.status != 201 || fmt.Sprint(r.json(t)["permissions"]) != "[]" {
		t.Fatalf("no permission at all: %d %s", r.status, r.body)
	}

	// Both directions, one Query a page.
	if got := ids(e.all(viewer, "/v1/clients/"+client+"/sites", 1), "site_id"); fmt.Sprint(got) != fmt.Sprint(sortedOf(siteA, siteB)) {
		t.Errorf("client's sites %v", got)
	}
	e.stack.Meter.Reset()
	pr := e.do("GET", "/v1/sites/"+siteB+"/clients?limit=5", viewer, "")
	page := pr.json(t)
	if pr.status != 200 {
		t.Fatalf("clients of a site: %d %s", pr.status, pr.body)
	}
	if m := e.stack.Meter.Snapshot(); m.Requests != 1 || m.ByOperation["Query"] != 1 || len(page["items"].([]any)) != 2 {
		t.Errorf("clients of a site: %+v, %v", m, page)
	}
	// The list and exports take site=.
	e.stack.Meter.Reset()
	list := e.do("GET", "/v1/clients?site="+siteB, viewer, "").json(t)["items"].([]any)
	if m := e.stack.Meter.Snapshot(); len(list) != 2 || m.Requests > 2 {
		t.Errorf("site=: %d clients in %+v", len(list), m)
	}
	if got := e.all(viewer, "/v1/clients?site="+siteA+"&status=prospect", 10); len(got) != 0 {
		t.Errorf("site= with a status: %v", got)
	}
	for _, q := range []string{"?site=nope", "?site=" + siteA + "&q=x", "?site=" + siteA + "&tag=x", "?site=" + siteA + "&sort=name"} {
		if r := e.do("GET", "/v1/clients"+q, viewer, ""); r.status != 400 || r.json(t)["param"] != "site" && r.json(t)["param"] != "sort" {
			t.Errorf("%s: %d %s", q, r.status, r.body)
		}
	}
	site := e.do("GET", "/v1/sites/"+siteB, viewer, "").json(t)
	if site["clients_count"] != 2.0 {
		t.Errorf("site B counts %v", site["clients_count"])
	}
	e.consistent(viewer, []string{client, other}, []string{siteA, siteB})

	// A client with sites cannot be deleted: 409 naming how many, in French or English.
	del := e.do("DELETE", "/v1/clients/"+client, editor, "", "Accept-Language", "fr")
	if del.status != 409 || del.json(t)["code"] != "client_has_sites" || !strings.Contains(del.json(t)["detail"].(string), "encore 2\u00a0site(s)") {
		t.Fatalf("delete with sites: %d %s", del.status, del.body)
	}

	// Give the client access, then take its sites: the status stays active, and the last
	// unassignment warns.
	link := e.do("POST", "/v1/clients/"+client+"/setup-link", editor, "").json(t)["url"].(string)
	token := tokenInLink.FindStringSubmatch(link)[1]
	if r := e.do("POST", "/v1/invitations/"+token+"/accept", "", `{"password":"un mot de passe solide"}`); r.status != 200 {
		t.Fatalf("accept: %d %s", r.status, r.body)
	}
	if r := e.do("DELETE", "/v1/clients/"+client+"/sites/"+siteA, editor, "", "If-Match", `"1"`); r.status != 412 {
		t.Errorf("unassign with a stale ETag: %d", r.status)
	}
	first := e.do("DELETE", "/v1/clients/"+client+"/sites/"+siteA, editor, "", "If-Match", `"2"`).json(t)
	if first["status"] != "active" || first["sites_count"] != 1.0 || first["warning"] != nil {
		t.Errorf("first unassignment: %v", first)
	}
	last := e.do("DELETE", "/v1/clients/"+client+"/sites/"+siteB, editor, "", "Accept-Language", "fr").json(t)
	warning, _ := last["warning"].(map[string]any)
	if last["status"] != "active" || warning["code"] != "access_without_site" || !strings.Contains(warning["detail"].(string), "suspendre") {
		t.Errorf("last unassignment: %v", last)
	}
	if r := e.do("DELETE", "/v1/clients/"+client+"/sites/"+siteB, editor, ""); r.status != 404 || r.json(t)["code"] != "site_not_assigned" {
		t.Errorf("unassign twice: %d %s", r.status, r.body)
	}
	// A prospect goes back to prospect with its last site.
	back := e.do("DELETE", "/v1/clients/"+other+"/sites/"+siteB, editor, "").json(t)
	if back["status"] != "prospect" || back["warning"] != nil {
		t.Errorf("prospect again: %v", back)
	}
	stats = e.do("GET", "/v1/clients/stats", viewer, "").json(t)["by_status"].(map[string]any)
	if stats["site_assigned"] != 0.0 || stats["prospect"] != 1.0 || stats["active"] != 1.0 {
		t.Errorf("stats after %v", stats)
	}

	// Every change is on the client's timeline, in order, with the site and the permissions.
	evs := e.events(viewer, "/v1/clients/"+client+"/events?action=site_assigned,site_permissions_changed,site_unassigned")
	if got := actions(evs); got != "site_unassigned site_unassigned site_assigned site_permissions_changed site_assigned" {
		t.Fatalf("timeline %s", got)
	}
	firstEv := evs[len(evs)-1]
	if firstEv["details"].(map[string]any)["site_id"] != siteA || change(firstEv, "status")["new"] != "site_assigned" ||
		change(firstEv, "site_permissions")["new"] != "edit_content, statistics" {
		t.Errorf("first assignment's event %v", firstEv)
	}
	if c := change(evs[3], "site_permissions"); c["old"] != "edit_content, statistics" || c["new"] != "edit_content, publish, blog" || evs[3]["details"].(map[string]any)["preset"] != "redacteur" {
		t.Errorf("change event %v", evs[3])
	}
	if r := e.do("DELETE", "/v1/clients/"+other, editor, ""); r.status != 204 {
		t.Errorf("delete without sites: %d %s", r.status, r.body)
	}
	// An erasure takes the client's sites away first: nothing of it stays with the site.
	e.assign(editor, client, siteA, `{}`)
	if r := e.do("POST", "/v1/clients/"+client+"/erase", admin, `{"confirm":"`+client+`"}`); r.status != 200 {
		t.Fatalf("erase: %d %s", r.status, r.body)
	}
	if site := e.do("GET", "/v1/sites/"+siteA, viewer, "").json(t); site["clients_count"] != 0.0 {
		t.Errorf("site after the erasure: %v", site)
	}
	if members := e.all(viewer, "/v1/sites/"+siteA+"/clients", 10); len(members) != 0 {
		t.Errorf("site's clients after the erasure: %v", members)
	}
}

func sortedOf(s ...string) []string {
	slices.Sort(s)
	return s
}

// Deleting a site unassigns every client: within the request for a few, on the worker with
// progress for more than 100, and never leaves an assignment behind.
func TestSiteDeletion(t *testing.T) {
	e := start(t)
	editor := e.token("agency", "eve", "editor")
	small := e.site(editor, `{"name":"Small","alias":"small","domain":"small.example"}`)
	big := e.site(editor, `{"name":"Big","alias":"big"}`)
	var clients []string
	for i := range 103 {
		id := e.do("POST", "/v1/clients", editor, fmt.Sprintf(`{"company_name":"Client %d"}`, i)).json(t)["id"].(string)
		clients = append(clients, id)
		if r := e.assign(editor, id, big, `{"permissions":["statistics"]}`); r.status != 201 {
			t.Fatalf("assign: %d %s", r.status, r.body)
		}
		if i < 3 {
			e.assign(editor, id, small, `{"permissions":[]}`)
		}
	}
	if r := e.do("DELETE", "/v1/sites/"+small, editor, "", "If-Match", `"9"`); r.status != 412 {
		t.Errorf("delete with a stale ETag: %d", r.status)
	}
	if r := e.do("DELETE", "/v1/sites/"+small, editor, ""); r.status != 204 {
		t.Fatalf("delete small: %d %s", r.status, r.body)
	}
	if r := e.do("GET", "/v1/sites/"+small, editor, ""); r.status != 404 {
		t.Errorf("small still there: %d", r.status)
	}
	// Its alias and domain are free again.
	e.site(editor, `{"name":"Small again","alias":"small","domain":"small.example"}`)
	evs := e.events(editor, "/v1/clients/"+clients[0]+"/events?action=site_unassigned")
	if len(evs) != 1 || evs[0]["actor"].(map[string]any)["id"] != "eve" || evs[0]["job_id"] != nil {
		t.Errorf("unassignment event %v", evs)
	}

	// More than 100: 202, the site marked as being deleted, with its progress, and a job.
	r := e.do("DELETE", "/v1/sites/"+big, editor, "")
	if r.status != 202 {
		t.Fatalf("delete big: %d %s", r.status, r.body)
	}
	d := r.json(t)["deletion"].(map[string]any)
	if d["clients_total"] != 103.0 || r.json(t)["status"] != "deleting" || r.header.Get("Location") != "/v1/jobs/"+d["job_id"].(string) {
		t.Fatalf("deletion %v (Location %s)", r.json(t), r.header.Get("Location"))
	}
	jobID := d["job_id"].(string)
	// Asked again meanwhile, the same job goes on.
	if again := e.do("DELETE", "/v1/sites/"+big, editor, ""); again.status == 202 && again.header.Get("Location") != "/v1/jobs/"+jobID {
		t.Errorf("a second deletion made another job: %s", again.header.Get("Location"))
	}
	if r := e.do("POST", "/v1/jobs/"+jobID+"/cancel", editor, ""); r.status != 409 || r.json(t)["code"] != "job_not_cancellable" {
		t.Errorf("cancel a site's deletion: %d %s", r.status, r.body)
	}
	if r := e.assign(editor, clients[0], big, `{"permissions":[]}`, "If-Match", `"1"`); r.status != 409 || r.json(t)["code"] != "site_deleting" {
		t.Errorf("assign a site being deleted: %d %s", r.status, r.body)
	}
	if r := e.do("PATCH", "/v1/sites/"+big, editor, `{"name":"Renamed"}`, "If-Match", `"2"`); r.status != 409 {
		t.Errorf("patch a site being deleted: %d %s", r.status, r.body)
	}
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		got := e.do("GET", "/v1/sites/"+big, editor, "")
		if got.status == 404 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("big site never went: %s", got.body)
		}
	}
	// The site goes in the job's last step; the job is marked done just after.
	job := e.do("GET", "/v1/jobs/"+jobID, editor, "").json(t)
	for deadline := time.Now().Add(10 * time.Second); job["status"] == "running" && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		job = e.do("GET", "/v1/jobs/"+jobID, editor, "").json(t)
	}
	if job["kind"] != "site_cleanup" || job["status"] != "done" || job["progress"].(map[string]any)["done"] != 103.0 || job["params"].(map[string]any)["site_id"] != big {
		t.Errorf("clean-up job %v", job)
	}
	if evs := e.events(editor, "/v1/clients/"+clients[50]+"/events?action=site_unassigned"); len(evs) != 1 || evs[0]["job_id"] != jobID {
		t.Errorf("the job's unassignment %v", evs)
	}
	for _, c := range clients[:5] {
		rec := e.do("GET", "/v1/clients/"+c, editor, "").json(t)
		if rec["status"] != "prospect" || rec["sites_count"] != 0.0 {
			t.Errorf("client after the site went: %v", rec)
		}
	}
	if got := e.all(editor, "/v1/clients?site="+big, 100); len(got) != 0 {
		t.Errorf("%d clients still list the site", len(got))
	}
	e.consistent(editor, clients, []string{small, big})
	stats := e.do("GET", "/v1/clients/stats", editor, "").json(t)["by_status"].(map[string]any)
	if stats["prospect"] != 103.0 || stats["site_assigned"] != 0.0 {
		t.Errorf("stats %v", stats)
	}
}

// Concurrent assign, change, unassign and delete of the same pair and site: no lost update,
// no orphan.
func TestConcurrentAssignments(t *testing.T) {
	e := start(t)
	editor := e.token("agency", "eve", "editor")
	var sites []string
	for i := range 4 {
		sites = append(sites, e.site(editor, fmt.Sprintf(`{"name":"S%d","alias":"s%d"}`, i, i)))
	}
	client := e.do("POST", "/v1/clients", editor, `{"company_name":"Contended"}`).json(t)["id"].(string)

	// Twenty new assignments of one pair at once: one 201; the others find it made.
	statuses := parallel(20, func(int) int { return e.assign(editor, client, sites[0], `{"permissions":["seo"]}`).status })
	if statuses[201] != 1 || statuses[201]+statuses[428] != 20 {
		t.Fatalf("same pair: %v", statuses)
	}
	// Twenty changes with one ETag: one wins.
	statuses = parallel(20, func(i int) int {
		perms := []string{`["comments"]`, `["statistics"]`}[i%2]
		return e.assign(editor, client, sites[0], `{"permissions":`+perms+`}`, "If-Match", `"1"`).status
	})
	if statuses[200] != 1 || statuses[412] != 19 {
		t.Fatalf("changes with one ETag: %v", statuses)
	}
	if got := e.all(editor, "/v1/clients/"+client+"/sites", 10); got[0]["version"] != 2.0 {
		t.Fatalf("assignment after one change: %v", got[0])
	}
	// The other sites at once: each client write waits for the others, none is lost.
	statuses = parallel(3, func(i int) int { return e.assign(editor, client, sites[i+1], `{"permissions":[]}`).status })
	if statuses[201] != 3 {
		t.Fatalf("three sites at once: %v", statuses)
	}
	// Unassign and re-assign the same pair, and delete a site, all at once.
	parallel(12, func(i int) int {
		switch i % 3 {
		case 0:
			return e.do("DELETE", "/v1/clients/"+client+"/sites/"+sites[1], editor, "").status
		case 1:
			return e.assign(editor, client, sites[1], `{"permissions":["seo"]}`).status
		default:
			return e.do("DELETE", "/v1/sites/"+sites[2], editor, "").status
		}
	})
	e.consistent(editor, []string{client}, sites)
	if r := e.do("GET", "/v1/sites/"+sites[2], editor, ""); r.status != 404 {
		t.Errorf("deleted site: %d %s", r.status, r.body)
	}
	rec := e.do("GET", "/v1/clients/"+client, editor, "").json(t)
	if strings.Contains(fmt.Sprint(rec["site_ids"]), sites[2]) {
		t.Errorf("client keeps the deleted site: %v", rec["site_ids"])
	}
}

// An export takes the site filter and has Duda's columns: the assigned site ids and their
// number.
func TestExportBySite(t *testing.T) {
	e := startExports(t)
	tok := e.exporter()
	a, b := e.site(tok, `{"name":"A","alias":"a"}`), e.site(tok, `{"name":"B","alias":"b"}`)
	var clients []string
	for i := range 3 {
		clients = append(clients, e.do("POST", "/v1/clients", tok, fmt.Sprintf(`{"company_name":"C%d"}`, i)).json(t)["id"].(string))
	}
	e.assign(tok, clients[0], a, `{}`)
	e.assign(tok, clients[0], b, `{}`)
	e.assign(tok, clients[2], a, `{}`)
	job := e.do("POST", "/v1/exports", tok, `{"filters":{"site":"`+a+`","sort":"created_at"},"columns":["id","site_ids","sites_count"],"locale":"fr"}`)
	if job.status != 202 || job.json(t)["filters"].(map[string]any)["site"] != a {
		t.Fatalf("export: %d %s", job.status, job.body)
	}
	_, _, rows := download(t, e.waitExport(tok, job.json(t)["id"].(string), "ready")["download_url"].(string))
	want := [][]string{{"Identifiant", "Identifiants des sites attribués", "Nombre de sites"},
		{clients[0], strings.Join(sortedOf(a, b), ", "), "2"}, {clients[2], a, "1"}}
	if fmt.Sprint(rows) != fmt.Sprint(want) {
		t.Fatalf("rows\n%v\nwant\n%v", rows, want)
	}
	if r := e.do("POST", "/v1/exports", tok, `{"filters":{"site":"nope"}}`); r.status != 400 && r.status != 422 {
		t.Errorf("a bad site: %d %s", r.status, r.body)
	}
}
