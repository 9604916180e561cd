package store

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/clientdesk/clientdesk/internal/domain"
)

// ListParams are the names of the parameters that select clients, in the list and in exports.
var ListParams = []string{"q", "status", "archived", "tag", "created_after", "created_before", "sort"}

// ParseListParams reads the parameters that select and order clients (not the page size nor
// the cursor); a bad one is an invalid_parameter error naming it.
func ParseListParams(q map[string]string) (ListQuery, error) {
	var lq ListQuery
	bad := func(name string) (ListQuery, error) {
		return ListQuery{}, domain.Errorf(domain.CodeInvalidParameter, name)
	}
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
	for _, name := range []string{"created_after", "created_before"} {
		raw, ok := q[name]
		if !ok {
			continue
		}
		t, ok := parseInstant(raw)
		if !ok {
			return bad(name)
		}
		if name == "created_after" {
			lq.CreatedAfter = t
		} else {
			lq.CreatedBefore = t
		}
	}
	if !lq.CreatedAfter.IsZero() && !lq.CreatedBefore.IsZero() && !lq.CreatedAfter.Before(lq.CreatedBefore) {
		return bad("created_before")
	}
	if sort, ok := q["sort"]; ok {
		if !slices.Contains(Sorts, sort) {
			return bad("sort")
		}
		lq.Sort = sort
	}
	if p := lq.Compatible(); p != "" {
		return bad(p)
	}
	return lq, nil
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
