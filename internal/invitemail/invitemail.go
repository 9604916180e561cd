// Package invitemail writes the invitation e-mail in the client's language. Only the functions
// that preview or send invitations link it (it carries the time zone database: Lambda's image
// has none).
//
// The parts are written by plain Go, not by text/template or html/template: those packages
// call methods by reflection, which makes the linker keep every exported method of every
// type in the binary (measured: send-invitation went from 15.5 MB to 10.0 MB without them). The HTML escaping is done
// as html/template does it in each context (escapeText, escapeURL), and golden files in
// testdata hold what a client receives.
package invitemail

import (
	"fmt"
	"strings"
	"time"

	"github.com/clientdesk/clientdesk/internal/config"
	"github.com/clientdesk/clientdesk/internal/domain"
)

// words are an invitation's sentences in one language; %s is the tenant's name.
type words struct {
	lang, subject, hello, access, messageFrom, activate, username, personal, copyLink, ignore string
	// The text part's sentences where they differ from the HTML's.
	textMessageFrom, textOpen, textUsername, textIgnore string
}

var languages = map[string]words{
	"fr": {lang: "fr", subject: "%s vous invite à accéder à votre espace client", hello: "Bonjour",
		access: "%s vous ouvre l’accès à votre espace client.", messageFrom: "%s vous écrit&#160;:", activate: "Activer mon accès",
		username: "Votre identifiant&#160;: ", personal: "Ce lien est personnel et ne sert qu’une fois. Il expire le ",
		copyLink:        "Le bouton ne fonctionne pas&#160;? Copiez ce lien dans votre navigateur&#160;:",
		ignore:          "Si vous n’attendiez pas ce message, ignorez-le&#160;: aucun accès ne sera créé.",
		textMessageFrom: "%s vous écrit :", textOpen: "Pour choisir votre mot de passe et activer votre accès, ouvrez ce lien :",
		textUsername: "Votre identifiant : ", textIgnore: "Si vous n’attendiez pas ce message, ignorez-le : aucun accès ne sera créé."},
	"en": {lang: "en", subject: "%s invites you to your client portal", hello: "Hello",
		access: "%s has given you access to your client portal.", messageFrom: "A message from %s:", activate: "Activate my access",
		username: "Your username: ", personal: "This link is personal and works once. It expires on ",
		copyLink:        "Button not working? Copy this link into your browser:",
		ignore:          "If you were not expecting this e-mail, ignore it: no access will be created.",
		textMessageFrom: "A message from %s:", textOpen: "To choose your password and activate your access, open this link:",
		textUsername: "Your username: ", textIgnore: "If you were not expecting this e-mail, ignore it: no access will be created."},
}

// Render writes the invitation in d.Locale (fr or en; anything else reads as en). The sender's
// message is escaped in the HTML part, its line breaks kept.
func Render(d domain.InvitationMail) (domain.RenderedMail, error) {
	lang := d.Locale
	if lang != "fr" {
		lang = "en"
	}
	zone, err := config.LoadZone(d.Zone)
	if err != nil {
		return domain.RenderedMail{}, fmt.Errorf("time zone %q: %w", d.Zone, err)
	}
	w := languages[lang]
	expires := FormatDate(d.Expires, lang, zone)
	message := strings.TrimSpace(strings.ReplaceAll(d.Message, "\r\n", "\n"))
	subject := fmt.Sprintf(w.subject, d.TenantName)
	hello := w.hello
	if d.FirstName != "" {
		hello += " " + d.FirstName
	}

	var t strings.Builder
	t.WriteString(hello + ",\n\n" + fmt.Sprintf(w.access, d.TenantName))
	if message != "" {
		t.WriteString("\n\n" + fmt.Sprintf(w.textMessageFrom, d.TenantName) + "\n" + message)
	}
	t.WriteString("\n\n" + w.textOpen + "\n" + d.URL + "\n\n" + w.textUsername + d.Email + "\n" + w.personal + expires + ".\n\n" +
		w.textIgnore + "\n\n— " + d.TenantName + "\n")
	text := t.String()
	if lang == "fr" {
		text = domain.FrenchTypography(text)
	}

	tenant, link := escapeText(d.TenantName), escapeURL(d.URL)
	var h strings.Builder
	h.WriteString(`<!DOCTYPE html>
<html lang="` + w.lang + `">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>` + escapeText(subject) + `</title></head>
<body style="margin:0;padding:24px;background:#f4f5f7;font-family:Helvetica,Arial,sans-serif;color:#1f2430">
<table role="presentation" width="100%" style="max-width:560px;margin:0 auto;background:#ffffff;border-radius:8px;padding:32px">
<tr><td>
<p style="font-size:16px">` + escapeText(hello) + `,</p>
<p style="font-size:16px">` + fmt.Sprintf(w.access, tenant) + `</p>`)
	if message != "" {
		lines := strings.Split(message, "\n")
		for i, l := range lines {
			if lang == "fr" {
				l = domain.FrenchTypography(l) // as in the text part: no line starts with its "!"
			}
			lines[i] = escapeText(l)
		}
		h.WriteString(`
<p style="font-size:14px;color:#555">` + fmt.Sprintf(w.messageFrom, tenant) + `</p>
<blockquote style="margin:0 0 16px;padding:12px 16px;border-left:4px solid #d0d4dc;font-size:15px">` + strings.Join(lines, "<br>") + `</blockquote>`)
	}
	h.WriteString(`
<p style="text-align:center;margin:32px 0"><a href="` + link + `" style="background:#2453d4;color:#ffffff;text-decoration:none;padding:14px 28px;border-radius:6px;font-size:16px;font-weight:bold">` + w.activate + `</a></p>
<p style="font-size:14px">` + w.username + `<strong>` + escapeText(d.Email) + `</strong></p>
<p style="font-size:14px;color:#555">` + w.personal + escapeText(expires) + `.</p>
<p style="font-size:13px;color:#777">` + w.copyLink + `<br><a href="` + link + `" style="color:#2453d4;word-break:break-all">` + escapeText(d.URL) + `</a></p>
<p style="font-size:13px;color:#777">` + w.ignore + `</p>
</td></tr>
</table>
</body>
</html>
`)
	return domain.RenderedMail{Subject: subject, HTML: h.String(), Text: text}, nil
}

// escapeText escapes text for an HTML element's content as html/template does: the five
// characters that could open markup or an attribute, and + (which UTF-7 sniffing browsers
// once read as markup), NUL as U+FFFD.
var escapeText = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;", "+", "&#43;", "\x00", "\uFFFD").Replace

// escapeURL writes a link for an href as html/template does: a scheme other than http(s) or
// mailto is refused (#ZgotmplZ), bytes outside a URL's characters are percent-encoded, then
// the result is escaped for the attribute.
func escapeURL(u string) string {
	if i := strings.IndexAny(u, ":/?#"); i >= 0 && u[i] == ':' {
		if scheme := strings.ToLower(u[:i]); scheme != "http" && scheme != "https" && scheme != "mailto" {
			return "#ZgotmplZ"
		}
	}
	var b strings.Builder
	for i := 0; i < len(u); i++ {
		c := u[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', strings.IndexByte("-._~!#$&*+,/:;=?@[]%", c) >= 0:
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "%%%02x", c)
		}
	}
	return escapeText(b.String())
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
