package invitemail

import (
	"bytes"
	"flag"
	htmltemplate "html/template"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/clientdesk/clientdesk/internal/domain"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func sample(locale string) domain.InvitationMail {
	return domain.InvitationMail{Locale: locale, TenantName: "Agence Lumière", FirstName: "Hélène", Email: "helene@example.fr",
		URL:     "https://app.example.com/setup#token=abc",
		Message: "Bienvenue ! Voici votre accès.\n<script>alert('x')</script> & à bientôt",
		Expires: time.Date(2026, 12, 21, 8, 14, 0, 0, time.UTC), Zone: "Europe/Paris"}
}

// One golden file per language and part: what the client receives, reviewed once by a person.
func TestGolden(t *testing.T) {
	for _, lang := range []string{"fr", "en"} {
		m, err := Render(sample(lang))
		if err != nil {
			t.Fatal(err)
		}
		for part, got := range map[string]string{"subject.txt": m.Subject, "txt": m.Text, "html": m.HTML} {
			path := filepath.Join("testdata", "invitation."+lang+"."+part)
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./internal/invitemail -update)", err)
			}
			if got != string(want) {
				t.Errorf("%s differs from the golden file:\n%s", path, got)
			}
		}
	}
}

func TestNoInjectionAndFrenchTypography(t *testing.T) {
	fr, _ := Render(sample("fr"))
	if strings.Contains(fr.HTML, "<script>") || !strings.Contains(fr.HTML, "&lt;script&gt;") {
		t.Error("the custom message is not escaped in HTML")
	}
	if !strings.Contains(fr.HTML, "Bienvenue\u202f! Voici votre accès.<br>&lt;script&gt;") {
		t.Error("line breaks of the message are lost")
	}
	for _, want := range []string{"21 décembre 2026 à 09\u00a0h\u00a014 (fuseau Europe/Paris)", "identifiant\u00a0: helene@example.fr", "Bienvenue\u202f!"} {
		if !strings.Contains(fr.Text, want) {
			t.Errorf("French text lacks %q", want)
		}
	}
	for _, bad := range []string{" :", " !", " ?", " ;"} {
		if strings.Contains(fr.Text, bad) {
			t.Errorf("French text has an ordinary space before punctuation: %q", bad)
		}
	}
	en, _ := Render(sample("en"))
	if !strings.Contains(en.Text, "21 December 2026 at 09:14 (Europe/Paris time)") || en.Subject != "Agence Lumière invites you to your client portal" {
		t.Errorf("English: %q / %q", en.Subject, en.Text)
	}
	noMessage := sample("en")
	noMessage.Message, noMessage.FirstName = "", ""
	m, _ := Render(noMessage)
	if strings.Contains(m.Text, "A message from") || strings.Contains(m.HTML, "blockquote") || !strings.HasPrefix(m.Text, "Hello,") {
		t.Errorf("optional parts: %s", m.Text)
	}
	if _, err := Render(domain.InvitationMail{Zone: "Mars/Olympus"}); err == nil {
		t.Error("an unknown time zone must fail")
	}
}

// The escaping is html/template's, in both contexts the e-mail uses (element text, href).
func TestEscapingMatchesHTMLTemplate(t *testing.T) {
	tmpl := htmltemplate.Must(htmltemplate.New("").Parse(`<a href="{{.}}">{{.}}</a>`))
	for _, s := range []string{"https://app.example.com/setup#token=abc", "https://x.test/a b?c=d&e='f'(g)+h%20~", "javascript:alert(1)",
		"JavaScript:x", "mailto:a@b.fr", "/relative?x=<y>", "Agence \"Lumière\" & <Cie> + l'été\x00", "https://é.test/ü"} {
		var want bytes.Buffer
		if err := tmpl.Execute(&want, s); err != nil {
			t.Fatal(err)
		}
		if got := `<a href="` + escapeURL(s) + `">` + escapeText(s) + `</a>`; got != want.String() {
			t.Errorf("%q:\n got %s\nwant %s", s, got, want.String())
		}
	}
}
