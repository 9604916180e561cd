package store

import (
	"testing"

	"github.com/clientdesk/clientdesk/internal/domain"
)

// The worst client write, by the validation's own bounds, fits one transaction: the record,
// its unique claims moved (release and claim each), every word and tag replaced (delete and
// put each), the counter, and what an operation adds (idempotency record and its reference,
// definitions check, a link put and one deleted, a credential, the event).
func TestWriteBudget(t *testing.T) {
	filing := 1 + 2*len(uniqueClaims) + 2*domain.MaxSearchTerms + 2*domain.MaxTags + 1
	const extras = 7
	if filing+extras > maxTransactActions {
		t.Fatalf("a client write may plan %d actions; DynamoDB allows %d", filing+extras, maxTransactActions)
	}
	t.Logf("worst client write: %d actions of %d", filing+extras, maxTransactActions)
	// A removal takes everything the client is filed under (every word, tag, claim and team
	// membership), its counter, credential, quota, pending link, and records its event.
	removal := 1 + len(uniqueClaims) + domain.MaxSearchTerms + domain.MaxTags + 1 + domain.MaxTeam + 4
	if removal > maxTransactActions {
		t.Fatalf("a removal may plan %d actions; DynamoDB allows %d", removal, maxTransactActions)
	}
	t.Logf("worst removal: %d actions of %d", removal, maxTransactActions)
}

// A site's write and an assignment fit too: a site changes its record, moves its three claims
// (release and claim each) and every word (delete and put each), with the idempotency record
// of a create; an assignment moves the client to its new status (the record, every word and
// tag put again, the counter), writes both copies of the assignment, the site's count and the
// event. TestWorstCaseAssignments runs the latter against the emulator.
func TestSiteWriteBudget(t *testing.T) {
	site := 1 + 2*len(siteClaims) + 2*domain.MaxSearchTerms + 1
	assignment := 1 + domain.MaxSearchTerms + domain.MaxTags + 1 + 2 + 1 + 1
	for name, n := range map[string]int{"site write": site, "assignment": assignment} {
		if n > maxTransactActions {
			t.Errorf("a %s may plan %d actions; DynamoDB allows %d", name, n, maxTransactActions)
		}
		t.Logf("worst %s: %d actions of %d", name, n, maxTransactActions)
	}
}
