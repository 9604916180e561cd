package api

import (
	"context"
	"maps"
	"net/http"
	"slices"

	"github.com/clientdesk/clientdesk/internal/domain"
)

// personalData is everything held about a client, as one document (GDPR articles 15 and 20).
type personalData struct {
	Client          *domain.Client `json:"client"`
	CustomFields    []customValue  `json:"custom_fields"`
	PasswordSetAt   *domain.Time   `json:"password_set_at,omitempty"`
	InvitationsSent []domain.Time  `json:"invitations_sent"`
	Sites           []any          `json:"sites"`
	Team            []any          `json:"team"`
	Events          []eventView    `json:"events"`
	ExportedAt      domain.Time    `json:"exported_at"`
}

// customValue is one custom value with its field's labels, so the document reads alone.
type customValue struct {
	Key   string           `json:"key"`
	Label domain.Localized `json:"label"`
	Value any              `json:"value"`
}

// getPersonalData: GET /v1/clients/{id}/personal-data (admins): the record, its custom
// values with their labels, when a password was set (never the hash), when invitations were
// sent, and the whole timeline, newest first. Sites and team are listed as the client has
// them (none until those capabilities exist).
func (a *API) getPersonalData(ctx context.Context, r *request) (*response, error) {
	id, err := r.clientID()
	if err != nil {
		return nil, err
	}
	pd, err := a.Timeline.GetPersonalData(ctx, r.who.Tenant, id)
	if err != nil {
		return nil, err
	}
	out := personalData{Client: domain.ClientView(pd.Client), CustomFields: []customValue{}, PasswordSetAt: pd.PasswordSetAt,
		InvitationsSent: pd.InvitationsSent, Sites: []any{}, Team: []any{}, Events: make([]eventView, 0, len(pd.Events)),
		ExportedAt: domain.At(a.Now())}
	if out.InvitationsSent == nil {
		out.InvitationsSent = []domain.Time{}
	}
	// Every value held, including one whose definition was removed since (hidden from the
	// record's usual view, but held, so part of what the client may ask for).
	for _, k := range slices.Sorted(maps.Keys(pd.Client.CustomFields)) {
		out.CustomFields = append(out.CustomFields, customValue{Key: k, Label: domain.FieldLabel(domain.CustomColumnPrefix+k, pd.Definitions),
			Value: pd.Client.CustomFields[k]})
	}
	for i := len(pd.Events) - 1; i >= 0; i-- {
		out.Events = append(out.Events, viewEvent(pd.Events[i], pd.Definitions))
	}
	return jsonResponse(http.StatusOK, out, map[string]string{"Content-Disposition": `attachment; filename="client-` + id + `.json"`})
}
