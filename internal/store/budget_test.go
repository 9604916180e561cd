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
}
