package jobs

import (
	"flag"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/clientdesk/clientdesk/internal/domain"
	"github.com/clientdesk/clientdesk/internal/mailview"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// One golden file per kind, outcome, language and part: what the requester receives.
func TestNoticeGolden(t *testing.T) {
	for name, m := range sampleNotices(t) {
		if m.FromName != "Agence Lumière via Clientdesk" || m.ReplyTo != "claire@agence.example" {
			t.Errorf("sender %q, reply to %q", m.FromName, m.ReplyTo)
		}
		for part, got := range map[string]string{"subject.txt": m.Subject, "txt": m.Text, "html": m.HTML} {
			path := filepath.Join("testdata", "notice."+name+"."+part)
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./internal/jobs -run TestNoticeGolden -update)", err)
			}
			if got != string(want) {
				t.Errorf("%s differs from the golden file:\n%s", path, got)
			}
		}
	}
}

// The notices as the requester opens them, in a browser, on a phone and on a desktop (every
// kind, outcome and language in one run of the browser): what mailview.Check holds of every
// e-mail, and the link to the job, where there is one, whole.
func TestNoticesOpenInABrowser(t *testing.T) {
	notices := sampleNotices(t)
	names := slices.Sorted(maps.Keys(notices))
	bodies := make([]string, len(names))
	for i, name := range names {
		bodies[i] = notices[name].HTML
	}
	for i, views := range mailview.OpenAll(t, bodies) {
		m := notices[names[i]]
		for _, v := range views {
			t.Run(fmt.Sprintf("%s at %d px", names[i], v.Width), func(t *testing.T) {
				mailview.Check(t, v, m)
				if strings.Contains(m.Text, sampleJobURL) && (len(v.Links) != 1 || v.Links[0].Href != sampleJobURL || v.Links[0].Text != sampleJobURL) {
					t.Errorf("the link to the job: %+v", v.Links)
				}
			})
		}
	}
}

const sampleJobURL = "https://app.example.com/jobs/019a9b6c-3f2e-7d41-9a2e-0123456789ab"

// sampleNotices are a notice of each kind, outcome and language, by "kind.status.lang".
func sampleNotices(t *testing.T) map[string]domain.RenderedMail {
	t.Helper()
	out := map[string]domain.RenderedMail{}
	for _, kind := range []domain.JobKind{domain.JobExport, domain.JobBulk, domain.JobImport} {
		for _, status := range []domain.JobStatus{domain.JobDone, domain.JobFailed} {
			for _, lang := range []string{"fr", "en"} {
				j := &domain.Job{ID: "019a9b6c-3f2e-7d41-9a2e-0123456789ab", Kind: kind, Status: status, Locale: lang,
					TenantName: "Agence Lumière", RequesterEmail: "claire@agence.example", Separator: ";", Format: domain.FormatCSV,
					Progress: domain.JobProgress{Done: 1234, Total: 1234, Failed: 3}}
				if kind == domain.JobExport && status == domain.JobDone {
					j.File = &domain.JobFile{Name: "clients-agency-1-2026-11-22-0434-89ab.zip"}
				}
				if kind == domain.JobBulk {
					j.Bulk = &domain.BulkAction{Action: domain.BulkArchive}
				}
				m, err := Notice(j, sampleJobURL)
				if err != nil {
					t.Fatal(err)
				}
				out[string(kind)+"."+string(status)+"."+lang] = m
			}
		}
	}
	return out
}

// French and English write counts and names as their readers expect: thousands grouped
// (a narrow no-break space in French), « de » elided before a vowel.
func TestNoticeWriting(t *testing.T) {
	for _, tc := range []struct {
		n      int64
		fr, en string
	}{
		{0, "0", "0"}, {999, "999", "999"}, {1234, "1\u202f234", "1,234"}, {100000, "100\u202f000", "100,000"},
		{1234567, "1\u202f234\u202f567", "1,234,567"}, {-1234, "-1\u202f234", "-1,234"},
	} {
		if fr, en := count(tc.n, "fr"), count(tc.n, "en"); fr != tc.fr || en != tc.en {
			t.Errorf("%d: %q, %q", tc.n, fr, en)
		}
	}
	for name, want := range map[string]string{"Agence Lumière": "d’Agence Lumière", "Élan": "d’Élan", "Studio Nord": "de Studio Nord",
		"Yvelines Conseil": "d’Yvelines Conseil", "Hôtel du Port": "de Hôtel du Port", "": "de "} {
		if got := frenchOf(name); got != want {
			t.Errorf("%q: %q, want %q", name, got, want)
		}
	}
}
