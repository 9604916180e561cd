package domain

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// ClientFilter selects clients and orders them: the list, exports and, later, bulk actions
// take the same filter, so that an export holds exactly what the list showed. The API reads
// it from a query string or a request body; the store only receives it.
type ClientFilter struct {
	// Query is a search: every word must begin a word of the client (see QueryWords).
	Query    string   `json:"q,omitempty"`
	Statuses []Status `json:"statuses,omitempty"`
	// Archived selects the Archived tab instead of the default one.
	Archived bool   `json:"archived,omitempty"`
	Tag      string `json:"tag,omitempty"`
	// Site selects the clients given a site (its id).
	Site string `json:"site,omitempty"`
	// Manager selects the clients whose management team has this staff member (a sub; the
	// API reads "me" as the caller's).
	Manager string `json:"manager,omitempty"`
	// CreatedAfter (inclusive) and CreatedBefore (exclusive) bound the creation time; zero
	// means unbounded.
	CreatedAfter  time.Time `json:"created_after,omitzero"`
	CreatedBefore time.Time `json:"created_before,omitzero"`
	Sort          Sort      `json:"sort,omitempty"`
	// Fields are the members a reader asked for (nil: all of them).
	Fields []string `json:"fields,omitempty"`
}

// canonicalUUID is an id as the API writes them: lower-case, hyphenated.
var canonicalUUID = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// Sort is an order of the client list.
type Sort string

// Sort orders of the list.
const (
	SortNewest        Sort = "-created_at"
	SortOldest        Sort = "created_at"
	SortName          Sort = "name"
	SortNameDesc      Sort = "-name"
	SortUpdated       Sort = "updated_at"
	SortRecentlyTouch Sort = "-updated_at"
)

// Sorts lists the orders a caller may ask for.
var Sorts = []Sort{SortNewest, SortOldest, SortName, SortNameDesc, SortUpdated, SortRecentlyTouch}

// The members of a filter, as errors name them (and as the list's query string spells them).
const (
	FilterQuery         = "q"
	FilterStatus        = "status"
	FilterArchived      = "archived"
	FilterTag           = "tag"
	FilterSite          = "site"
	FilterManager       = "manager"
	FilterCreatedAfter  = "created_after"
	FilterCreatedBefore = "created_before"
	FilterSort          = "sort"
	FilterFields        = "fields"
)

// FilterMembers lists what selects and orders clients (not the fields shown).
var FilterMembers = []string{FilterQuery, FilterStatus, FilterArchived, FilterTag, FilterSite, FilterManager, FilterCreatedAfter, FilterCreatedBefore, FilterSort}

// ClientMembers are the members of a client as readers see it, for the fields a list shows.
var ClientMembers = []string{"id", "first_name", "last_name", "company_name", "code", "email", "phones", "address",
	"notes", "locale", "tags", "social_links", "custom_fields", "status", "archived", "invited_at", "site_ids", "sites_count", "team",
	"created_at", "updated_at", "version"}

// MaxSortedMatches bounds the clients a search may match to be sorted by name: they are
// sorted as a whole at each page.
const MaxSortedMatches = 1000

// CodeSearchTooBroad is the problem of a search sorted by name that matches more than
// MaxSortedMatches clients.
const CodeSearchTooBroad Code = "search_too_broad"

// CodeSearchTooShort is the problem of a search none of whose words can be looked up: every
// word shorter than two characters (four digits for a number).
const CodeSearchTooShort Code = "search_too_short"

// ErrInvalidCursor means a page position was tampered with, or belongs to another filter or
// tenant; the API names the parameter that carried it.
var ErrInvalidCursor = &Error{Code: CodeInvalidCursor}

// Check validates the filter and puts it in canonical form (trimmed, statuses once each, id
// always among the fields). An error names the member at fault (FilterSort, …): a value out
// of range, or a combination the list cannot serve.
func (f *ClientFilter) Check() error {
	bad := func(member string) error { return Errorf(CodeInvalidParameter, member) }
	f.Query = strings.TrimSpace(f.Query)
	if utf8.RuneCountInString(f.Query) > MaxQueryLen || !utf8.ValidString(f.Query) {
		return bad(FilterQuery)
	}
	var statuses []Status
	for _, s := range f.Statuses {
		if !slices.Contains(Statuses, s) {
			return bad(FilterStatus)
		}
		if !slices.Contains(statuses, s) {
			statuses = append(statuses, s)
		}
	}
	f.Statuses = statuses
	f.Tag = strings.TrimSpace(f.Tag)
	if utf8.RuneCountInString(f.Tag) > MaxTagLen || !utf8.ValidString(f.Tag) {
		return bad(FilterTag)
	}
	f.Site = strings.TrimSpace(f.Site)
	if f.Site != "" && !canonicalUUID.MatchString(f.Site) {
		return bad(FilterSite)
	}
	for member, t := range map[string]time.Time{FilterCreatedAfter: f.CreatedAfter, FilterCreatedBefore: f.CreatedBefore} {
		if !t.IsZero() && (t.Year() < 2000 || t.Year() > 9999) {
			return bad(member)
		}
	}
	f.CreatedAfter, f.CreatedBefore = utc(f.CreatedAfter), utc(f.CreatedBefore)
	if !f.CreatedAfter.IsZero() && !f.CreatedBefore.IsZero() && !f.CreatedAfter.Before(f.CreatedBefore) {
		return bad(FilterCreatedBefore)
	}
	if f.Sort != "" && !slices.Contains(Sorts, f.Sort) {
		return bad(FilterSort)
	}
	// Tag lists come by creation; search results by word, newest first, or by name when the
	// search matches few enough clients to sort them all (MaxSortedMatches).
	// A site's clients come by creation, from the site's members (the other filters are
	// checked on the clients read); a search or a tag cannot narrow them.
	if f.Site != "" && (f.Query != "" || f.Tag != "") {
		return bad(FilterSite)
	}
	f.Manager = strings.TrimSpace(f.Manager)
	if f.Manager != "" && (!ValidStaffSub(f.Manager) || f.Query != "" || f.Tag != "" || f.Site != "") {
		return bad(FilterManager)
	}
	if (f.Tag != "" || f.Site != "" || f.Manager != "") && f.Query == "" && f.Order() != SortNewest && f.Order() != SortOldest ||
		f.Query != "" && f.Order() != SortNewest && f.Order() != SortName && f.Order() != SortNameDesc {
		return bad(FilterSort)
	}
	if f.Fields != nil {
		fields := []string{"id"}
		for _, m := range f.Fields {
			if !slices.Contains(ClientMembers, m) {
				return bad(FilterFields)
			}
			if !slices.Contains(fields, m) {
				fields = append(fields, m)
			}
		}
		f.Fields = fields
	}
	if words := f.Words(); len(words) > 0 && !slices.ContainsFunc(words, Keyable) {
		return Errorf(CodeSearchTooShort, FilterQuery)
	}
	return nil
}

