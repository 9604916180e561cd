package invitemail

import (
	"strings"
	"testing"

	"github.com/clientdesk/clientdesk/internal/domain"
	"github.com/clientdesk/clientdesk/internal/mailview"
)

// The invitation as a person opens it, in a browser, on a phone and on a desktop: its title
// the subject; every line of the text part shown (the two parts say the same); the custom
// message shown as text, none of its markup alive; nothing wider than the screen; the button
// and the link to the invitation within the width, the button a finger's size.
func TestOpensInABrowser(t *testing.T) {
	for _, lang := range []string{"fr", "en"} {
		m, err := Render(sample(lang))
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range mailview.Open(t, m.HTML) {
			// The text part's own: the way to the link (the HTML's button), its signature.
			w := languages[lang]
			open, signature := w.textOpen, "— "+sample(lang).TenantName
			if lang == "fr" {
				open = domain.FrenchTypography(open)
			}
			mailview.Check(t, v, m, open, signature)
			button := false
			for _, l := range v.Links {
				button = button || (l.Href == sample(lang).URL && l.Height >= 40 && l.FontSize >= 16)
			}
			if !button {
				t.Errorf("%s at %d px: no button of a finger's size to the invitation: %+v", lang, v.Width, v.Links)
			}
			if !strings.Contains(v.Text, "<script>alert('x')</script>") {
				t.Errorf("%s at %d px: the message is not shown as it was written:\n%s", lang, v.Width, v.Text)
			}
		}
	}
}
