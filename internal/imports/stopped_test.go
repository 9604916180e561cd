package imports

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/clientdesk/clientdesk/internal/domain"
	"github.com/clientdesk/clientdesk/internal/jobs"
	"github.com/clientdesk/clientdesk/internal/phone"
)

// An import's job cancelled while no run holds it (after a run that died, before the next)
// ends its import as cancelled, in every phase, with the counts its last report held: the
// import never stays checking, committing or reverting with no job to move it on.
func TestImportCancelledBetweenRuns(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		phase string
		from  domain.ImportStatus
		set   func(*domain.Import)
	}{
		{domain.ImportPhaseCheck, domain.ImportChecking, func(im *domain.Import) {}},
		{domain.ImportPhaseCommit, domain.ImportCommitting, func(im *domain.Import) { im.Result = &domain.ImportResult{} }},
		{domain.ImportPhaseRevert, domain.ImportReverting, func(im *domain.Import) {
			im.Result, im.Reverted = &domain.ImportResult{Created: 3}, &domain.ImportRevertResult{}
		}},
	} {
		t.Run(tc.phase, func(t *testing.T) {
			st, _, files := benchEmulators(t)
			w := NewWorker(st, nil, &jobs.Queue{}, &jobs.Files{S3: files.Client(), Bucket: benchBucket}, nil, nil, phone.E164, time.Now,
				slog.New(slog.DiscardHandler))
			im, job := benchImport(t, st, files, []byte("Nom\r\nDupont\r\n"), tc.phase, func(im *domain.Import) {
				im.Status = tc.from
				tc.set(im)
			})
			// A run took the job, reported a page, and died: the job is running, its
			// cancellation requested, and the message comes back.
			if _, err := st.ClaimJob(ctx, "agency-1", job.ID, "dead-run", time.Now()); err != nil {
				t.Fatal(err)
			}
			resume := &domain.JobResume{Row: 2, Result: &domain.ImportResult{Rows: 2, Created: 2}, Reverted: &domain.ImportRevertResult{Deleted: 2}}
			if _, err := st.ReportProgress(ctx, "agency-1", job.ID, "dead-run", domain.JobProgress{Done: 2}, resume); err != nil {
				t.Fatal(err)
			}
			if _, err := st.CancelJob(ctx, "agency-1", job.ID, time.Now()); err != nil {
				t.Fatal(err)
			}
			runJob(t, w, job)
			got, err := st.GetImport(ctx, "agency-1", im.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != domain.ImportCancelled {
				t.Fatalf("import %s after its job was cancelled", got.Status)
			}
			switch tc.phase {
			case domain.ImportPhaseCommit:
				if got.Result == nil || got.Result.Created != 2 {
					t.Errorf("result %+v", got.Result)
				}
			case domain.ImportPhaseRevert:
				if got.Reverted == nil || got.Reverted.Deleted != 2 {
					t.Errorf("reverted %+v", got.Reverted)
				}
			}
		})
	}
}
