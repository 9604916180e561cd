package domain

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"time"
	"unicode/utf8"
)

// AccessStatus is where a client stands with the client portal.
type AccessStatus string

const (
	AccessNone      AccessStatus = "not_invited"
	AccessInvited   AccessStatus = "invited"
	AccessActive    AccessStatus = "active"
	AccessSuspended AccessStatus = "suspended"
)

// InvitationValidity is how long a setup link or an invitation can be used.
const InvitationValidity = 30 * 24 * time.Hour

// Access is a client's access to the client portal, as the record shows it.
type Access struct {
	Status              AccessStatus `json:"status"`
	InvitedAt           *Time        `json:"invited_at,omitempty"`
	InvitationExpiresAt *Time        `json:"invitation_expires_at,omitempty"`
	AcceptedAt          *Time        `json:"accepted_at,omitempty"`
	LastLoginAt         *Time        `json:"last_login_at,omitempty"`
	LastLoginIP         string       `json:"last_login_ip,omitempty"`
	SuspendedAt         *Time        `json:"suspended_at,omitempty"`
	// What the server keeps and nobody reads (ClientView blanks them): the hash of the
	// pending link, and the status to go back to on revoke or reactivation.
	PendingToken string `json:"pending_token,omitempty"`
	ResumeStatus Status `json:"resume_status,omitempty"`
}

// Problem codes of the access lifecycle.
const (
	CodeInvitationNotFound Code = "invitation_not_found"
	CodeNoEmail            Code = "client_has_no_email"
	CodeClientArchived     Code = "client_archived"
	CodeClientSuspended    Code = "client_suspended"
	CodeAlreadyActive      Code = "client_already_active"
	CodeNoPendingLink      Code = "no_pending_invitation"
	CodeNoAccess           Code = "client_has_no_access"
	CodeNotSuspended       Code = "client_not_suspended"
	CodeMailFailed         Code = "mail_delivery_failed"
)

// Password field error codes.
const (
	FieldPasswordShort  Code = "password_too_short"
	FieldPasswordEmail  Code = "password_is_email"
	FieldPasswordCommon Code = "password_too_common"
)

// ClientView is c as staff read it: the server's private access state left out.
func ClientView(c *Client) *Client {
	v := *c
	v.Access.PendingToken, v.Access.ResumeStatus = "", ""
	return &v
}

func at(t time.Time) *Time { return AtPtr(t) }

// Invite gives c a new pending link (a setup link or an e-mailed invitation), replacing any
// earlier one. tokenHash identifies the link; the link itself is never stored.
func Invite(c *Client, tokenHash string, now time.Time) (*Client, error) {
	switch {
	case c.Email == "":
		return nil, &Error{Code: CodeNoEmail}
	case c.Archived:
		return nil, &Error{Code: CodeClientArchived}
	case c.Status == StatusSuspended:
		return nil, &Error{Code: CodeClientSuspended}
	case c.Status == StatusActive || c.Access.AcceptedAt != nil:
		return nil, &Error{Code: CodeAlreadyActive}
	}
	next := c.Revise(c.Fields, now)
	if c.Status != StatusInvited {
		next.Access.ResumeStatus = c.Status
	}
	next.Status = StatusInvited
	next.Access.Status = AccessInvited
	next.Access.InvitedAt = at(now)
	next.Access.InvitationExpiresAt = at(now.Add(InvitationValidity))
	next.Access.PendingToken = tokenHash
	return next, nil
}

// Revoke withdraws the pending link; the client goes back to where it was before.
func Revoke(c *Client, now time.Time) (*Client, error) {
	if c.Access.PendingToken == "" || c.Status != StatusInvited {
		return nil, &Error{Code: CodeNoPendingLink}
	}
	next := c.Revise(c.Fields, now)
	next.Status = c.Access.ResumeStatus
	if next.Status == "" {
		next.Status = StatusProspect
	}
	next.Access = Access{Status: AccessNone}
	return next, nil
}

// Accept makes the client active: the link is consumed.
func Accept(c *Client, now time.Time) *Client {
	next := c.Revise(c.Fields, now)
	next.Status = StatusActive
	next.Access.Status = AccessActive
	next.Access.AcceptedAt = at(now)
	next.Access.InvitationExpiresAt = nil
	next.Access.PendingToken = ""
	next.Access.ResumeStatus = ""
	return next
}

