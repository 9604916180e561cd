package domain_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/clientdesk/clientdesk/internal/domain"
)

func member(sub string) *domain.StaffMember {
	return &domain.StaffMember{Sub: sub, Name: "Name " + sub, Email: sub + "@agence.example"}
}

func roles(c *domain.Client) string {
	out := ""
	for _, m := range c.Team {
		out += fmt.Sprintf("%s%v%v ", m.Sub, m.Roles, m.Contact)
	}
	return out
}

func TestTeamRules(t *testing.T) {
	now := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	c := domain.NewClient("c", domain.Fields{CompanyName: "A"}, now)
	// The first member gets both roles and the flag, whatever was asked.
	one, err := domain.PutTeamMember(c, member("a"), []domain.TeamRole{domain.TeamCoordinator}, false, now)
	if err != nil || roles(one) != "a[lead coordinator]true " || one.Version != 2 {
		t.Fatalf("first member: %s %v", roles(one), err)
	}
	// The lead and the flag move; nobody else loses anything.
	two, _ := domain.PutTeamMember(one, member("b"), []domain.TeamRole{domain.TeamLead}, true, now)
	if roles(two) != "a[coordinator]false b[lead]true " || roles(one) != "a[lead coordinator]true " {
		t.Fatalf("lead moved: %s (before: %s)", roles(two), roles(one))
	}
	if two.Lead().Sub != "b" || two.StaffContact().Sub != "b" {
		t.Fatalf("lead %v, contact %v", two.Lead(), two.StaffContact())
	}
	// Changing a member keeps when they joined.
	later := now.Add(time.Hour)
	three, _ := domain.PutTeamMember(two, member("a"), []domain.TeamRole{domain.TeamCoordinator, domain.TeamLead}, false, later)
	if three.Team[0].AddedAt.Time != now || roles(three) != "a[coordinator lead]false b[]true " {
		t.Fatalf("changed: %s %v", roles(three), three.Team[0].AddedAt)
	}
	if _, err := domain.PutTeamMember(two, member("c"), nil, false, now); domain.CodeOf(err) != domain.CodeValidation {
		t.Fatalf("no role: %v", err)
	}
	// Removing the lead says so; removing someone absent is not found.
	left, leaderless, err := domain.RemoveTeamMember(two, "b", now)
	if err != nil || !leaderless || left.Lead() != nil || len(left.Team) != 1 {
		t.Fatalf("lead removed: %s %v %v", roles(left), leaderless, err)
	}
	if _, _, err := domain.RemoveTeamMember(two, "zz", now); domain.CodeOf(err) != domain.CodeNotOnTeam {
		t.Fatalf("absent: %v", err)
	}
	full := c
	for i := range domain.MaxTeam {
		full, _ = domain.PutTeamMember(full, member(fmt.Sprint("m", i)), []domain.TeamRole{domain.TeamCoordinator}, false, now)
	}
	if _, err := domain.PutTeamMember(full, member("one-more"), []domain.TeamRole{domain.TeamCoordinator}, false, now); domain.CodeOf(err) != domain.CodeTeamFull {
		t.Fatalf("member %d: %v", domain.MaxTeam+1, err)
	}
}

func FuzzTeamInput(f *testing.F) {
	for _, s := range []string{`{"roles":["lead"],"contact":true}`, `{"roles":["coordinator","coordinator"]}`, `{}`, `{"roles":["boss"]}`, `[]`, `{"contact":"yes"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		roles, _, err := domain.TeamInput(body)
		if err != nil {
			var de *domain.Error
			if !errors.As(err, &de) {
				t.Fatalf("non-domain error %v", err)
			}
			return
		}
		seen := map[domain.TeamRole]bool{}
		for _, r := range roles {
			if seen[r] || (r != domain.TeamLead && r != domain.TeamCoordinator) {
				t.Fatalf("accepted roles %v", roles)
			}
			seen[r] = true
		}
	})
}

func FuzzDecodeBulk(f *testing.F) {
	for _, s := range []string{`{"action":"archive","ids":["019a9b6c-3f2e-7d41-9a2e-0123456789ab"],"confirm":1}`,
		`{"action":"add_tags","filter":{"tag":"vip"},"tags":["a","A"],"confirm":3}`, `{"action":"set_manager","ids":[],"manager":"me","confirm":0}`,
		`{"action":"delete","filter":{},"confirm":-1}`, `{"confirm":1e9}`, `[]`, `{"ids":null,"filter":null}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		in, err := domain.DecodeBulk(body)
		if err != nil {
			var de *domain.Error
			if !errors.As(err, &de) {
				t.Fatalf("non-domain error %v", err)
			}
			return
		}
		switch {
		case (in.IDs == nil) == (in.Filters == nil), len(in.IDs) > domain.MaxBulkIDs, !in.HasConfirm, in.Confirm < 0,
			(in.Action == domain.BulkAddTags || in.Action == domain.BulkRemoveTags) && len(in.Tags) == 0,
			in.Action == domain.BulkSetManager && !domain.ValidStaffSub(in.Manager):
			t.Fatalf("accepted %s as %+v", body, in)
		}
	})
}
