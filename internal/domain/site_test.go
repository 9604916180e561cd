package domain_test

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/clientdesk/clientdesk/internal/domain"
)

var siteNow = time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)

func fieldErrors(err error) string {
	var de *domain.Error
	if !errors.As(err, &de) {
		return ""
	}
	var out []string
	for _, f := range de.Fields {
		out = append(out, f.Pointer+" "+string(f.Code)+" "+f.Param)
	}
	return strings.Join(out, "; ")
}

func TestNewSite(t *testing.T) {
	for _, tc := range []struct {
		body, want, errs string
	}{
		{`{"name":" Boulangerie ","alias":"Boulangerie-Dupont"}`, `"name":"Boulangerie","alias":"boulangerie-dupont","status":"draft"`, ""},
		{`{"name":"A","alias":"a","url":"https://WWW.Bücher.de/x"}`, `"domain":"www.xn--bcher-kva.de"`, ""},
		{`{"name":"A","alias":"a","url":"https://a.example","domain":"Other.Example."}`, `"domain":"other.example"`, ""},
		{`{"name":"A","alias":"a","status":"published"}`, `"status":"published"`, ""},
		{`{"name":"A","alias":"a","external_id":" x-1 "}`, `"external_id":"x-1"`, ""},
		{`{"alias":"a"}`, "", "/name required "},
		{`{"name":"A","alias":"a_b"}`, "", "/alias invalid_value"},
		{`{"name":"A","alias":"` + strings.Repeat("a", 64) + `"}`, "", "/alias invalid_value"},
		{`{"name":"A","alias":"a","url":"javascript:alert(1)"}`, "", "/url invalid_url "},
		{`{"name":"A","alias":"a","domain":"no_dots"}`, "", "/domain invalid_value"},
		{`{"name":"A","alias":"a","external_id":"a\u200bb"}`, "", "/external_id invalid_value"},
		{`{"name":"A","alias":"a","status":"deleting"}`, "", "/status invalid_value"},
		{`{"name":"A","alias":"a","id":"x"}`, "", "/id read_only "},
		{`{"name":"A","alias":"a","color":"red"}`, "", "/color unknown_field "},
	} {
		s, err := domain.NewSite("019a9b6c-3f2e-7d41-9a2e-0123456789ab", []byte(tc.body), siteNow)
		if tc.errs != "" {
			if got := fieldErrors(err); !strings.HasPrefix(got, tc.errs) {
				t.Errorf("%s: errors %q, want %q", tc.body, got, tc.errs)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.body, err)
			continue
		}
		b, _ := json.Marshal(s)
		if !strings.Contains(string(b), tc.want) {
			t.Errorf("%s: %s, want %s", tc.body, b, tc.want)
		}
	}
}

