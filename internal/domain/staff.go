package domain

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// StaffMember is one of a tenant's staff: a user of the identity provider, mirrored when they
// sign in (the directory the management teams are chosen from).
type StaffMember struct {
	Sub   string `json:"sub"`
	Name  string `json:"name,omitempty"`
	Email string `json:"email,omitempty"`
	// Roles are the staff roles the user holds (admin, editor, viewer), as groups say.
	Roles        []string `json:"roles"`
	FirstSeenAt  Time     `json:"first_seen_at"`
	LastSignInAt Time     `json:"last_sign_in_at"`
}

// StaffRoles are the roles a staff member may hold.
var StaffRoles = []string{"admin", "editor", "viewer"}

// MaxStaffSubLen bounds a staff member's id (Cognito's are UUIDs; other providers' may be
// longer).
const MaxStaffSubLen = 128

// ValidStaffSub reports whether s can be a staff member's id: 1 to 128 visible ASCII
// characters, no '#' (keys are built with it).
func ValidStaffSub(s string) bool {
	if s == "" || len(s) > MaxStaffSubLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e || s[i] == '#' {
			return false
		}
	}
	return true
}

// NormalizeStaff puts what the identity provider says of a member in canonical form: the
// display name trimmed (or the address when there is none), roles known ones only, sorted.
func NormalizeStaff(m *StaffMember) {
	m.Name = strings.TrimSpace(m.Name)
	if utf8.RuneCountInString(m.Name) > MaxNameLen*2 {
		m.Name = string([]rune(m.Name)[:MaxNameLen*2])
	}
	m.Email = strings.TrimSpace(m.Email)
	if m.Name == "" {
		m.Name = m.Email
	}
	roles := []string{}
	for _, r := range m.Roles {
		if slices.Contains(StaffRoles, r) && !slices.Contains(roles, r) {
			roles = append(roles, r)
		}
	}
	slices.Sort(roles)
	m.Roles = roles
}

// Label is how a member is shown in a column or a list: the name, else the address, else the id.
func (m *StaffMember) Label() string {
	switch {
	case m.Name != "":
		return m.Name
	case m.Email != "":
		return m.Email
	}
	return m.Sub
}

// CodeUnknownStaff is the problem of a staff member the directory does not have.
const CodeUnknownStaff Code = "unknown_staff"
