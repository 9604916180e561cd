package domain_test

import (
	"testing"

	"github.com/clientdesk/clientdesk/internal/domain"
)

// What each state of an import lets start: a new mapping (check) until a commit has written,
// a commit once checked, a revert once a commit has ended, and again after a revert that was
// cancelled or failed.
func TestImportStarts(t *testing.T) {
	result := &domain.ImportResult{}
	reverted := &domain.ImportRevertResult{}
	tests := []struct {
		name                  string
		im                    domain.Import
		check, commit, revert domain.Code
	}{
		{"awaiting its file", domain.Import{Status: domain.ImportAwaitingFile}, "", domain.CodeImportNotChecked, domain.CodeImportNotCommitted},
		{"checking", domain.Import{Status: domain.ImportChecking}, "", domain.CodeImportNotChecked, domain.CodeImportNotCommitted},
		{"checked", domain.Import{Status: domain.ImportChecked}, "", "", domain.CodeImportNotCommitted},
		{"unreadable", domain.Import{Status: domain.ImportUnreadable}, "", domain.CodeImportNotChecked, domain.CodeImportNotCommitted},
		{"check cancelled", domain.Import{Status: domain.ImportCancelled}, "", domain.CodeImportNotChecked, domain.CodeImportNotCommitted},
		{"committing", domain.Import{Status: domain.ImportCommitting, Result: result}, domain.CodeImportCommitted, domain.CodeImportCommitted, domain.CodeImportNotCommitted},
		{"committed", domain.Import{Status: domain.ImportCommitted, Result: result}, domain.CodeImportCommitted, domain.CodeImportCommitted, ""},
		{"commit failed", domain.Import{Status: domain.ImportFailed, Result: result}, domain.CodeImportCommitted, domain.CodeImportCommitted, ""},
		{"commit cancelled", domain.Import{Status: domain.ImportCancelled, Result: result}, domain.CodeImportCommitted, domain.CodeImportCommitted, ""},
		{"reverting", domain.Import{Status: domain.ImportReverting, Result: result, Reverted: reverted}, domain.CodeImportCommitted, domain.CodeImportCommitted, domain.CodeImportNotCommitted},
		{"reverted", domain.Import{Status: domain.ImportReverted, Result: result, Reverted: reverted}, domain.CodeImportCommitted, domain.CodeImportCommitted, domain.CodeImportNotCommitted},
		{"revert cancelled", domain.Import{Status: domain.ImportCancelled, Result: result, Reverted: reverted}, domain.CodeImportCommitted, domain.CodeImportCommitted, ""},
		{"revert failed", domain.Import{Status: domain.ImportFailed, Result: result, Reverted: reverted}, domain.CodeImportCommitted, domain.CodeImportCommitted, ""},
	}
	for _, tt := range tests {
		for phase, want := range map[string]domain.Code{domain.ImportPhaseCheck: tt.check, domain.ImportPhaseCommit: tt.commit, domain.ImportPhaseRevert: tt.revert} {
			var got domain.Code
			if err := tt.im.Starts(phase); err != nil {
				got = domain.CodeOf(err)
			}
			if got != want {
				t.Errorf("%s, %s: %q, want %q", tt.name, phase, got, want)
			}
		}
	}
}
