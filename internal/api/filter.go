package api

import (
	"strings"
	"time"

	"github.com/clientdesk/clientdesk/internal/domain"
)

// parseClientFilter reads a filter from the list's query string (or an export's filters,
// which spell its members alike): what selects and orders clients, and the fields shown (a
// comma-separated list; id always comes); manager=me is the caller (me). A bad value is an
// invalid_parameter error naming its parameter.
func parseClientFilter(q map[string]string, me string) (domain.ClientFilter, error) {
	var f domain.ClientFilter
	bad := func(name string) (domain.ClientFilter, error) {
		return domain.ClientFilter{}, domain.Errorf(domain.CodeInvalidParameter, name)
	}
	f.Query = q[domain.FilterQuery]
	if raw, ok := q[domain.FilterStatus]; ok {
		for _, s := range strings.Split(raw, ",") {
			f.Statuses = append(f.Statuses, domain.Status(strings.TrimSpace(s)))
		}
	}
	switch q[domain.FilterArchived] {
	case "", "false":
	case "true":
		f.Archived = true
	default:
		return bad(domain.FilterArchived)
	}
	if tag, ok := q[domain.FilterTag]; ok {
		if f.Tag = strings.TrimSpace(tag); f.Tag == "" {
			return bad(domain.FilterTag)
		}
	}
	if manager, ok := q[domain.FilterManager]; ok {
		if f.Manager = strings.TrimSpace(manager); f.Manager == "" {
			return bad(domain.FilterManager)
		}
		if f.Manager == "me" {
			f.Manager = me
		}
	}
	if site, ok := q[domain.FilterSite]; ok {
		if f.Site = strings.TrimSpace(site); f.Site == "" {
			return bad(domain.FilterSite)
		}
	}
	for _, p := range []struct {
		name string
		dst  *time.Time
	}{{domain.FilterCreatedAfter, &f.CreatedAfter}, {domain.FilterCreatedBefore, &f.CreatedBefore}} {
		name, dst := p.name, p.dst
		raw, ok := q[name]
		if !ok {
			continue
		}
		t, ok := parseInstant(raw)
		if !ok {
			return bad(name)
		}
		*dst = t
	}
	if sort, ok := q[domain.FilterSort]; ok {
		if sort == "" {
			return bad(domain.FilterSort)
		}
		f.Sort = domain.Sort(sort)
	}
	if raw, ok := q[domain.FilterFields]; ok {
		f.Fields = []string{}
		for _, m := range strings.Split(raw, ",") {
			f.Fields = append(f.Fields, strings.TrimSpace(m))
		}
	}
	if err := f.Check(); err != nil {
		return domain.ClientFilter{}, err
	}
	return f, nil
}

// parseInstant reads an RFC 3339 date-time or a date (midnight UTC).
func parseInstant(s string) (time.Time, bool) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t, err = time.Parse(time.DateOnly, s)
	}
	return t, err == nil
}
