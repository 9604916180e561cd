// Package invitemail writes the invitation e-mail in the client's language, from templates
// embedded in the binary. Only the functions that preview or send invitations link it (it
// carries the time zone database: Lambda's image has none).
package invitemail

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"strings"
	texttemplate "text/template"
	"time"
	_ "time/tzdata"

	"github.com/clientdesk/clientdesk/internal/domain"
)

//go:embed templates
var files embed.FS

var (
	subjects = map[string]*texttemplate.Template{}
	texts    = map[string]*texttemplate.Template{}
	htmls    = map[string]*htmltemplate.Template{}
)

func init() {
	for _, lang := range []string{"fr", "en"} {
		subjects[lang] = texttemplate.Must(texttemplate.ParseFS(files, "templates/"+lang+".subject.txt"))
		texts[lang] = texttemplate.Must(texttemplate.ParseFS(files, "templates/"+lang+".txt"))
		htmls[lang] = htmltemplate.Must(htmltemplate.ParseFS(files, "templates/"+lang+".html"))
	}
}

// Render writes the invitation in d.Locale (fr or en; anything else reads as en). The sender's
// message is escaped in the HTML part, its line breaks kept.
func Render(d domain.InvitationMail) (domain.RenderedMail, error) {
	lang := d.Locale
	if lang != "fr" {
		lang = "en"
	}
	zone, err := time.LoadLocation(d.Zone)
	if err != nil {
		return domain.RenderedMail{}, fmt.Errorf("time zone %q: %w", d.Zone, err)
	}
	view := struct {
		domain.InvitationMail
		Subject      string
		Expires      string
		MessageLines []string
	}{InvitationMail: d, Expires: FormatDate(d.Expires, lang, zone)}
	if m := strings.TrimSpace(strings.ReplaceAll(d.Message, "\r\n", "\n")); m != "" {
		view.Message = m
		view.MessageLines = strings.Split(m, "\n")
	}
	var subject, text, html bytes.Buffer
	if err := subjects[lang].Execute(&subject, view); err != nil {
		return domain.RenderedMail{}, err
	}
	view.Subject = strings.TrimSpace(subject.String())
	if err := texts[lang].Execute(&text, view); err != nil {
		return domain.RenderedMail{}, err
	}
	if err := htmls[lang].Execute(&html, view); err != nil {
		return domain.RenderedMail{}, err
	}
	return domain.RenderedMail{Subject: view.Subject, HTML: html.String(), Text: frenchIf(lang, text.String())}, nil
}

var frenchMonths = []string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"}

// FormatDate writes a date and time as a reader of lang expects, in zone.
func FormatDate(t time.Time, lang string, zone *time.Location) string {
	t = t.In(zone)
	if lang == "fr" {
		// 21 décembre 2026 à 09 h 14 (fuseau Europe/Paris)
		return fmt.Sprintf("%d %s %d à %02d\u00a0h\u00a0%02d (fuseau %s)", t.Day(), frenchMonths[t.Month()-1], t.Year(), t.Hour(), t.Minute(), zone.String())
	}
	return fmt.Sprintf("%d %s %d at %02d:%02d (%s time)", t.Day(), t.Month(), t.Year(), t.Hour(), t.Minute(), zone.String())
}

func frenchIf(lang, s string) string {
	if lang == "fr" {
		return domain.FrenchTypography(s)
	}
	return s
}
