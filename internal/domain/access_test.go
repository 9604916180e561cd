package domain_test

import (
	"strings"
	"testing"
	"time"

	"github.com/clientdesk/clientdesk/internal/domain"
)

func TestAccessLifecycle(t *testing.T) {
	now := time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)
	c := domain.NewClient("id", domain.Fields{FirstName: "Hélène", Email: "helene@example.fr", Locale: "fr"}, now)
	c.Status = domain.StatusSiteAssigned

	invited, err := domain.Invite(c, "h1", now)
	if err != nil || invited.Status != domain.StatusInvited || invited.Access.Status != domain.AccessInvited ||
		invited.Access.PendingToken != "h1" || !invited.Access.InvitationExpiresAt.Equal(now.Add(30*24*time.Hour)) || !invited.EmailLocked() {
		t.Fatalf("invite: %+v %v", invited, err)
	}
	resent, _ := domain.Invite(invited, "h2", now.Add(time.Hour))
	if resent.Access.PendingToken != "h2" || resent.Access.ResumeStatus != domain.StatusSiteAssigned {
		t.Fatalf("resend lost where the client came from: %+v", resent.Access)
	}
	revoked, err := domain.Revoke(resent, now)
	if err != nil || revoked.Status != domain.StatusSiteAssigned || revoked.Access.Status != domain.AccessNone || revoked.EmailLocked() {
		t.Fatalf("revoke: %+v %v", revoked, err)
	}
	if _, err := domain.Revoke(revoked, now); domain.CodeOf(err) != domain.CodeNoPendingLink {
		t.Fatal(err)
	}

	suspended, err := domain.Suspend(invited, now)
	if err != nil || suspended.Status != domain.StatusSuspended || suspended.Access.SuspendedAt == nil {
		t.Fatal(suspended, err)
	}
	back, _ := domain.Reactivate(suspended, now)
	if back.Status != domain.StatusInvited || back.Access.SuspendedAt != nil || back.Access.PendingToken != "h1" {
		t.Fatalf("reactivating a client who never accepted: %+v", back)
	}
	active := domain.Accept(back, now)
	if active.Status != domain.StatusActive || active.Access.AcceptedAt == nil || active.Access.PendingToken != "" || !active.EmailLocked() {
		t.Fatalf("accept: %+v", active)
	}
	s2, _ := domain.Suspend(active, now)
	if back, _ := domain.Reactivate(s2, now); back.Status != domain.StatusActive {
		t.Fatalf("reactivating an active client: %s", back.Status)
	}

	for name, tc := range map[string]struct {
		c    func() *domain.Client
		code domain.Code
	}{
		"no email":  {func() *domain.Client { x := *c; x.Email = ""; return &x }, domain.CodeNoEmail},
		"archived":  {func() *domain.Client { x := *c; x.Archived = true; return &x }, domain.CodeClientArchived},
		"suspended": {func() *domain.Client { return suspended }, domain.CodeClientSuspended},
		"active":    {func() *domain.Client { return active }, domain.CodeAlreadyActive},
	} {
		if _, err := domain.Invite(tc.c(), "h", now); domain.CodeOf(err) != tc.code {
			t.Errorf("invite %s: %v", name, err)
		}
	}
	if _, err := domain.Suspend(c, now); domain.CodeOf(err) != domain.CodeNoAccess {
		t.Error(err)
	}
	if _, err := domain.Reactivate(c, now); domain.CodeOf(err) != domain.CodeNotSuspended {
		t.Error(err)
	}
	if v := domain.ClientView(invited); v.Access.PendingToken != "" || invited.Access.PendingToken == "" {
		t.Error("ClientView must hide the pending token without touching the record")
	}
}

func TestTokens(t *testing.T) {
	token, hash, err := domain.NewToken()
	if err != nil || len(token) != 43 || len(hash) != 64 || strings.Contains(hash, token) {
		t.Fatal(token, hash, err)
	}
	if got, ok := domain.ParseToken(token); !ok || got != hash {
		t.Fatal("round trip")
	}
	other, _, _ := domain.NewToken()
	if other == token {
		t.Fatal("tokens repeat")
	}
	for _, bad := range []string{"", "short", token + "A", token[:42] + "=", strings.Repeat("/", 43), token[:42] + "B"} {
		if h, ok := domain.ParseToken(bad); ok && bad != token && h == hash {
			t.Errorf("%q parsed as the token", bad)
		}
	}
}

// FuzzParseToken: a token is exactly 43 base64url characters of 32 bytes; anything accepted
// re-encodes to itself, and nothing panics.
func FuzzParseToken(f *testing.F) {
	tok, _, _ := domain.NewToken()
	for _, s := range []string{tok, "", "x", strings.Repeat("A", 43), strings.Repeat("_", 43), "%00", tok + "=", "eyJhbGciOiJub25lIn0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		hash, ok := domain.ParseToken(s)
		if !ok {
			return
		}
		if len(s) != 43 || len(hash) != 64 || hash != domain.TokenHash(s) {
			t.Fatalf("accepted %q", s)
		}
	})
}

func TestCheckPassword(t *testing.T) {
	for pw, code := range map[string]domain.Code{
		"short":                    domain.FieldPasswordShort,
		"helene@example.fr":        domain.FieldPasswordEmail,
		"HELENE@EXAMPLE.FR":        domain.FieldPasswordEmail,
		"helene.dufour.x":          "",
		"Password1234":             domain.FieldPasswordCommon,
		"azertyuiop123":            domain.FieldPasswordCommon,
		"aaaaaaaaaaaaaaa":          domain.FieldPasswordCommon,
		"34567890123456":           domain.FieldPasswordCommon,
		"correct horse battery":    "",
		"Café-crème au lait 2026!": "",
	} {
		errs := domain.CheckPassword(pw, "helene@example.fr")
		got := domain.Code("")
		if len(errs) > 0 {
			got = errs[0].Code
		}
		if got != code {
			t.Errorf("%q: %q, want %q", pw, got, code)
		}
	}
	if errs := domain.CheckPassword("helene-longer-pw", "helene@example.fr"); errs != nil {
		t.Errorf("a password containing the local part is allowed: %v", errs)
	}
	if errs := domain.CheckPassword("helene", "helene@example.fr"); errs[0].Code != domain.FieldPasswordShort {
		t.Error(errs)
	}
}

func TestMaskEmail(t *testing.T) {
	for in, want := range map[string]string{"helene@example.fr": "h****e@e*****e.fr", "jo@x.io": "**@*.io", "bad": "***", "é@a.b.co": "*@a*b.co"} {
		if got := domain.MaskEmail(in); got != want {
			t.Errorf("MaskEmail(%q) = %q, want %q", in, got, want)
		}
	}
}
