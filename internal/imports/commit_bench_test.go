package imports

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/clientdesk/clientdesk/internal/api"
	"github.com/clientdesk/clientdesk/internal/auth"
	"github.com/clientdesk/clientdesk/internal/domain"
	"github.com/clientdesk/clientdesk/internal/jobs"
	"github.com/clientdesk/clientdesk/internal/phone"
	"github.com/clientdesk/clientdesk/internal/store"
)

// BenchmarkCommitRun commits a French file of new clients on the emulators, as the import
// worker does from its message, through the API's write path: rows a second on this machine,
// DynamoDB requests, items and write units a row, and the write units a row costs on the
// hottest partition keys of the tenant (what DynamoDB's 1,000 write units a second per
// partition key bounds: at 500 rows a second, a key at 2 units a row is at 1,000). With
// revert, the commit is followed by its revert, which alone is measured.
func BenchmarkCommitRun(b *testing.B) {
	ctx := context.Background()
	for _, bc := range []struct {
		n      int
		revert bool
	}{{200, false}, {1_000, false}, {200, true}} {
		n := bc.n
		name := fmt.Sprintf("rows=%d", n)
		if bc.revert {
			name += "/revert"
		}
		b.Run(name, func(b *testing.B) {
			st, m, files := benchEmulators(b)
			a := api.New(api.Stores{Clients: st, Fields: st, Access: st, Jobs: st, Imports: st, Idempotency: st, Timeline: st, Settings: st,
				Sites: st, Staff: st}, auth.DefaultClaimNames, slog.New(slog.DiscardHandler))
			a.Phones = phone.E164
			w := NewWorker(st, a, &jobs.Queue{}, &jobs.Files{S3: files.Client(), Bucket: benchBucket}, nil, nil, phone.E164, time.Now,
				slog.New(slog.DiscardHandler))
			var rows int
			var elapsed time.Duration
			var c store.Counts
			for b.Loop() {
				data := commitFile(n)
				headers := strings.Split(strings.SplitN(string(data), "\r\n", 2)[0], ";")
				im, job := benchImport(b, st, files, data, domain.ImportPhaseCommit, func(im *domain.Import) {
					im.Status, im.Mode, im.Match, im.Country = domain.ImportCommitting, domain.ImportCreateOnly, domain.ImportMatchEmail, "FR"
					im.Report, im.Columns = &domain.ImportReport{}, DetectMapping(headers, nil)
				})
				m.Reset()
				took := runJob(b, w, job)
				got, err := st.GetImport(ctx, "agency-1", im.ID)
				if err != nil || got.Status != domain.ImportCommitted || got.Result.Created != n {
					page, _ := st.ImportErrors(ctx, "agency-1", got, "", 5)
					b.Fatalf("committed: %v %+v %+v", err, got.Result, page.Items)
				}
				if bc.revert {
					job := &domain.Job{ID: uuid.Must(uuid.NewV7()).String(), Kind: domain.JobImport, Status: domain.JobQueued, Locale: "fr",
						CreatedAt: domain.At(time.Now()), Import: &domain.ImportTask{ImportID: im.ID, Version: got.Version + 1, Phase: domain.ImportPhaseRevert}}
					next := *got
					next.Version, next.Status, next.JobID, next.Reverted = got.Version+1, domain.ImportReverting, job.ID, &domain.ImportRevertResult{}
					if err := st.StartImportJob(ctx, "agency-1", &next, got.Version, job, n); err != nil {
						b.Fatal(err)
					}
					m.Reset()
					took = runJob(b, w, job)
					if got, err = st.GetImport(ctx, "agency-1", im.ID); err != nil || got.Status != domain.ImportReverted || got.Reverted.Deleted != n {
						b.Fatalf("reverted: %v %+v", err, got)
					}
				}
				elapsed += took
				c = m.Snapshot()
				rows += n
			}
			per := float64(n)
			b.ReportMetric(float64(rows)/elapsed.Seconds(), "rows/s")
			b.ReportMetric(float64(c.Requests)/per, "requests/row")
			b.ReportMetric(float64(c.ItemsWritten)/per, "items-written/row")
			total := 0.0
			for _, u := range c.WriteUnitsByKey {
				total += u
			}
			b.ReportMetric(total/per, "WCU/row")
			for i, k := range c.HottestUnits(4) {
				b.Logf("hottest key %d: %s %.2f WCU a row (%.0f WCU/s at 500 rows/s)", i+1, k.Key, k.Units/per, 500*k.Units/per)
			}
		})
	}
}

// commitFile is a French file of n new clients, each with a tag every row shares.
func commitFile(n int) []byte {
	var b bytes.Buffer
	b.WriteString("Prénom;Nom;E-mail;Téléphone;Ville;Étiquettes\r\n")
	firsts := []string{"Hélène", "Jean", "Marie", "François", "Chloé", "Lucas"}
	lasts := []string{"Martin", "Bernard", "Dubois", "Lefèvre", "Moreau", "Garnier"}
	for i := range n {
		fmt.Fprintf(&b, "%s;%s %d;client%d@gmail.com;06 12 %02d %02d %02d;Paris;import-2026\r\n",
			firsts[i%6], lasts[(i/6)%6], i, i, i%100, (i/100)%100, (i/7)%100)
	}
	return b.Bytes()
}
