package localstack_test

import (
	"fmt"
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

// signIn gets a token as a staff member, which mirrors them into the directory as the user
// pool's trigger does.
func (e *env) signIn(sub, name, email, role string) string {
	e.t.Helper()
	b := `{"tenant_id":"agency-1","tenant_name":"Agence Lumière","sub":"` + sub + `","name":"` + name + `","email":"` + email + `","roles":["` + role + `"]}`
	r := e.do("POST", "/local/token", "", b)
	if r.status != 200 {
		e.t.Fatalf("token: %d %s", r.status, r.body)
	}
	return r.json(e.t)["access_token"].(string)
}

// The directory is who signed in; a team is chosen from it: the first member leads,
// coordinates and is the contact; the lead moves in one transaction; the lead's departure is
// said; "my clients" and exports follow.
func TestStaffDirectoryAndTeams(t *testing.T) {
	e := startExports(t)
	alice := e.signIn("alice", "Alice Martin", "alice@agence.example", "editor")
	e.signIn("bruno", "Bruno Petit", "bruno@agence.example", "viewer")
	e.signIn("chloe", "", "chloe@agence.example", "admin")
	e.signIn("alice", "Alice Martin-Durand", "alice@agence.example", "editor") // a second sign-in updates

	staff := e.all(alice, "/v1/staff", 2)
	if len(staff) != 3 || staff[0]["sub"] != "alice" || staff[0]["name"] != "Alice Martin-Durand" || staff[2]["name"] != "chloe@agence.example" ||
		staff[0]["roles"].([]any)[0] != "editor" || staff[0]["first_seen_at"] == nil {
		t.Fatalf("directory %v", staff)
	}
	for q, want := range map[string]int{"?q=mart": 1, "?q=agence": 3, "?q=petit+bru": 1, "?role=admin": 1, "?q=zzz": 0} {
		if got := e.all(alice, "/v1/staff"+q, 10); len(got) != want {
			t.Errorf("%s: %d members", q, len(got))
		}
	}
	if other := e.token("agency-2", "mallory", "admin"); len(e.all(other, "/v1/staff", 10)) != 1 {
		t.Errorf("another tenant sees this directory")
	}

	id := e.do("POST", "/v1/clients", alice, `{"company_name":"Acme"}`).json(t)["id"].(string)
	other := e.do("POST", "/v1/clients", alice, `{"company_name":"Other"}`).json(t)["id"].(string)
	team := "/v1/clients/" + id + "/team/"
	if r := e.do("PUT", team+"nobody", alice, `{"roles":["coordinator"]}`, "Accept-Language", "fr"); r.status != 422 || r.json(t)["code"] != "unknown_staff" {
		t.Fatalf("unknown staff: %d %s", r.status, r.body)
	}
	// The first member: lead, coordinator and contact, whatever was asked.
	first := e.do("PUT", team+"bruno", alice, `{"roles":["coordinator"]}`)
	members := first.json(t)["items"].([]any)
	if first.status != 200 || len(members) != 1 || fmt.Sprint(members[0].(map[string]any)["roles"]) != "[lead coordinator]" || members[0].(map[string]any)["contact"] != true {
		t.Fatalf("first member: %d %s", first.status, first.body)
	}
	if r := e.do("PUT", team+"chloe", alice, `{"roles":[]}`); r.status != 422 {
		t.Errorf("no role: %d %s", r.status, r.body)
	}
	// The lead moves to Alice, in one transaction.
	r := e.do("PUT", team+"alice", alice, `{"roles":["lead"],"contact":false}`, "If-Match", first.header.Get("ETag"))
	if r.status != 200 {
		t.Fatalf("lead to alice: %d %s", r.status, r.body)
	}
	rec := e.do("GET", "/v1/clients/"+id, alice, "").json(t)
	byRole := map[string]string{}
	for _, m := range rec["team"].([]any) {
		m := m.(map[string]any)
		byRole[m["sub"].(string)] = fmt.Sprint(m["roles"], m["contact"])
	}
	if byRole["bruno"] != "[coordinator] true" || byRole["alice"] != "[lead] false" {
		t.Fatalf("team after the lead moved: %v", byRole)
	}
	e.do("PUT", "/v1/clients/"+other+"/team/alice", alice, `{"roles":["coordinator"]}`)

	// "My clients": Alice's two, Bruno's one.
	if mine := e.all(alice, "/v1/clients?manager=me", 1); len(mine) != 2 {
		t.Errorf("alice's clients: %v", mine)
	}
	if got := e.all(alice, "/v1/clients?manager=bruno&sort=created_at", 10); len(got) != 1 || got[0]["id"] != id {
		t.Errorf("bruno's clients: %v", got)
	}
	for _, q := range []string{"?manager=", "?manager=me&q=acme", "?manager=me&site=019a9b6c-3f2e-7d41-9a2e-0123456789ab"} {
		if r := e.do("GET", "/v1/clients"+q, alice, ""); r.status != 400 {
			t.Errorf("%s: %d", q, r.status)
		}
	}

	// Exports take manager= and have the team's columns.
	job := e.do("POST", "/v1/exports", alice, `{"filters":{"manager":"bruno"},"columns":["id","team_lead","team_coordinators","team_contact"],"locale":"fr"}`)
	if job.status != 202 {
		t.Fatalf("export: %d %s", job.status, job.body)
	}
	_, _, rows := download(t, e.waitExport(alice, job.json(t)["id"].(string), "ready")["download_url"].(string))
	want := [][]string{{"Identifiant", "Responsable", "Coordinateurs", "Contact de l’équipe"}, {id, "Alice Martin-Durand", "Bruno Petit", "Bruno Petit"}}
	if fmt.Sprint(rows) != fmt.Sprint(want) {
		t.Fatalf("rows %v", rows)
	}

	// The lead leaves: the client has none, and the answer says so.
	left := e.do("DELETE", team+"alice", alice, "", "Accept-Language", "fr").json(t)
	if w, _ := left["warning"].(map[string]any); w["code"] != "client_without_lead" || len(left["items"].([]any)) != 1 {
		t.Fatalf("lead left: %v", left)
	}
	if r := e.do("DELETE", team+"alice", alice, ""); r.status != 404 || r.json(t)["code"] != "not_on_team" {
		t.Errorf("leave twice: %d %s", r.status, r.body)
	}
	if mine := e.all(alice, "/v1/clients?manager=me", 10); len(mine) != 1 || mine[0]["id"] != other {
		t.Errorf("alice's clients after leaving: %v", mine)
	}
	evs := e.events(alice, "/v1/clients/"+id+"/events?action=team_changed")
	if len(evs) != 3 || change(evs[0], "team.alice") == nil || change(evs[0], "team.alice")["old"] != "Alice Martin-Durand (lead)" {
		t.Errorf("team events %v", evs)
	}
	// A deleted client leaves no one's list.
	if r := e.do("DELETE", "/v1/clients/"+other, alice, ""); r.status != 204 {
		t.Fatalf("delete: %d", r.status)
	}
	if mine := e.all(alice, "/v1/clients?manager=me", 10); len(mine) != 0 {
		t.Errorf("alice's clients after the deletion: %v", mine)
	}
}
