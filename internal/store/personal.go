package store

import (
	"context"
	"strings"

	"github.com/clientdesk/clientdesk/internal/domain"
)

// PersonalData is everything the table holds about one client (GDPR articles 15 and 20):
// the record, when a password was set (never its hash), when invitations were sent, and
// every event of its timeline. Its search words, claims and counters are derived from the
// record and hold nothing more.
type PersonalData struct {
	Client          *domain.Client
	Definitions     domain.Definitions
	PasswordSetAt   *domain.Time
	InvitationsSent []domain.Time
	Events          []*domain.Event
}

// GetPersonalData reads the client's whole collection (one Query, more pages for a long
// history) and the definitions that name its custom values.
func (s *Store) GetPersonalData(ctx context.Context, tenant, id string) (PersonalData, error) {
	items, err := s.collection(ctx, tenant, id)
	if err != nil {
		return PersonalData{}, err
	}
	var pd PersonalData
	for _, it := range items {
		switch sk := attrString(it, "SK"); {
		case sk == clientSK:
			ci, err := decode[clientItem](it)
			if err != nil {
				return pd, err
			}
			pd.Client = &ci.Client
		case sk == credentialSK:
			c, err := decode[credentialItem](it)
			if err != nil {
				return pd, err
			}
			pd.PasswordSetAt = domain.AtPtr(c.SetAt)
		case sk == quotaSK:
			q, err := decode[quotaItem](it)
			if err != nil {
				return pd, err
			}
			for _, t := range q.Sent {
				pd.InvitationsSent = append(pd.InvitationsSent, domain.At(unix(t)))
			}
		case strings.HasPrefix(sk, eventPrefix):
			e, err := decode[eventItem](it)
			if err != nil {
				return pd, err
			}
			pd.Events = append(pd.Events, &e.Event)
		}
	}
	if pd.Client == nil {
		return pd, domain.ErrClientNotFound
	}
	pd.Definitions, _, err = s.GetDefinitions(ctx, tenant)
	return pd, err
}
