package localstack_test

import (
	"strings"
	"testing"
)

// Archiving moves a client to the Archived tab and its counts exactly; an archived client
// cannot be invited; its access is kept, and the answer says so; unarchiving brings it back.
// A deletion that is refused says why.
func TestArchiveAndDeleteGuards(t *testing.T) {
	e := startWithMail(t)
	editor, viewer := e.staff("editor"), e.staff("viewer")
	id := e.do("POST", "/v1/clients", editor, `{"company_name":"Acme","email":"contact@acme.example","tags":["VIP"]}`).json(t)["id"].(string)
	other := e.do("POST", "/v1/clients", editor, `{"company_name":"Other"}`).json(t)["id"].(string)
	base := "/v1/clients/" + id

	if r := e.do("POST", base+"/archive", viewer, ""); r.status != 403 {
		t.Fatalf("viewer archived: %d", r.status)
	}
	if r := e.do("POST", base+"/archive", editor, "", "If-Match", `"9"`); r.status != 412 {
		t.Fatalf("stale archive: %d", r.status)
	}
	r := e.do("POST", base+"/archive", editor, "", "If-Match", `"1"`)
	if r.status != 200 || r.json(t)["client"].(map[string]any)["archived"] != true || r.json(t)["warning"] != nil || r.header.Get("ETag") != `"2"` {
		t.Fatalf("archive: %d %s", r.status, r.body)
	}
	if r := e.do("POST", base+"/archive", editor, ""); r.status != 409 || r.json(t)["code"] != "client_already_archived" {
		t.Fatalf("archive twice: %d %s", r.status, r.body)
	}
	stats := e.do("GET", "/v1/clients/stats", viewer, "").json(t)
	if stats["total"] != 1.0 || stats["archived"] != 1.0 {
		t.Errorf("stats %v", stats)
	}
	if got := e.all(viewer, "/v1/clients", 10); len(got) != 1 || got[0]["id"] != other {
		t.Errorf("default tab %v", got)
	}
	if got := e.all(viewer, "/v1/clients?archived=true&tag=vip", 10); len(got) != 1 || got[0]["id"] != id {
		t.Errorf("archived tab by tag %v", got)
	}
	for _, path := range []string{base + "/invitation", base + "/setup-link"} {
		if r := e.do("POST", path, editor, "", "Accept-Language", "fr"); r.status != 409 || r.json(t)["code"] != "client_archived" {
			t.Errorf("%s of an archived client: %d %s", path, r.status, r.body)
		}
	}
	if r := e.do("POST", base+"/unarchive", editor, ""); r.status != 200 || r.json(t)["client"].(map[string]any)["archived"] != false {
		t.Fatalf("unarchive: %d %s", r.status, r.body)
	}
	if r := e.do("POST", base+"/unarchive", editor, ""); r.status != 409 || r.json(t)["code"] != "client_not_archived" {
		t.Fatalf("unarchive twice: %d %s", r.status, r.body)
	}

	// An active client keeps its access when archived, and the answer says so; it cannot be
	// deleted until suspended.
	link := e.do("POST", base+"/setup-link", editor, "").json(t)["url"].(string)
	token := tokenInLink.FindStringSubmatch(link)[1]
	if r := e.do("POST", "/v1/invitations/"+token+"/accept", "", `{"password":"un mot de passe solide"}`); r.status != 200 {
		t.Fatalf("accept: %d %s", r.status, r.body)
	}
	archived := e.do("POST", base+"/archive", editor, "", "Accept-Language", "fr").json(t)
	warning, _ := archived["warning"].(map[string]any)
	if archived["client"].(map[string]any)["access"].(map[string]any)["status"] != "active" || warning["code"] != "archived_with_access" ||
		!strings.Contains(warning["detail"].(string), "suspendez") {
		t.Fatalf("archived active client: %v", archived)
	}
	del := e.do("DELETE", base, editor, "", "Accept-Language", "fr")
	if del.status != 409 || del.json(t)["code"] != "client_access_active" || !strings.Contains(del.json(t)["detail"].(string), "suspendez-le d’abord") {
		t.Fatalf("delete an active client: %d %s", del.status, del.body)
	}
	if r := e.do("POST", base+"/suspend", editor, ""); r.status != 200 {
		t.Fatalf("suspend: %d", r.status)
	}
	if r := e.do("DELETE", base, editor, ""); r.status != 204 {
		t.Fatalf("delete once suspended: %d %s", r.status, r.body)
	}
	// Its email is free again.
	if r := e.do("POST", "/v1/clients", editor, `{"company_name":"New","email":"contact@acme.example"}`); r.status != 201 {
		t.Fatalf("email not freed: %d %s", r.status, r.body)
	}
	evs := e.events(viewer, "/v1/events?action=archived,unarchived")
	if got := actions(evs); got != "archived unarchived archived" {
		t.Errorf("feed %s", got)
	}
	// The client is gone: its events keep the field that changed, not the values.
	if c := change(evs[0], "archived"); c == nil || evs[0]["redacted"] != true {
		t.Errorf("archive event %v", evs[0])
	}
}
