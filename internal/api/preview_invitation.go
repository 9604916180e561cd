package api

import (
	"context"
	"net/http"

	"github.com/clientdesk/clientdesk/internal/domain"
)

// previewInvitation: GET /v1/clients/{id}/invitation/preview?message=&locale=, the exact
// subject, HTML and text that sending would produce (the link's token is a placeholder).
func (a *API) previewInvitation(ctx context.Context, r *request) (*response, error) {
	id, err := r.clientID()
	if err != nil {
		return nil, err
	}
	q, err := r.query("message", "locale")
	if err != nil {
		return nil, err
	}
	c, err := a.Clients.GetClient(ctx, r.who.Tenant, id)
	if err != nil {
		return nil, err
	}
	now := a.Now()
	next, err := domain.Invite(c, "preview", now)
	if err != nil {
		return nil, err
	}
	message, locale, err := invitationOptions(q, c, func(p string) error { return domain.Errorf(domain.CodeInvalidParameter, p) })
	if err != nil {
		return nil, err
	}
	m, err := a.invitationMail(r, c, a.setupURL("PREVIEW"), message, locale, next.Access.InvitationExpiresAt.Time)
	if err != nil {
		return nil, err
	}
	return jsonResponse(http.StatusOK, map[string]any{"to": c.Email, "locale": locale, "subject": m.Subject, "html": m.HTML, "text": m.Text}, nil)
}
