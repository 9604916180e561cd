package domain

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// A client's management team (Workstaff's): staff members with roles, lead and coordinator,
// and the "staff contact" flag. A client has at most one lead and one contact; the first
// member gets both roles and the flag. The team lives on the client record (it is part of
// the client, changes with its version and its events); the store files the client under
// each member, so that "my clients" is one Query.

// TeamRole is a member's role on a client's team.
type TeamRole string

const (
	TeamLead        TeamRole = "lead"
	TeamCoordinator TeamRole = "coordinator"
)

// TeamRoles lists the roles, in display order.
var TeamRoles = []TeamRole{TeamLead, TeamCoordinator}

// TeamMember is a staff member on a client's team; the name and address are the directory's
// when they were added.
type TeamMember struct {
	Sub     string     `json:"sub"`
	Name    string     `json:"name,omitempty"`
	Email   string     `json:"email,omitempty"`
	Roles   []TeamRole `json:"roles"`
	Contact bool       `json:"contact"`
	AddedAt Time       `json:"added_at"`
}

// MaxTeam bounds a client's team.
const MaxTeam = 20

// Team problem codes and warnings.
const (
	CodeNotOnTeam   Code = "not_on_team"
	CodeTeamFull    Code = "team_full"
	FieldNoTeamRole Code = "team_role_required"
	// NoticeClientWithoutLead warns that the lead left the team and no one leads the client.
	NoticeClientWithoutLead Code = "client_without_lead"
)

// Has reports whether the member holds role.
func (m *TeamMember) Has(role TeamRole) bool { return slices.Contains(m.Roles, role) }

// label is the member as a column shows it.
func (m *TeamMember) label() string {
	return (&StaffMember{Sub: m.Sub, Name: m.Name, Email: m.Email}).Label()
}

// Lead is the client's lead (nil: none).
func (c *Client) Lead() *TeamMember {
	return c.teamWith(func(m *TeamMember) bool { return m.Has(TeamLead) })
}

// StaffContact is the client's staff contact (nil: none).
func (c *Client) StaffContact() *TeamMember {
	return c.teamWith(func(m *TeamMember) bool { return m.Contact })
}

func (c *Client) teamWith(f func(*TeamMember) bool) *TeamMember {
	for i := range c.Team {
		if f(&c.Team[i]) {
			return &c.Team[i]
		}
	}
	return nil
}

// TeamInput reads PUT …/team/{sub}: {roles, contact}.
func TeamInput(body []byte) (roles []TeamRole, contact bool, err error) {
	d, err := NewObjectDecoder(body)
	if err != nil {
		return nil, false, err
	}
	var raw []string
	d.Members([]string{"roles", "contact"}, []string{"sub", "name", "email", "added_at"})
	d.Field("roles", &raw, "array of strings")
	d.Field("contact", &contact, "boolean")
	if err := d.Err(); err != nil {
		return nil, false, err
	}
	var errs []FieldError
	for i, r := range raw {
		switch {
		case !slices.Contains(TeamRoles, TeamRole(r)):
			errs = append(errs, FieldError{Pointer: "/roles/" + strconv.Itoa(i), Code: FieldInvalidValue, Param: "lead, coordinator"})
		case !slices.Contains(roles, TeamRole(r)):
			roles = append(roles, TeamRole(r))
		}
	}
	if err := Invalid(errs); err != nil {
		return nil, false, err
	}
	slices.SortFunc(roles, func(a, b TeamRole) int { return slices.Index(TeamRoles, a) - slices.Index(TeamRoles, b) })
	return roles, contact, nil
}

// PutTeamMember is c with staff member s on its team with roles and the contact flag: added,
// or changed. The first member gets both roles and the flag whatever was asked; giving the
// lead or the flag to one takes it from whoever had it.
func PutTeamMember(c *Client, s *StaffMember, roles []TeamRole, contact bool, now time.Time) (*Client, error) {
	i := slices.IndexFunc(c.Team, func(m TeamMember) bool { return m.Sub == s.Sub })
	if len(c.Team) == 0 {
		roles, contact = slices.Clone(TeamRoles), true
	}
	if len(roles) == 0 {
		return nil, Invalid([]FieldError{{Pointer: "/roles", Code: FieldNoTeamRole}})
	}
	if i < 0 && len(c.Team) >= MaxTeam {
		return nil, &Error{Code: CodeTeamFull, Param: strconv.Itoa(MaxTeam)}
	}
	next := c.Revise(c.Fields, now)
	team := slices.Clone(c.Team)
	member := TeamMember{Sub: s.Sub, Name: s.Name, Email: s.Email, AddedAt: At(now)}
	if i >= 0 {
		member.AddedAt = team[i].AddedAt
	}
	member.Roles, member.Contact = slices.Clone(roles), contact
	for j := range team {
		if slices.Contains(roles, TeamLead) {
			team[j].Roles = slices.DeleteFunc(slices.Clone(team[j].Roles), func(r TeamRole) bool { return r == TeamLead })
		}
		if contact {
			team[j].Contact = false
		}
	}
	if i >= 0 {
		team[i] = member
	} else {
		team = append(team, member)
	}
	next.Team = team
	return next, nil
}

// RemoveTeamMember is c without staff member sub on its team, and whether the client is left
// without a lead because of it.
func RemoveTeamMember(c *Client, sub string, now time.Time) (*Client, bool, error) {
	i := slices.IndexFunc(c.Team, func(m TeamMember) bool { return m.Sub == sub })
	if i < 0 {
		return nil, false, &Error{Code: CodeNotOnTeam}
	}
	next := c.Revise(c.Fields, now)
	next.Team = slices.Delete(slices.Clone(c.Team), i, i+1)
	if len(next.Team) == 0 {
		next.Team = nil
	}
	return next, c.Team[i].Has(TeamLead), nil
}

// TeamSubs are the subs on c's team.
func (c *Client) TeamSubs() []string {
	out := make([]string, len(c.Team))
	for i, m := range c.Team {
		out[i] = m.Sub
	}
	return out
}

func teamText(m TeamMember) string {
	parts := make([]string, 0, 3)
	for _, r := range m.Roles {
		parts = append(parts, string(r))
	}
	if m.Contact {
		parts = append(parts, "contact")
	}
	return m.label() + " (" + strings.Join(parts, ", ") + ")"
}
