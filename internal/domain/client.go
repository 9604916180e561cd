// Package domain holds what a client record is and what makes one valid. It knows nothing of
// HTTP, DynamoDB or any AWS service: the store and the API layer depend on it, never the reverse.
package domain

import (
	"strconv"
	"strings"
	"time"

	"golang.org/x/net/idna"
	"golang.org/x/text/unicode/norm"
)

// Status is where a client stands in the access lifecycle. It is read-only through
// the records API: it moves through dedicated operations (assign a site, invite, suspend).
type Status string

const (
	StatusProspect     Status = "prospect"
	StatusSiteAssigned Status = "site_assigned"
	StatusInvited      Status = "invited"
	StatusActive       Status = "active"
	StatusSuspended    Status = "suspended"
)

// Statuses lists every status in lifecycle order.
var Statuses = []Status{StatusProspect, StatusSiteAssigned, StatusInvited, StatusActive, StatusSuspended}

// Locales a client may prefer; every message a person reads exists in each.
var Locales = []string{"fr", "en"}

// Address is a postal address; Country is an ISO 3166-1 alpha-2 code.
type Address struct {
	Line1      string `json:"line1,omitempty"`
	Line2      string `json:"line2,omitempty"`
	PostalCode string `json:"postal_code,omitempty"`
	City       string `json:"city,omitempty"`
	Region     string `json:"region,omitempty"`
	Country    string `json:"country,omitempty"`
}

func (a *Address) empty() bool { return a == nil || *a == Address{} }

// Fields are the parts of a client that staff write. An empty value means "not set"; it is
// omitted from JSON, which is also what makes JSON Merge Patch's null-deletes-a-member work.
type Fields struct {
	FirstName    string            `json:"first_name,omitempty"`
	LastName     string            `json:"last_name,omitempty"`
	CompanyName  string            `json:"company_name,omitempty"`
	Code         string            `json:"code,omitempty"`
	Email        string            `json:"email,omitempty"`
	Phones       []string          `json:"phones,omitempty"`
	Address      *Address          `json:"address,omitempty"`
	Notes        string            `json:"notes,omitempty"`
	Locale       string            `json:"locale,omitempty"`
	Tags         []string          `json:"tags,omitempty"`
	SocialLinks  map[string]string `json:"social_links,omitempty"`
	CustomFields map[string]any    `json:"custom_fields,omitempty"`
}

// Client is one client record of one tenant. The tenant is not a field: it comes from the
// caller's verified token and lives only in the store's keys.
type Client struct {
	ID string `json:"id"`
	Fields
	Status   Status `json:"status"`
	Archived bool   `json:"archived"`
	Access   Access `json:"access"`
	// SiteIDs are the sites the client is given (see AssignSite), sorted; SitesCount is
	// their number, shown even when zero.
	SiteIDs    []string `json:"site_ids,omitempty"`
	SitesCount int      `json:"sites_count"`
	// Team is the client's management team (see PutTeamMember).
	Team      []TeamMember `json:"team,omitempty"`
	CreatedAt Time         `json:"created_at"`
	UpdatedAt Time         `json:"updated_at"`
	Version   int64        `json:"version"`
}

// EmailLocked reports whether the email has become the client's login and so cannot change.
func (c *Client) EmailLocked() bool {
	return c.Access.InvitedAt != nil || c.Access.AcceptedAt != nil
}

// ETag is the entity tag of this version of the record (a strong validator).
func (c *Client) ETag() string { return ETagOf(c.Version) }

// ETagOf formats a version as an entity tag.
func ETagOf(version int64) string { return `"` + strconv.FormatInt(version, 10) + `"` }

// EmailKey is the form of an address that uniqueness is judged on: Unicode NFC, the local
// part lower-cased, the domain converted by IDNA (the lookup profile, which also maps
// full-width letters and capitals to their plain forms) and lower-cased. Alice@EXAMPLE.com,
// alice@ｅｘａｍｐｌｅ.com and alice@example.com are one address; so are an accented local part
// typed composed or decomposed.
func EmailKey(email string) string {
	local, host, ok := splitEmail(email)
	if !ok {
		return strings.ToLower(norm.NFC.String(strings.TrimSpace(email)))
	}
	if ascii, err := idna.Lookup.ToASCII(host); err == nil {
		host = ascii
	}
	return strings.ToLower(local) + "@" + strings.ToLower(host)
}

// EmailSearchForm is an address as a search compares it: EmailKey's, with the domain in its
// Unicode form (bücher.de rather than xn--bcher-kva.de), so that the address as people type
// it finds it.
func EmailSearchForm(email string) string {
	key := EmailKey(email)
	local, host, ok := splitEmail(key)
	if !ok {
		return key
	}
	if u, err := idna.Lookup.ToUnicode(host); err == nil {
		host = u
	}
	return local + "@" + host
}

func splitEmail(email string) (local, host string, ok bool) {
	s := norm.NFC.String(strings.TrimSpace(email))
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || at == len(s)-1 {
		return "", "", false
	}
	return s[:at], s[at+1:], true
}

// CodeKey is the form of a client code that uniqueness is judged on.
func CodeKey(code string) string { return strings.ToLower(strings.TrimSpace(code)) }

// NewClient starts a record from validated fields.
func NewClient(id string, f Fields, now time.Time) *Client {
	return &Client{ID: id, Fields: f, Status: StatusProspect, Access: Access{Status: AccessNone}, CreatedAt: At(now), UpdatedAt: At(now), Version: 1}
}

// Revise returns the next version of c carrying the new fields.
func (c *Client) Revise(f Fields, now time.Time) *Client {
	next := *c
	next.Fields = f
	next.UpdatedAt = At(now)
	next.Version = c.Version + 1
	return &next
}
