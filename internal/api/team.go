package api

import (
	"context"
	"errors"
	"net/http"
	"reflect"

	"github.com/clientdesk/clientdesk/internal/domain"
	"github.com/clientdesk/clientdesk/internal/retry"
)

// A client's management team: who leads it, who coordinates, who is its staff contact. The
// team is part of the client record (its version, its events); each change is one
// transaction that also files the client under the members who join and takes it from those
// who leave (GET /v1/clients?manager=…).

// teamResult is what a team operation answers: the team after, and a warning when the client
// is left without a lead.
type teamResult struct {
	Items   []domain.TeamMember `json:"items"`
	Warning *domain.Notice      `json:"warning,omitempty"`
}

func (r *request) staffSub() (string, error) {
	sub := r.PathParameters["staff_sub"]
	if !domain.ValidStaffSub(sub) {
		return "", domain.Errorf(domain.CodeInvalidID, "staff_sub")
	}
	return sub, nil
}

func teamResponse(c *domain.Client, warning *domain.Notice) (*response, error) {
	out := teamResult{Items: c.Team, Warning: warning}
	if out.Items == nil {
		out.Items = []domain.TeamMember{}
	}
	return jsonResponse(http.StatusOK, out, map[string]string{"ETag": c.ETag()})
}

// listClientTeam: GET /v1/clients/{id}/team, the client's team with the client's ETag.
func (a *API) listClientTeam(ctx context.Context, r *request) (*response, error) {
	id, err := r.clientID()
	if err != nil {
		return nil, err
	}
	c, err := a.Clients.GetClient(ctx, r.who.Tenant, id)
	if err != nil {
		return nil, err
	}
	return teamResponse(c, nil)
}

// changeTeam reads the client, changes its team and writes it on condition that it did not
// change meanwhile (else reads again); the event names what changed, member by member.
func (a *API) changeTeam(ctx context.Context, r *request, id string, allowed func(int64) bool,
	change func(*domain.Client) (*domain.Client, error)) (*domain.Client, error) {
	var next *domain.Client
	err := retry.OnConflict(ctx, 4, func(int) error {
		c, defs, err := a.Clients.GetClientWithDefinitions(ctx, r.who.Tenant, id)
		if err != nil {
			return err
		}
		if allowed != nil && !allowed(c.Version) {
			return domain.ErrPreconditionFailed
		}
		if next, err = change(c); err != nil {
			return err
		}
		if reflect.DeepEqual(next.Team, c.Team) {
			next = c // nothing changes: no write, no new version
			return nil
		}
		ev, err := a.changeEvent(ctx, r, domain.ActionTeamChanged, c, next, a.Now())
		if err != nil {
			return err
		}
		err = a.Clients.UpdateClient(ctx, r.who.Tenant, c, next, defs, ev)
		if errors.Is(err, domain.ErrPreconditionFailed) && allowed == nil {
			return retry.Conflict(err)
		}
		return err
	})
	return next, err
}

// putTeamMember: PUT /v1/clients/{id}/team/{staff_sub} {roles, contact}: a staff member of
// the directory joins the team, or their roles change (422 unknown_staff otherwise). The
// first member leads, coordinates and is the contact; giving the lead or the flag to one
// takes it from whoever had it. If-Match (the client's ETag) honoured.
func (a *API) putTeamMember(ctx context.Context, r *request) (*response, error) {
	id, err := r.clientID()
	if err != nil {
		return nil, err
	}
	sub, err := r.staffSub()
	if err != nil {
		return nil, err
	}
	allowed, _, err := ifMatch(header(r.APIGatewayV2HTTPRequest, "If-Match"))
	if err != nil {
		return nil, err
	}
	body, err := r.body("application/json")
	if err != nil {
		return nil, err
	}
	roles, contact, err := domain.TeamInput(body)
	if err != nil {
		return nil, err
	}
	member, err := a.Staff.GetStaff(ctx, r.who.Tenant, sub)
	if err != nil {
		return nil, err
	}
	next, err := a.changeTeam(ctx, r, id, allowed, func(c *domain.Client) (*domain.Client, error) {
		return domain.PutTeamMember(c, member, roles, contact, a.Now())
	})
	if err != nil {
		return nil, err
	}
	return teamResponse(next, nil)
}

// deleteTeamMember: DELETE /v1/clients/{id}/team/{staff_sub}. When the lead leaves, the
// client is left without one, and the answer says so. If-Match honoured.
func (a *API) deleteTeamMember(ctx context.Context, r *request) (*response, error) {
	id, err := r.clientID()
	if err != nil {
		return nil, err
	}
	sub, err := r.staffSub()
	if err != nil {
		return nil, err
	}
	allowed, _, err := ifMatch(header(r.APIGatewayV2HTTPRequest, "If-Match"))
	if err != nil {
		return nil, err
	}
	leaderless := false
	next, err := a.changeTeam(ctx, r, id, allowed, func(c *domain.Client) (*domain.Client, error) {
		next, wasLead, err := domain.RemoveTeamMember(c, sub, a.Now())
		leaderless = wasLead
		return next, err
	})
	if err != nil {
		return nil, err
	}
	var warning *domain.Notice
	if leaderless {
		warning = &domain.Notice{Code: domain.NoticeClientWithoutLead, Detail: noticeTexts[domain.NoticeClientWithoutLead].in(r.lang)}
	}
	return teamResponse(next, warning)
}
