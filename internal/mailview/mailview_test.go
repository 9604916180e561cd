package mailview

import (
	"strings"
	"testing"
)

// The measures see what a person would: a word wider than a phone makes the e-mail scroll
// sideways there (not on a desktop), markup that got through unescaped is there (and runs
// no more than in a mail program: the title stays the head's), a link pushed off the screen
// is off it, the text is the text as shown (entities decoded, no-break spaces kept).
func TestMeasuresSeeWhatAPersonSees(t *testing.T) {
	bad := `<!DOCTYPE html><html><head><title>Sujet</title></head><body><p>` + strings.Repeat("x", 80) +
		`</p><p>Prêt&#160;: <b>oui</b> &amp; <script>document.title = "changed"</script>` +
		`<a href="https://example.com/off" style="position:relative;left:-500px">loin</a></p></body></html>`
	views := Open(t, bad)
	for i, v := range views {
		if v.Width != Widths[i] || v.Title != "Sujet" || v.Scripts != 1 {
			t.Errorf("at %d px (want %d): title %q, %d scripts", v.Width, Widths[i], v.Title, v.Scripts)
		}
		if !strings.Contains(v.Text, "Prêt\u00a0: oui &") {
			t.Errorf("at %d px: text %q", v.Width, v.Text)
		}
		if len(v.Links) != 1 || v.Links[0].Left >= 0 || v.Links[0].Href != "https://example.com/off" {
			t.Errorf("at %d px: links %+v", v.Width, v.Links)
		}
	}
	if views[0].ScrollWidth <= 360 || views[1].ScrollWidth > 1024 {
		t.Errorf("laid out %v px wide on a phone, %v on a desktop", views[0].ScrollWidth, views[1].ScrollWidth)
	}
}
