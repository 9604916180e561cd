package api

import (
	"context"
	"errors"
	"net/http"
	"slices"

	"github.com/clientdesk/clientdesk/internal/domain"
	"github.com/clientdesk/clientdesk/internal/store"
)

type sitePage struct {
	Items      []siteView `json:"items"`
	NextCursor *string    `json:"next_cursor"`
}

// listSites: GET /v1/sites: by name (default) or creation, a status, a search by the start of
// any word of the name, alias or domain; cursor pages.
func (a *API) listSites(ctx context.Context, r *request) (*response, error) {
	q, err := r.query(domain.FilterQuery, domain.FilterStatus, domain.FilterSort, "limit", "cursor")
	if err != nil {
		return nil, err
	}
	sq := store.SiteQuery{Query: q[domain.FilterQuery], Cursor: q["cursor"]}
	if len([]rune(sq.Query)) > domain.MaxQueryLen {
		return nil, domain.Errorf(domain.CodeInvalidParameter, domain.FilterQuery)
	}
	if raw, ok := q[domain.FilterStatus]; ok {
		sq.Status = domain.SiteStatus(raw)
		if !slices.Contains([]domain.SiteStatus{domain.SiteDraft, domain.SitePublished, domain.SiteDeleting}, sq.Status) {
			return nil, domain.Errorf(domain.CodeInvalidParameter, domain.FilterStatus)
		}
	}
	if raw, ok := q[domain.FilterSort]; ok {
		sq.Sort = domain.Sort(raw)
	}
	if sq.Limit, err = intParam(q, "limit", DefaultLimit, 1, MaxLimit); err != nil {
		return nil, err
	}
	page, err := a.Sites.ListSites(ctx, r.who.Tenant, sq)
	if errors.Is(err, domain.ErrInvalidCursor) {
		return nil, domain.Errorf(domain.CodeInvalidCursor, "cursor")
	}
	if err != nil {
		return nil, err
	}
	out := sitePage{Items: make([]siteView, 0, len(page.Items))}
	for _, s := range page.Items {
		out.Items = append(out.Items, viewSite(s))
	}
	if page.NextCursor != "" {
		out.NextCursor = &page.NextCursor
	}
	return jsonResponse(http.StatusOK, out, nil)
}