// Suspend blocks a client's access; its link, if any, cannot be accepted until reactivation.
func Suspend(c *Client, now time.Time) (*Client, error) {
	switch {
	case c.Status == StatusSuspended:
		return nil, &Error{Code: CodeClientSuspended}
	case c.Status != StatusInvited && c.Status != StatusActive:
		return nil, &Error{Code: CodeNoAccess}
	}
	next := c.Revise(c.Fields, now)
	next.Status = StatusSuspended
	next.Access.Status = AccessSuspended
	next.Access.SuspendedAt = at(now)
	return next, nil
}

// Reactivate restores a suspended client: active again if it had accepted, invited otherwise.
func Reactivate(c *Client, now time.Time) (*Client, error) {
	if c.Status != StatusSuspended {
		return nil, &Error{Code: CodeNotSuspended}
	}
	next := c.Revise(c.Fields, now)
	next.Access.SuspendedAt = nil
	if c.Access.AcceptedAt != nil {
		next.Status, next.Access.Status = StatusActive, AccessActive
	} else {
		next.Status, next.Access.Status = StatusInvited, AccessInvited
	}
	return next, nil
}

// NewToken makes a link token: 256 bits from the system's secure source, base64url. Only its
// hash is stored.
func NewToken() (token, hash string, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", err
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, TokenHash(token), nil
}

// TokenHash is the stored form of a token.
func TokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// ParseToken checks that s has the shape of a token (43 base64url characters encoding 32
// bytes) and returns its hash. Anything else cannot be a link we issued.
func ParseToken(s string) (string, bool) {
	if len(s) != 43 {
		return "", false
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(b) != 32 || base64.RawURLEncoding.EncodeToString(b) != s {
		return "", false
	}
	return TokenHash(s), true
}

// MinPasswordLen is the shortest password a client may choose.
const MinPasswordLen = 12

// CheckPassword refuses passwords that are short, that are the login itself, or that are
// among the most common ones.
func CheckPassword(password, email string) []FieldError {
	p := strings.TrimSpace(password)
	switch {
	case utf8.RuneCountInString(password) < MinPasswordLen:
		return []FieldError{{Pointer: "/password", Code: FieldPasswordShort, Param: "12"}}
	case utf8.RuneCountInString(password) > 256:
		return []FieldError{{Pointer: "/password", Code: FieldTooLong, Param: "256"}}
	case strings.EqualFold(p, email) || email != "" && strings.EqualFold(p, strings.SplitN(email, "@", 2)[0]):
		return []FieldError{{Pointer: "/password", Code: FieldPasswordEmail}}
	case commonPassword(p):
		return []FieldError{{Pointer: "/password", Code: FieldPasswordCommon}}
	}
	return nil
}

// MaskEmail shows enough of an address to recognise it: h*****e@e*****e.fr.
func MaskEmail(email string) string {
	local, domain, ok := strings.Cut(email, "@")
	if !ok {
		return "***"
	}
	mask := func(s string) string {
		r := []rune(s)
		if len(r) <= 2 {
			return strings.Repeat("*", len(r))
		}
		return string(r[0]) + strings.Repeat("*", len(r)-2) + string(r[len(r)-1])
	}
	name, tld := domain, ""
	if i := strings.LastIndexByte(domain, '.'); i > 0 {
		name, tld = domain[:i], domain[i:]
	}
	return mask(local) + "@" + mask(name) + tld
}

// InvitationMail is what an invitation e-mail says (see package invitemail).
type InvitationMail struct {
	Locale     string
	TenantName string
	FirstName  string
	Email      string
	URL        string
	// Message is the sender's own words, optional.
	Message string
	Expires time.Time
	// Zone is the IANA name of the tenant's time zone, in which the expiry is written.
	Zone string
}

// RenderedMail is an e-mail ready to send.
type RenderedMail struct {
	Subject string `json:"subject"`
	HTML    string `json:"html"`
	Text    string `json:"text"`
	// FromName, when set, is the sender's display name ("Agence Démo via Clientdesk"), the
	// address staying the service's; ReplyTo, when set, is where answers go instead.
	FromName string `json:"from_name,omitempty"`
	ReplyTo  string `json:"reply_to,omitempty"`
}

// MaxMessageLen bounds the sender's own words in an invitation.
const MaxMessageLen = 2000