func utc(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC()
}

// Order is the sort, newest first by default.
func (f ClientFilter) Order() Sort {
	if f.Sort == "" {
		return SortNewest
	}
	return f.Sort
}

// Words are the search's words (see QueryWords).
func (f ClientFilter) Words() []string { return QueryWords(f.Query) }

// Shows reports whether the reader asked for a member.
func (f ClientFilter) Shows(member string) bool {
	return f.Fields == nil || slices.Contains(f.Fields, member)
}

// Selection identifies what the filter selects and in which order, not which members are
// shown: a page position is bound to it, so it cannot be replayed with other filters.
func (f ClientFilter) Selection() string {
	statuses := make([]string, len(f.Statuses))
	for i, s := range f.Statuses {
		statuses[i] = string(s)
	}
	slices.Sort(statuses)
	ms := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return strconv.FormatInt(t.UnixMilli(), 10)
	}
	return strings.Join([]string{"q=" + strings.Join(f.Words(), " "), "status=" + strings.Join(statuses, ","),
		"archived=" + strconv.FormatBool(f.Archived), "tag=" + Fold(f.Tag), "site=" + f.Site, "manager=" + f.Manager, "after=" + ms(f.CreatedAfter),
		"before=" + ms(f.CreatedBefore), "sort=" + string(f.Order())}, "|")
}

// Params writes the selecting members back as the list's parameters, in JSON (archived a
// boolean, the others strings): what a reader of an export job sees of its filter.
func (f ClientFilter) Params() map[string]any {
	p := map[string]any{}
	if f.Query != "" {
		p[FilterQuery] = f.Query
	}
	if len(f.Statuses) > 0 {
		s := make([]string, len(f.Statuses))
		for i, st := range f.Statuses {
			s[i] = string(st)
		}
		p[FilterStatus] = strings.Join(s, ",")
	}
	if f.Archived {
		p[FilterArchived] = true
	}
	if f.Tag != "" {
		p[FilterTag] = f.Tag
	}
	if f.Site != "" {
		p[FilterSite] = f.Site
	}
	if f.Manager != "" {
		p[FilterManager] = f.Manager
	}
	if !f.CreatedAfter.IsZero() {
		p[FilterCreatedAfter] = At(f.CreatedAfter).String()
	}
	if !f.CreatedBefore.IsZero() {
		p[FilterCreatedBefore] = At(f.CreatedBefore).String()
	}
	if f.Sort != "" {
		p[FilterSort] = string(f.Sort)
	}
	return p
}

// Matches reports whether the filter selects c (searchable says which custom fields a search
// reads): what a list with this filter would show of it, whatever the order.
func (f ClientFilter) Matches(c *Client, searchable func(key string) bool) bool {
	switch {
	case c.Archived != f.Archived,
		len(f.Statuses) > 0 && !slices.Contains(f.Statuses, c.Status),
		f.Tag != "" && !slices.ContainsFunc(c.Tags, func(t string) bool { return Fold(t) == Fold(f.Tag) }),
		f.Site != "" && !slices.Contains(c.SiteIDs, f.Site),
		f.Manager != "" && !slices.Contains(c.TeamSubs(), f.Manager),
		!f.CreatedAfter.IsZero() && c.CreatedAt.Before(f.CreatedAfter),
		!f.CreatedBefore.IsZero() && !c.CreatedAt.Before(f.CreatedBefore):
		return false
	}
	if words := f.Words(); len(words) > 0 {
		terms := SearchTerms(c, searchable)
		for _, w := range words {
			if !slices.ContainsFunc(terms, func(t string) bool { return strings.HasPrefix(t, w) }) {
				return false
			}
		}
	}
	return true
}
