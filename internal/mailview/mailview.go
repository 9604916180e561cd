// Package mailview opens an HTML e-mail in a browser, as a person's mail program shows it, and
// reports what that person sees: for the tests of every e-mail the service sends (and, with
// DumpDOM, any page a test needs a browser for). The
// browser is headless Chromium (Debian's chromium, which `make test` installs through
// infra/tools/debian.sh); a test without it skips, saying so.
//
// The e-mail is laid out in frames of a phone's width and a desktop's (Chromium's own window
// is never narrower than 500 px), from its HTML as sent (srcdoc: no network, no file). Mail
// programs run no script, and neither does the e-mail here (the frames are sandboxed): only
// the page around them measures them, once everything is laid out, and writes what it
// measured into the page that Chromium prints (--dump-dom).
package mailview

import (
	"encoding/json"
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/clientdesk/clientdesk/internal/domain"
)

// Widths are the frame widths an e-mail is opened at, in CSS pixels: a phone's, a desktop
// mail program's reading pane.
var Widths = []int{360, 1024}

// View is what a person sees of an e-mail at one width.
type View struct {
	Width int
	Title string
	// Text is the text as rendered (innerText: entities decoded, markup gone).
	Text string
	// ScrollWidth is the width of what was laid out: above Width, the person must scroll
	// sideways.
	ScrollWidth float64
	// Scripts are the script elements the e-mail holds once parsed (a person's mail program
	// would run none; one here means markup got through unescaped).
	Scripts int
	Links   []Link
}

// Link is a link as laid out.
type Link struct {
	Href, Text                 string
	Left, Right, Width, Height float64
	// FontSize is its computed font size, in CSS pixels.
	FontSize float64
}

// Open lays out the e-mail's HTML at each of Widths in Chromium and returns what it shows.
func Open(t testing.TB, body string) []View {
	t.Helper()
	return OpenAll(t, []string{body})[0]
}

// OpenAll is Open for several e-mails, in one run of Chromium: for each, its views.
func OpenAll(t testing.TB, bodies []string) [][]View {
	t.Helper()
	chromium := Chromium(t, "the e-mail")
	var page strings.Builder
	page.WriteString(`<!DOCTYPE html><html><head><meta charset="utf-8"></head><body style="margin:0">`)
	for _, body := range bodies {
		for _, w := range Widths {
			page.WriteString(`<iframe sandbox="allow-same-origin" style="display:block;border:0;height:3000px;width:` + strconv.Itoa(w) + `px" srcdoc="` +
				html.EscapeString(body) + `"></iframe>`)
		}
	}
	page.WriteString(measure + `</body></html>`)
	path := filepath.Join(t.TempDir(), "mail.html")
	if err := os.WriteFile(path, []byte(page.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	out := DumpDOM(t, chromium, "file://"+path)
	m := measured.FindSubmatch(out)
	if m == nil {
		t.Fatalf("chromium printed no measure of the e-mails:\n%.2000s", out)
	}
	var views []View
	if err := json.Unmarshal([]byte(html.UnescapeString(string(m[1]))), &views); err != nil {
		t.Fatalf("the measure: %v", err)
	}
	if len(views) != len(bodies)*len(Widths) {
		t.Fatalf("%d views measured, want %d", len(views), len(bodies)*len(Widths))
	}
	var all [][]View
	for i := range bodies {
		all = append(all, views[i*len(Widths):(i+1)*len(Widths)])
	}
	return all
}

// Chromium is the path of the headless browser; without it the test skips, saying that
// what was not opened in a browser.
func Chromium(t testing.TB, what string) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("SKIPPED: Chromium is not installed here, so " + what + " was not opened in a browser. " +
		"`make test` installs Debian's chromium through infra/tools/debian.sh and said why it could not.")
	return ""
}

// DumpDOM opens url in headless Chromium (a profile of its own, a desktop's window) and
// returns the document as it stands once the page has loaded and its scripts and requests
// have run (within 10 s of the page's time).
func DumpDOM(t testing.TB, chromium, url string) []byte {
	t.Helper()
	cmd := exec.Command(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
		"--user-data-dir="+filepath.Join(t.TempDir(), "profile"), "--window-size=1100,900", "--virtual-time-budget=10000",
		"--dump-dom", url)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("chromium: %v", err)
	}
	return out
}

var measured = regexp.MustCompile(`(?s)<pre id="measured">(.*?)</pre>`)

// measure runs in the page around the frames, once they are laid out.
const measure = `<script>
window.addEventListener("load", function () {
  var views = [];
  document.querySelectorAll("iframe").forEach(function (f) {
    var d = f.contentDocument, w = f.contentWindow;
    var v = {Width: f.clientWidth, Title: d.title, Text: d.body.innerText,
      ScrollWidth: d.documentElement.scrollWidth, Scripts: d.querySelectorAll("script").length, Links: []};
    d.querySelectorAll("a").forEach(function (a) {
      var r = a.getBoundingClientRect();
      v.Links.push({Href: a.getAttribute("href"), Text: a.innerText, Left: r.left, Right: r.right, Width: r.width,
        Height: r.height, FontSize: parseFloat(w.getComputedStyle(a).fontSize)});
    });
    views.push(v);
  });
  var p = document.createElement("pre");
  p.id = "measured";
  p.textContent = JSON.stringify(views);
  document.body.appendChild(p);
});
</script>`

// Check holds what every e-mail must show at any width: its subject as its title; each line
// of its text part in the browser's text (spaces and line breaks aside: the HTML part says
// what the text part says), but the lines given as the text part's own (its way to a link a
// button shows, its signature); no markup alive; nothing wider than the screen, every link
// within it.
func Check(t testing.TB, v View, m domain.RenderedMail, textOnly ...string) {
	t.Helper()
	if v.Title != m.Subject {
		t.Errorf("at %d px: title %q, subject %q", v.Width, v.Title, m.Subject)
	}
	shown := words(v.Text)
	for _, line := range strings.Split(m.Text, "\n") {
		if w := words(line); w != "" && !slices.Contains(textOnly, line) && !strings.Contains(shown, w) {
			t.Errorf("at %d px: the text part's line %q is not shown:\n%s", v.Width, line, v.Text)
		}
	}
	if v.Scripts != 0 {
		t.Errorf("at %d px: %d script elements in the e-mail", v.Width, v.Scripts)
	}
	if v.ScrollWidth > float64(v.Width) {
		t.Errorf("at %d px: laid out %v px wide, the person scrolls sideways", v.Width, v.ScrollWidth)
	}
	for _, l := range v.Links {
		if l.Width == 0 || l.Height == 0 || l.Left < 0 || l.Right > float64(v.Width) {
			t.Errorf("at %d px: link %q to %s not within the screen (%v–%v px, %v×%v)", v.Width, l.Text, l.Href, l.Left, l.Right, l.Width, l.Height)
		}
	}
}

// words is s with each run of spaces and line breaks one space; no-break spaces are kept
// apart (French typography puts them before : ; ! ? and in « »), as characters of the words.
func words(s string) string {
	return strings.Join(strings.Fields(keepNoBreak.Replace(s)), " ")
}

var keepNoBreak = strings.NewReplacer("\u00a0", "\x00", "\u202f", "\x01")
