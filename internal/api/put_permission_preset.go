package api

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/clientdesk/clientdesk/internal/domain"
	"github.com/clientdesk/clientdesk/internal/retry"
	"github.com/clientdesk/clientdesk/internal/store"
)

// putPermissionPreset: PUT /v1/permission-presets/{key} (admins) {label, permissions}:
// creates the preset (201) or replaces it (200, If-Match required). Assignments made with a
// preset keep their permissions when it changes: a preset is a shortcut, not a link.
func (a *API) putPermissionPreset(ctx context.Context, r *request) (*response, error) {
	allowed, present, err := ifMatch(header(r.APIGatewayV2HTTPRequest, "If-Match"))
	if err != nil {
		return nil, err
	}
	body, err := r.body("application/json")
	if err != nil {
		return nil, err
	}
	key := r.PathParameters["key"]
	var out *response
	err = a.changePresets(ctx, r.who.Tenant, func(presets domain.Presets) (domain.Presets, error) {
		i := slices.IndexFunc(presets, func(p domain.PermissionPreset) bool { return p.Key == key })
		var cur *domain.PermissionPreset
		status := http.StatusCreated
		switch {
		case i >= 0 && !present:
			return nil, domain.Errorf(domain.CodePreconditionNeeded, "If-Match")
		case i >= 0 && !allowed(presets[i].Version), i < 0 && present:
			return nil, domain.ErrPreconditionFailed
		case i >= 0:
			cur, status = &presets[i], http.StatusOK
		case len(presets) >= domain.MaxPresets:
			return nil, domain.Invalid([]domain.FieldError{{Pointer: "", Code: domain.FieldTooMany, Param: "50"}})
		}
		p, err := domain.PutPreset(key, cur, body, a.Now())
		if err != nil {
			return nil, err
		}
		if i >= 0 {
			presets[i] = *p
		} else {
			presets = append(presets, *p)
		}
		out, err = jsonResponse(status, p, map[string]string{"ETag": p.ETag()})
		return presets, err
	})
	return out, err
}

// changePresets reads the tenant's presets, changes them and writes them back on condition
// that no one else did meanwhile (else reads again).
func (a *API) changePresets(ctx context.Context, tenant string, change func(domain.Presets) (domain.Presets, error)) error {
	return retry.OnConflict(ctx, 4, func(int) error {
		presets, version, err := a.Sites.GetPresets(ctx, tenant)
		if err != nil {
			return err
		}
		next, err := change(slices.Clone(presets))
		if err != nil {
			return err
		}
		slices.SortFunc(next, func(a, b domain.PermissionPreset) int { return strings.Compare(a.Key, b.Key) })
		err = a.Sites.PutPresets(ctx, tenant, next, version)
		if errors.Is(err, store.ErrPresetsChanged) {
			return retry.Conflict(&domain.Error{Code: domain.CodeUnavailable})
		}
		return err
	})
}
