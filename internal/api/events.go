package api

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/clientdesk/clientdesk/internal/domain"
	"github.com/clientdesk/clientdesk/internal/store"
)

// The timeline: every change to a client is recorded as an event in the same transaction as
// the change (see the store); this file makes the events and reads them back, labelled in
// French and English so that a front end shows them without a lookup table.

// newEvent starts the event of a change that r makes to a client: a time-sortable id, the
// actor, the request id, and when the tenant's retention lets it expire.
func (a *API) newEvent(ctx context.Context, r *request, clientID string, action domain.Action, now time.Time) (*domain.Event, error) {
	actor := domain.Actor{Kind: domain.ActorStaff, ID: r.who.Subject, Name: r.who.Email}
	return a.event(ctx, r.who.Tenant, actor, r.RequestContext.RequestID, clientID, action, now)
}

// event starts the event of a change to a client by actor (a person's request, or a job).
func (a *API) event(ctx context.Context, tenant string, actor domain.Actor, requestID, clientID string, action domain.Action, now time.Time) (*domain.Event, error) {
	id, err := a.NewID()
	if err != nil {
		return nil, err
	}
	days, err := a.retentionDays(ctx, tenant)
	if err != nil {
		return nil, err
	}
	return &domain.Event{ID: id, ClientID: clientID, At: domain.At(now), Actor: actor, Action: action,
		RequestID: requestID, ExpiresAt: domain.EventExpiry(now, days).Unix()}, nil
}

// changeEvent is the event of a change from old to next (old nil: a creation), field by field.
func (a *API) changeEvent(ctx context.Context, r *request, action domain.Action, old, next *domain.Client, now time.Time) (*domain.Event, error) {
	ev, err := a.newEvent(ctx, r, next.ID, action, now)
	if err != nil {
		return nil, err
	}
	ev.Changes = domain.Diff(old, next)
	return ev, nil
}

// settingsCache keeps each tenant's settings a few minutes: an event's expiry needs the
// tenant's retention on every write, and a retention change may take that long to apply.
type settingsCache struct {
	mu       sync.Mutex
	byTenant map[string]cachedSettings
}

type cachedSettings struct {
	settings domain.Settings
	read     time.Time
}

// settingsFreshness is how long a process trusts the settings it read.
const settingsFreshness = 5 * time.Minute

func (a *API) retentionDays(ctx context.Context, tenant string) (int, error) {
	c := &a.settings
	c.mu.Lock()
	cached, ok := c.byTenant[cacheKey(ctx, tenant)]
	c.mu.Unlock()
	if ok && time.Since(cached.read) < settingsFreshness {
		return cached.settings.EventRetentionDays, nil
	}
	st, err := a.Settings.GetSettings(ctx, tenant)
	if err != nil {
		return 0, err
	}
	a.rememberSettings(ctx, tenant, st)
	return st.EventRetentionDays, nil
}

func (a *API) rememberSettings(ctx context.Context, tenant string, st domain.Settings) {
	c := &a.settings
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.byTenant == nil || len(c.byTenant) >= maxCachedTenants {
		c.byTenant = map[string]cachedSettings{}
	}
	c.byTenant[cacheKey(ctx, tenant)] = cachedSettings{settings: st, read: time.Now()}
}

// eventView is an event as a reader sees it: with the labels of its action and fields.
type eventView struct {
	ID          string            `json:"id"`
	ClientID    string            `json:"client_id"`
	At          domain.Time       `json:"at"`
	Actor       domain.Actor      `json:"actor"`
	Action      domain.Action     `json:"action"`
	ActionLabel domain.Localized  `json:"action_label"`
	Changes     []changeView      `json:"changes"`
	Details     map[string]string `json:"details,omitempty"`
	RequestID   string            `json:"request_id,omitempty"`
	JobID       string            `json:"job_id,omitempty"`
	ImportID    string            `json:"import_id,omitempty"`
	Redacted    bool              `json:"redacted"`
}

type changeView struct {
	domain.Change
	Label domain.Localized `json:"label"`
}

func viewEvent(e *domain.Event, defs domain.Definitions) eventView {
	v := eventView{ID: e.ID, ClientID: e.ClientID, At: e.At, Actor: e.Actor, Action: e.Action, ActionLabel: domain.ActionLabel(e.Action),
		Changes: make([]changeView, 0, len(e.Changes)), Details: e.Details, RequestID: e.RequestID, JobID: e.JobID, ImportID: e.ImportID,
		Redacted: e.Redacted}
	for _, c := range e.Changes {
		v.Changes = append(v.Changes, changeView{Change: c, Label: domain.FieldLabel(c.Field, defs)})
	}
	return v
}

