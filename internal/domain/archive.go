package domain

import "time"

// The Archived tab: a client archived leaves the default list (and its counts) for the
// Archived one, and can no longer be invited or given a setup link. Archiving changes nothing
// of its access: a client that can sign in still can (suspend it for that), as in Workstaff,
// where archiving is about the agency's list, not the client's portal.

// Archive problem codes, and the warning of an archived client that keeps its access.
const (
	CodeAlreadyArchived Code = "client_already_archived"
	CodeNotArchived     Code = "client_not_archived"
	// NoticeArchivedWithAccess is the warning of an archived client that can still sign in
	// (or accept its pending invitation).
	NoticeArchivedWithAccess Code = "archived_with_access"
)

// Archive moves c to the Archived tab.
func Archive(c *Client, now time.Time) (*Client, error) {
	if c.Archived {
		return nil, &Error{Code: CodeAlreadyArchived}
	}
	next := c.Revise(c.Fields, now)
	next.Archived = true
	return next, nil
}

// Unarchive brings c back to the default tab.
func Unarchive(c *Client, now time.Time) (*Client, error) {
	if !c.Archived {
		return nil, &Error{Code: CodeNotArchived}
	}
	next := c.Revise(c.Fields, now)
	next.Archived = false
	return next, nil
}

// KeepsAccess reports whether c can still sign in or accept an invitation: what an archived
// client's warning is about, and what a deletion is refused for (suspend first).
func (c *Client) KeepsAccess() bool {
	return c.Access.Status == AccessActive || c.Access.Status == AccessInvited && c.Access.PendingToken != ""
}

// Why a deletion is refused, each with its code: the client still has sites
// (CodeClientHasSites), can still sign in (suspend it first), or a bulk job or an import is
// working on it.
const (
	CodeAccessActive Code = "client_access_active"
	CodeClientInJob  Code = "client_in_job"
)