func TestPatchSite(t *testing.T) {
	cur, err := domain.NewSite("id", []byte(`{"name":"A","alias":"a","url":"https://a.example","external_id":"x"}`), siteNow)
	if err != nil {
		t.Fatal(err)
	}
	next, err := domain.PatchSite(cur, []byte(`{"external_id":null,"url":null,"domain":null,"name":"B"}`), siteNow.Add(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if next.ExternalID != "" || next.URL != "" || next.Domain != "" || next.Name != "B" || next.Version != 2 || cur.Name != "A" {
		t.Errorf("patched %+v (from %+v)", next, cur)
	}
	if _, err := domain.PatchSite(cur, []byte(`{"alias":null}`), siteNow); fieldErrors(err) == "" {
		t.Errorf("alias removed: %v", err)
	}
}

func TestSiteSearchTerms(t *testing.T) {
	s := &domain.Site{Name: "Café de la Gare", Alias: "cafe-gare", Domain: "www.xn--bcher-kva.de"}
	got := domain.SiteSearchTerms(s)
	for _, want := range []string{"cafe", "gare", "bucher", "www", "de", "la"} {
		if !slices.Contains(got, want) {
			t.Errorf("terms %v lack %q", got, want)
		}
	}
}

func TestCheckPermissions(t *testing.T) {
	for _, tc := range []struct {
		in   []string
		want string
		errs string
	}{
		{[]string{"publish", "edit_content"}, "edit_content,publish", ""},
		{[]string{}, "", ""},
		{[]string{"backups", "publish", "edit_content"}, "edit_content,publish,backups", ""},
		{[]string{"publish"}, "", "/p permission_requires publish → edit_content"},
		{[]string{"backups", "edit_content"}, "", "/p permission_requires backups → publish"},
		{[]string{"seo", "fly"}, "", "/p/1 unknown_permission fly"},
		{[]string{"seo", "seo"}, "", "/p/1 duplicate seo"},
	} {
		got, errs := domain.CheckPermissions("/p", tc.in)
		if tc.errs != "" {
			if len(errs) == 0 || errs[0].Pointer+" "+string(errs[0].Code)+" "+errs[0].Param != tc.errs {
				t.Errorf("%v: errors %v, want %s", tc.in, errs, tc.errs)
			}
			continue
		}
		if len(errs) > 0 || strings.Join(got, ",") != tc.want {
			t.Errorf("%v: %v %v, want %s", tc.in, got, errs, tc.want)
		}
	}
	// Every dependency names a permission of the catalogue, and none depends on itself.
	for _, p := range domain.SitePermissions {
		for _, need := range p.Requires {
			if need == p.Key || !slices.ContainsFunc(domain.SitePermissions, func(q domain.SitePermission) bool { return q.Key == need }) {
				t.Errorf("%s requires %q", p.Key, need)
			}
		}
		if p.Label.FR == "" || p.Label.EN == "" || p.Description.FR == "" || p.Description.EN == "" || p.Requires == nil {
			t.Errorf("%s: labels, descriptions and requires must all be there", p.Key)
		}
	}
}

// The status follows the sites: a prospect becomes site_assigned with its first and goes back
// with its last; access states stay; a withdrawn invitation goes back to where it should.
func TestStatusFollowsSites(t *testing.T) {
	c := domain.NewClient("c", domain.Fields{CompanyName: "A", Email: "a@example.fr"}, siteNow)
	one, err := domain.AssignSite(c, "s1", siteNow)
	if err != nil || one.Status != domain.StatusSiteAssigned || one.SitesCount != 1 || one.Version != 2 {
		t.Fatalf("first site: %+v %v", one, err)
	}
	two, _ := domain.AssignSite(one, "s0", siteNow)
	if strings.Join(two.SiteIDs, ",") != "s0,s1" || two.SitesCount != 2 || len(one.SiteIDs) != 1 {
		t.Fatalf("second site: %v (first kept %v)", two.SiteIDs, one.SiteIDs)
	}
	back := domain.UnassignSite(domain.UnassignSite(two, "s1", siteNow), "s0", siteNow)
	if back.Status != domain.StatusProspect || back.SitesCount != 0 || back.SiteIDs != nil {
		t.Fatalf("last site gone: %+v", back)
	}
	// Invited while a prospect, then given a site: revoking goes back to site_assigned.
	invited, err := domain.Invite(c, "hash", siteNow)
	if err != nil {
		t.Fatal(err)
	}
	withSite, _ := domain.AssignSite(invited, "s1", siteNow)
	if withSite.Status != domain.StatusInvited {
		t.Fatalf("invited client given a site: %v", withSite.Status)
	}
	revoked, _ := domain.Revoke(withSite, siteNow)
	if revoked.Status != domain.StatusSiteAssigned {
		t.Errorf("revoked: %v", revoked.Status)
	}
	if gone := domain.UnassignSite(withSite, "s1", siteNow); gone.Status != domain.StatusInvited {
		t.Errorf("invited client losing its site: %v", gone.Status)
	}
	// At most MaxSitesPerClient.
	many := c
	for i := range domain.MaxSitesPerClient {
		many, err = domain.AssignSite(many, strings.Repeat("x", 3)+string(rune('A'+i%26))+string(rune('a'+i/26)), siteNow)
		if err != nil {
			t.Fatal(err)
		}
	}
	if _, err := domain.AssignSite(many, "one-more", siteNow); domain.CodeOf(err) != domain.CodeTooManySites {
		t.Errorf("site %d: %v", domain.MaxSitesPerClient+1, err)
	}
}

func FuzzNewSite(f *testing.F) {
	for _, s := range []string{`{"name":"A","alias":"a"}`, `{"name":"A","alias":"a","url":"https://xn--bcher-kva.de"}`, `{"domain":"ä.b"}`, `[]`, `{"name":null}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		s, err := domain.NewSite("id", body, siteNow)
		if err != nil {
			var de *domain.Error
			if !errors.As(err, &de) {
				t.Fatalf("non-domain error %v", err)
			}
			return
		}
		// What is accepted is canonical: read again, it is the same site.
		b, _ := json.Marshal(map[string]any{"name": s.Name, "alias": s.Alias, "url": s.URL, "domain": s.Domain, "external_id": s.ExternalID, "status": s.Status})
		again, err := domain.NewSite("id", b, siteNow)
		if err != nil || *again != *s {
			t.Fatalf("%s: not canonical: %+v vs %+v (%v)", body, s, again, err)
		}
	})
}

func FuzzPatchSite(f *testing.F) {
	for _, s := range []string{`{"name":"B"}`, `{"url":null}`, `{"alias":"B-c"}`, `{}`, `"x"`} {
		f.Add([]byte(s))
	}
	cur, _ := domain.NewSite("id", []byte(`{"name":"A","alias":"a","url":"https://a.example"}`), siteNow)
	f.Fuzz(func(t *testing.T, patch []byte) {
		next, err := domain.PatchSite(cur, patch, siteNow)
		if err != nil {
			var de *domain.Error
			if !errors.As(err, &de) {
				t.Fatalf("non-domain error %v", err)
			}
			return
		}
		if next.Name == "" || next.Alias == "" || next.Version != cur.Version+1 || next.ID != cur.ID {
			t.Fatalf("invalid next version %+v", next)
		}
	})
}

func FuzzAssignmentInput(f *testing.F) {
	for _, s := range []string{`{"permissions":["edit_content","publish"]}`, `{"preset":"p"}`, `{}`, `{"permissions":null}`, `{"permissions":["publish"]}`} {
		f.Add([]byte(s))
	}
	presets := domain.Presets{{Key: "p", Permissions: []string{"seo"}}}
	f.Fuzz(func(t *testing.T, body []byte) {
		perms, _, err := domain.AssignmentInput(body, presets)
		if err != nil {
			var de *domain.Error
			if !errors.As(err, &de) {
				t.Fatalf("non-domain error %v", err)
			}
			return
		}
		// What is accepted is a valid set, in the catalogue's order.
		if checked, errs := domain.CheckPermissions("", perms); len(errs) > 0 || !slices.Equal(checked, perms) || perms == nil {
			t.Fatalf("accepted %v: %v", perms, errs)
		}
	})
}

func FuzzPutPreset(f *testing.F) {
	for _, s := range []string{`{"label":{"fr":"R"},"permissions":["seo"]}`, `{"label":{},"permissions":[]}`, `{"label":"x"}`, `{}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		p, err := domain.PutPreset("redacteur", nil, body, siteNow)
		if err != nil {
			var de *domain.Error
			if !errors.As(err, &de) {
				t.Fatalf("non-domain error %v", err)
			}
			return
		}
		if checked, errs := domain.CheckPermissions("", p.Permissions); len(errs) > 0 || len(checked) == 0 || p.Label.FR+p.Label.EN == "" {
			t.Fatalf("accepted %+v", p)
		}
	})
}
