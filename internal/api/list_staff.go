package api

import (
	"context"
	"errors"
	"net/http"
	"slices"

	"github.com/clientdesk/clientdesk/internal/domain"
	"github.com/clientdesk/clientdesk/internal/store"
)

// StaffStore keeps the staff directory, mirrored from the identity provider at each sign-in.
type StaffStore interface {
	ListStaff(ctx context.Context, tenant string, q store.StaffQuery) (store.StaffPage, error)
	GetStaff(ctx context.Context, tenant, sub string) (*domain.StaffMember, error)
}

type staffPage struct {
	Items      []*domain.StaffMember `json:"items"`
	NextCursor *string               `json:"next_cursor"`
}

// listStaff: GET /v1/staff?q=&role=: the tenant's staff by name, searched by the start of
// any word of the name or address; cursor pages. Whom a management team is chosen from.
func (a *API) listStaff(ctx context.Context, r *request) (*response, error) {
	q, err := r.query(domain.FilterQuery, "role", "limit", "cursor")
	if err != nil {
		return nil, err
	}
	sq := store.StaffQuery{Query: q[domain.FilterQuery], Role: q["role"], Cursor: q["cursor"]}
	if len([]rune(sq.Query)) > domain.MaxQueryLen {
		return nil, domain.Errorf(domain.CodeInvalidParameter, domain.FilterQuery)
	}
	if _, ok := q["role"]; ok && !slices.Contains(domain.StaffRoles, sq.Role) {
		return nil, domain.Errorf(domain.CodeInvalidParameter, "role")
	}
	if sq.Limit, err = intParam(q, "limit", DefaultLimit, 1, MaxLimit); err != nil {
		return nil, err
	}
	page, err := a.Staff.ListStaff(ctx, r.who.Tenant, sq)
	if errors.Is(err, domain.ErrInvalidCursor) {
		return nil, domain.Errorf(domain.CodeInvalidCursor, "cursor")
	}
	if err != nil {
		return nil, err
	}
	out := staffPage{Items: page.Items}
	if out.Items == nil {
		out.Items = []*domain.StaffMember{}
	}
	if page.NextCursor != "" {
		out.NextCursor = &page.NextCursor
	}
	return jsonResponse(http.StatusOK, out, nil)
}
