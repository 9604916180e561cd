package api

import (
	"context"
	"errors"
	"net/http"
	"slices"

	"github.com/clientdesk/clientdesk/internal/domain"
	"github.com/clientdesk/clientdesk/internal/retry"
)

// assignSite: PUT /v1/clients/{id}/sites/{site_id} {permissions} or {preset}. A new
// assignment (201) needs no If-Match; changing one (200) does (428 without). A prospect
// becomes site_assigned with its first site, in the assignment's transaction, with its event.
func (a *API) assignSite(ctx context.Context, r *request) (*response, error) {
	clientID, siteID, allowed, present, err := r.assignment()
	if err != nil {
		return nil, err
	}
	body, err := r.body("application/json")
	if err != nil {
		return nil, err
	}
	var out *response
	// The client may change meanwhile (another of its sites): read again and decide again.
	err = retry.OnConflict(ctx, 4, func(int) error {
		acc, err := a.Sites.GetSiteAccess(ctx, r.who.Tenant, clientID, siteID, true)
		if err != nil {
			return err
		}
		if acc.Site == nil {
			return domain.ErrSiteNotFound
		}
		if acc.Site.Status == domain.SiteDeleting {
			return domain.ErrSiteDeleting
		}
		perms, preset, err := domain.AssignmentInput(body, acc.Presets)
		if err != nil {
			return err
		}
		switch {
		case acc.Assignment != nil && !present:
			return domain.Errorf(domain.CodePreconditionNeeded, "If-Match")
		case acc.Assignment != nil && !allowed(acc.Assignment.Version), acc.Assignment == nil && present:
			return domain.ErrPreconditionFailed
		}
		now := a.Now()
		next, asg, action := acc.Client, domain.Assignment{}, domain.ActionSiteAssigned
		status := http.StatusCreated
		if acc.Assignment == nil {
			if next, err = domain.AssignSite(acc.Client, siteID, now); err != nil {
				return err
			}
			asg = domain.Assignment{SiteID: siteID, ClientID: clientID, Permissions: perms, Preset: preset,
				AssignedAt: domain.At(now), UpdatedAt: domain.At(now), Version: 1}
		} else {
			status, action = http.StatusOK, domain.ActionSiteChanged
			if slices.Equal(acc.Assignment.Permissions, perms) && acc.Assignment.Preset == preset {
				out, err = jsonResponse(status, acc.Assignment, map[string]string{"ETag": acc.Assignment.ETag()})
				return err
			}
			asg = *acc.Assignment
			asg.Permissions, asg.Preset, asg.UpdatedAt, asg.Version = perms, preset, domain.At(now), asg.Version+1
		}
		ev, err := a.newEvent(ctx, r, clientID, action, now)
		if err != nil {
			return err
		}
		assignmentEvent(ev, acc, next, siteID, acc.Site.Name, perms)
		if preset != "" {
			ev.Details["preset"] = preset
		}
		err = a.Sites.AssignSite(ctx, r.who.Tenant, acc, next, &asg, ev)
		if errors.Is(err, domain.ErrPreconditionFailed) {
			return retry.Conflict(err)
		}
		if err != nil {
			return err
		}
		out, err = jsonResponse(status, &asg, map[string]string{"ETag": asg.ETag(),
			"Location": "/v1/clients/" + clientID + "/sites/" + siteID})
		return err
	})
	return out, err
}