type eventPage struct {
	Items      []eventView `json:"items"`
	NextCursor *string     `json:"next_cursor"`
}

// listClientEvents: GET /v1/clients/{id}/events, the client's timeline, newest first.
func (a *API) listClientEvents(ctx context.Context, r *request) (*response, error) {
	id, err := r.clientID()
	if err != nil {
		return nil, err
	}
	q, err := r.query("action", "limit", "cursor")
	if err != nil {
		return nil, err
	}
	eq, err := eventQuery(q)
	if err != nil {
		return nil, err
	}
	eq.ClientID = id
	resp, page, err := a.events(ctx, r, eq)
	if err != nil || len(page.Items) > 0 || eq.Cursor != "" {
		return resp, err
	}
	// No event: a client of this tenant always has its creation's (within the retention), so
	// one without any, unfiltered, is not this tenant's, or not anyone's.
	if len(eq.Actions) > 0 {
		probe := eq
		probe.Actions, probe.Limit = nil, 1
		if _, any, err := a.events(ctx, r, probe); err != nil || len(any.Items) > 0 {
			return resp, err
		}
	}
	return nil, domain.ErrClientNotFound
}

// listEvents: GET /v1/events, the tenant's activity feed, newest first.
func (a *API) listEvents(ctx context.Context, r *request) (*response, error) {
	q, err := r.query("action", "actor", "client", "after", "before", "limit", "cursor")
	if err != nil {
		return nil, err
	}
	eq, err := eventQuery(q)
	if err != nil {
		return nil, err
	}
	if raw, ok := q["client"]; ok {
		if eq.ClientID, err = parseUUID(raw, "client"); err != nil {
			return nil, domain.Errorf(domain.CodeInvalidParameter, "client")
		}
	}
	if actor, ok := q["actor"]; ok {
		if eq.ActorID = strings.TrimSpace(actor); eq.ActorID == "" || len(eq.ActorID) > 256 {
			return nil, domain.Errorf(domain.CodeInvalidParameter, "actor")
		}
	}
	for _, p := range []struct {
		name string
		dst  *domain.Time
	}{{"after", &eq.After}, {"before", &eq.Before}} {
		if raw, ok := q[p.name]; ok {
			t, ok := parseInstant(raw)
			if !ok || t.Year() < 2000 || t.Year() > 9999 {
				return nil, domain.Errorf(domain.CodeInvalidParameter, p.name)
			}
			*p.dst = domain.At(t)
		}
	}
	if !eq.After.IsZero() && !eq.Before.IsZero() && !eq.After.Before(eq.Before.Time) {
		return nil, domain.Errorf(domain.CodeInvalidParameter, "before")
	}
	resp, _, err := a.events(ctx, r, eq)
	return resp, err
}

// eventQuery reads what both event lists take: actions (comma-separated), the page size.
func eventQuery(q map[string]string) (store.EventQuery, error) {
	var eq store.EventQuery
	if raw, ok := q["action"]; ok {
		for _, a := range strings.Split(raw, ",") {
			action := domain.Action(strings.TrimSpace(a))
			if !containsAction(action) {
				return eq, domain.Errorf(domain.CodeInvalidParameter, "action")
			}
			eq.Actions = append(eq.Actions, action)
		}
	}
	var err error
	eq.Limit, err = intParam(q, "limit", DefaultLimit, 1, MaxLimit)
	eq.Cursor = q["cursor"]
	return eq, err
}

func containsAction(a domain.Action) bool {
	for _, known := range domain.Actions {
		if a == known {
			return true
		}
	}
	return false
}

func (a *API) events(ctx context.Context, r *request, eq store.EventQuery) (*response, store.EventPage, error) {
	page, err := a.Timeline.Events(ctx, r.who.Tenant, eq)
	if errors.Is(err, domain.ErrInvalidCursor) {
		return nil, page, domain.Errorf(domain.CodeInvalidCursor, "cursor")
	}
	if err != nil {
		return nil, page, err
	}
	// Custom field labels come from the definitions this process knows (no extra read).
	defs, _, err := a.cachedDefinitions(ctx, r.who.Tenant, false)
	if err != nil {
		return nil, page, err
	}
	out := eventPage{Items: make([]eventView, 0, len(page.Items))}
	for _, e := range page.Items {
		out.Items = append(out.Items, viewEvent(e, defs))
	}
	if page.NextCursor != "" {
		out.NextCursor = &page.NextCursor
	}
	resp, err := jsonResponse(http.StatusOK, out, nil)
	return resp, page, err
}
