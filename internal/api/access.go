package api

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"time"

	"github.com/clientdesk/clientdesk/internal/domain"
	"github.com/clientdesk/clientdesk/internal/retry"
	"github.com/clientdesk/clientdesk/internal/store"
)

// readClient is a client and the definitions already read by the caller.
type readClient struct {
	client *domain.Client
	defs   domain.Definitions
}

// changeAccess reads a client (unless the caller has: first), lets change compute its next
// state and what goes with it, and writes both in one transaction. These actions take no
// If-Match: on a concurrent edit the client is read again and change re-applied, so its own
// rules see the news.
func (a *API) changeAccess(ctx context.Context, tenant, id string, first *readClient,
	change func(*domain.Client) (*domain.Client, store.Transition, error)) (*domain.Client, domain.Definitions, error) {
	var next *domain.Client
	var defs domain.Definitions
	err := retry.OnConflict(ctx, 8, func(attempt int) error {
		var c *domain.Client
		var err error
		if attempt == 0 && first != nil {
			c, defs = first.client, first.defs
		} else if c, defs, err = a.Clients.GetClientWithDefinitions(ctx, tenant, id); err != nil {
			return err
		}
		var t store.Transition
		if next, t, err = change(c); err != nil {
			return err
		}
		err = a.Access.ChangeAccess(ctx, tenant, c, next, defs, t)
		if errors.Is(err, domain.ErrPreconditionFailed) {
			return retry.Conflict(err)
		}
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return next, defs, nil
}

// accessEvent is the event of an access change from cur to next, with its details.
func (a *API) accessEvent(ctx context.Context, r *request, action domain.Action, cur, next *domain.Client, now time.Time, details map[string]string) (*domain.Event, error) {
	ev, err := a.changeEvent(ctx, r, action, cur, next, now)
	if err != nil {
		return nil, err
	}
	ev.Details = details
	return ev, nil
}

// setupURL is the link a client opens. The token rides in the fragment, which browsers do
// not send to servers or put in Referer headers.
func (a *API) setupURL(token string) string { return a.SetupURL + "#token=" + token }

// clientResponse is a client as staff see it, with its new ETag.
func clientResponse(status int, c *domain.Client, defs domain.Definitions, extra map[string]any) (*response, error) {
	body := map[string]any{"client": view(c, defs)}
	for k, v := range extra {
		body[k] = v
	}
	return jsonResponse(status, body, map[string]string{"ETag": c.ETag()})
}

// decodeMembers reads a small JSON object whose members are all strings (an empty body is an
// empty object), one field error per unknown member or wrong type.
func decodeMembers(body []byte, allowed ...string) (map[string]string, error) {
	out := map[string]string{}
	if len(bytes.TrimSpace(body)) == 0 {
		return out, nil
	}
	d, err := domain.NewObjectDecoder(body)
	if err != nil {
		return nil, err
	}
	d.Members(allowed, nil)
	for _, name := range allowed {
		var v string
		d.Field(name, &v, "string")
		if v != "" {
			out[name] = v
		}
	}
	return out, d.Err()
}

// invitationOptions reads the sender's message and the language of an invitation, from a
// body or a query string: the message is plain text, the language fr or en (by default the
// client's).
func invitationOptions(in map[string]string, c *domain.Client, where func(string) error) (message, locale string, err error) {
	message, code := domain.PlainText(in["message"], domain.MaxMessageLen)
	if code != "" {
		return "", "", where("message")
	}
	locale = in["locale"]
	if locale == "" {
		locale = c.Locale
	}
	if !slices.Contains(domain.Locales, locale) {
		return "", "", where("locale")
	}
	return message, locale, nil
}

func (a *API) invitationMail(r *request, c *domain.Client, url, message, locale string, expires time.Time) (domain.RenderedMail, error) {
	return a.RenderInvitation(domain.InvitationMail{Locale: locale, TenantName: r.who.TenantName, FirstName: c.FirstName,
		Email: c.Email, URL: url, Message: message, Expires: expires, Zone: a.Zone})
}
