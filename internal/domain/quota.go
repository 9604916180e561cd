package domain

import (
	"slices"
	"time"
)

// Invitation e-mails are limited, so that the service cannot be used to send mail to people
// who did not ask for it: per client, MaxInvitationsPerClient in any InvitationWindow; per
// tenant, a configurable number per hour.
const (
	MaxInvitationsPerClient = 5
	InvitationWindow        = 24 * time.Hour
)

// Problem codes of the limits (429).
const (
	CodeClientInvitationLimit Code = "invitation_limit_client"
	CodeTenantInvitationLimit Code = "invitation_limit_tenant"
)

// AdmitInvitation decides whether a client sent invitations at sent (epoch seconds) may be
// sent one more at now. It returns the sends to keep (those of the last InvitationWindow, now
// included), or the problem and when to retry.
func AdmitInvitation(sent []int64, now time.Time) ([]int64, error) {
	since := now.Add(-InvitationWindow).Unix()
	recent := slices.DeleteFunc(slices.Clone(sent), func(t int64) bool { return t <= since })
	slices.Sort(recent)
	if len(recent) >= MaxInvitationsPerClient {
		oldest := time.Unix(recent[len(recent)-MaxInvitationsPerClient], 0)
		return nil, &Error{Code: CodeClientInvitationLimit, RetryAfter: oldest.Add(InvitationWindow).Sub(now)}
	}
	return append(recent, now.Unix()), nil
}

// TenantInvitationLimit is the problem of a tenant past its hourly cap at now: retry when the
// next hour starts.
func TenantInvitationLimit(now time.Time) error {
	return &Error{Code: CodeTenantInvitationLimit, RetryAfter: now.Truncate(time.Hour).Add(time.Hour).Sub(now)}
}
