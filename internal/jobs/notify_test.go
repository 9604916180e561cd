package jobs

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/clientdesk/clientdesk/internal/domain"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// One golden file per kind, outcome, language and part: what the requester receives.
func TestNoticeGolden(t *testing.T) {
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
				m, err := Notice(j, "https://app.example.com/jobs/"+j.ID)
				if err != nil {
					t.Fatal(err)
				}
				if m.FromName != "Agence Lumière via Clientdesk" || m.ReplyTo != "claire@agence.example" {
					t.Errorf("sender %q, reply to %q", m.FromName, m.ReplyTo)
				}
				for part, got := range map[string]string{"subject.txt": m.Subject, "txt": m.Text, "html": m.HTML} {
					path := filepath.Join("testdata", "notice."+string(kind)+"."+string(status)+"."+lang+"."+part)
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
	}
}
