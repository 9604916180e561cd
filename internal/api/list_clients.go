package api

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/clientdesk/clientdesk/internal/domain"
	"github.com/clientdesk/clientdesk/internal/store"
)

// List page sizes.
const (
	DefaultLimit = 25
	MaxLimit     = 100
)

type listResponse struct {
	Items      []json.RawMessage `json:"items"`
	NextCursor *string           `json:"next_cursor"`
}

// listClients: GET /v1/clients: search, filters, sort, choosable fields, cursor pages.
func (a *API) listClients(ctx context.Context, r *request) (*response, error) {
	q, err := r.query("q", "status", "archived", "tag", "created_after", "created_before", "sort", "fields", "limit", "cursor")
	if err != nil {
		return nil, err
	}
	lq, fields, err := parseListQuery(q)
	if err != nil {
		return nil, err
	}
	page, err := a.Clients.ListClients(ctx, r.who.Tenant, lq)
	if err != nil {
		return nil, err
	}
	out := listResponse{Items: make([]json.RawMessage, 0, len(page.Items))}
	for _, c := range page.Items {
		item, err := project(view(c, page.Definitions), fields)
		if err != nil {
			return nil, err
		}
		out.Items = append(out.Items, item)
	}
	if page.NextCursor != "" {
		out.NextCursor = &page.NextCursor
	}
	return jsonResponse(http.StatusOK, out, nil)
}

// parseListQuery checks every list parameter; a bad one is a 400 naming it.
func parseListQuery(q map[string]string) (store.ListQuery, []string, error) {
	var lq store.ListQuery
	var err error
	bad := func(name string) (store.ListQuery, []string, error) {
		return store.ListQuery{}, nil, domain.Errorf(domain.CodeInvalidParameter, name)
	}
	if lq.Limit, err = intParam(q, "limit", DefaultLimit, 1, MaxLimit); err != nil {
		return store.ListQuery{}, nil, err
	}
	lq.Cursor = q["cursor"]
	lq.Q = strings.TrimSpace(q["q"])
	if utf8.RuneCountInString(lq.Q) > domain.MaxQueryLen || !utf8.ValidString(lq.Q) {
		return bad("q")
	}
	if raw, ok := q["status"]; ok {
		for _, s := range strings.Split(raw, ",") {
			st := domain.Status(strings.TrimSpace(s))
			if !slices.Contains(domain.Statuses, st) {
				return bad("status")
			}
			if !slices.Contains(lq.Statuses, st) {
				lq.Statuses = append(lq.Statuses, st)
			}
		}
	}
	switch q["archived"] {
	case "", "false":
	case "true":
		lq.Archived = true
	default:
		return bad("archived")
	}
	if tag, ok := q["tag"]; ok {
		lq.Tag = strings.TrimSpace(tag)
		if lq.Tag == "" || utf8.RuneCountInString(lq.Tag) > domain.MaxTagLen {
			return bad("tag")
		}
	}
	for name, dst := range map[string]*time.Time{"created_after": &lq.CreatedAfter, "created_before": &lq.CreatedBefore} {
		if raw, ok := q[name]; ok {
			t, ok := parseInstant(raw)
			if !ok {
				return bad(name)
			}
			*dst = t
		}
	}
	if !lq.CreatedAfter.IsZero() && !lq.CreatedBefore.IsZero() && !lq.CreatedAfter.Before(lq.CreatedBefore) {
		return bad("created_before")
	}
	if sort, ok := q["sort"]; ok {
		if !slices.Contains(store.Sorts, sort) {
			return bad("sort")
		}
		lq.Sort = sort
	}
	if p := lq.Compatible(); p != "" {
		return bad(p)
	}
	fields, err := parseFields(q)
	if err != nil {
		return store.ListQuery{}, nil, err
	}
	lq.WithDefinitions = fields == nil || slices.Contains(fields, "custom_fields")
	return lq, fields, nil
}

// parseInstant reads an RFC 3339 date-time or a date (midnight UTC), within years 2000-9999.
func parseInstant(s string) (time.Time, bool) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t, err = time.Parse(time.DateOnly, s)
	}
	if err != nil || t.Year() < 2000 || t.Year() > 9999 {
		return time.Time{}, false
	}
	return t.UTC(), true
}
