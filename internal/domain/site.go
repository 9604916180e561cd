package domain

import (
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/net/idna"
	"golang.org/x/text/unicode/norm"
)

// SiteStatus is where a site stands in the site builder.
type SiteStatus string

const (
	SiteDraft     SiteStatus = "draft"
	SitePublished SiteStatus = "published"
	// SiteDeleting: being removed; its clients are being unassigned.
	SiteDeleting SiteStatus = "deleting"
)

// Site is one of a tenant's sites, which its clients are given access to.
type Site struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	Alias      string     `json:"alias"`
	URL        string     `json:"url,omitempty"`
	Domain     string     `json:"domain,omitempty"`
	ExternalID string     `json:"external_id,omitempty"`
	Status     SiteStatus `json:"status"`
	// ClientsCount is the number of clients given the site (the store keeps it, in the
	// transaction of each assignment).
	ClientsCount int `json:"clients_count"`
	// Deletion is set once the site is being deleted, until its last client is unassigned.
	Deletion  *SiteDeletion `json:"deletion,omitempty"`
	CreatedAt Time          `json:"created_at"`
	UpdatedAt Time          `json:"updated_at"`
	Version   int64         `json:"version"`
}

// SiteDeletion is the progress of a site's deletion: its clients are unassigned one by one,
// then the site goes.
type SiteDeletion struct {
	RequestedAt Time `json:"requested_at"`
	// ClientsTotal is how many clients had the site when its deletion began.
	ClientsTotal int `json:"clients_total"`
	// JobID is the job that unassigns them, when there are too many to do it at once.
	JobID string `json:"job_id,omitempty"`
}

// Limits of a site's fields and of a client's sites.
const (
	MaxSiteNameLen    = 200
	MaxAliasLen       = 63
	MaxExternalIDLen  = 100
	MaxSitesPerClient = 200
)

// Site problem codes.
const (
	CodeSiteNotFound       Code = "site_not_found"
	CodeAliasTaken         Code = "alias_taken"
	CodeDomainTaken        Code = "domain_taken"
	CodeExternalIDTaken    Code = "external_id_taken"
	CodeClientHasSites     Code = "client_has_sites"
	CodeSiteDeleting       Code = "site_deleting"
	CodeAssignmentNotFound Code = "site_not_assigned"
	CodePresetNotFound     Code = "preset_not_found"
	CodeTooManySites       Code = "too_many_sites"
	// Field codes of permissions.
	FieldUnknownPermission Code = "unknown_permission"
	FieldPermissionNeeds   Code = "permission_requires"
)

// Notice is what a successful answer warns of, with a stable code; the API words its detail.
type Notice struct {
	Code   Code   `json:"code"`
	Detail string `json:"detail"`
}

// NoticeAccessWithoutSite is the warning of a client whose last site is gone while its access is still active:
// suspending it is advised.
const NoticeAccessWithoutSite Code = "access_without_site"

// Sentinels of the site errors.
var (
	ErrSiteNotFound       = &Error{Code: CodeSiteNotFound}
	ErrAliasTaken         = &Error{Code: CodeAliasTaken}
	ErrDomainTaken        = &Error{Code: CodeDomainTaken}
	ErrExternalIDTaken    = &Error{Code: CodeExternalIDTaken}
	ErrSiteDeleting       = &Error{Code: CodeSiteDeleting}
	ErrAssignmentNotFound = &Error{Code: CodeAssignmentNotFound}
)

var aliasPattern = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$`)

// ETag is the entity tag of this version of the site.
func (s *Site) ETag() string { return ETagOf(s.Version) }

// AliasKey is what an alias's uniqueness is judged on: case does not count.
func AliasKey(alias string) string { return strings.ToLower(strings.TrimSpace(alias)) }

// DomainKey is what a domain's uniqueness is judged on (domains are stored IDNA-normalised).
func DomainKey(domain string) string { return strings.ToLower(strings.TrimSpace(domain)) }

func normalizeDomain(d string) string {
	return strings.TrimSuffix(strings.ToLower(norm.NFC.String(strings.TrimSpace(d))), ".")
}

// SiteSearchTerms are the words a site is found by: its name's, alias's and domain's.
func SiteSearchTerms(s *Site) []string {
	var words []string
	// The domain as people type it: bäckerei.de rather than xn--bckerei-5ya.de.
	domain := s.Domain
	if u, err := idna.Lookup.ToUnicode(domain); err == nil {
		domain = u
	}
	for _, part := range []string{s.Name, s.Alias, domain} {
		words = append(words, Words(part)...)
	}
	kept := keepTerms(nil, words)
	slices.Sort(kept)
	return kept
}

// NewSite reads a create request's body into a new site.
func NewSite(id string, body []byte, now time.Time) (*Site, error) {
	d, err := NewObjectDecoder(body)
	if err != nil {
		return nil, err
	}
	s := &Site{ID: id, Status: SiteDraft}
	readSite(d, s)
	if err := d.Err(); err != nil {
		return nil, err
	}
	if err := Invalid(s.normalize()); err != nil {
		return nil, err
	}
	s.CreatedAt, s.UpdatedAt, s.Version = At(now), At(now), 1
	return s, nil
}

// PatchSite applies a JSON Merge Patch to a site; null clears the optional members (and is
// refused for the name and the alias, which are required).
func PatchSite(cur *Site, patch []byte, now time.Time) (*Site, error) {
	d, err := NewObjectDecoder(patch)
	if err != nil {
		return nil, err
	}
	next := *cur
	for _, m := range []struct {
		name string
		dst  *string
	}{{"name", &next.Name}, {"alias", &next.Alias}, {"url", &next.URL}, {"domain", &next.Domain}, {"external_id", &next.ExternalID}} {
		if d.IsNull(m.name) {
			*m.dst = ""
		}
	}
	readSite(d, &next)
	if err := d.Err(); err != nil {
		return nil, err
	}
	if err := Invalid(next.normalize()); err != nil {
		return nil, err
	}
	next.UpdatedAt, next.Version = At(now), cur.Version+1
	return &next, nil
}

func readSite(d *ObjectDecoder, s *Site) {
	d.Members([]string{"name", "alias", "url", "domain", "external_id", "status"}, []string{"id", "clients_count", "deletion", "created_at", "updated_at", "version"})
	d.Field("name", &s.Name, "string")
	d.Field("alias", &s.Alias, "string")
	d.Field("url", &s.URL, "string")
	d.Field("domain", &s.Domain, "string")
	d.Field("external_id", &s.ExternalID, "string")
	d.Field("status", &s.Status, "string")
}

// normalize checks a site and puts it in canonical form: the alias lower-case, the domain
// read from the URL when not given, IDNA-normalised like an e-mail's.
func (s *Site) normalize() []FieldError {
	var v validator
	s.Name = v.name("/name", s.Name, MaxSiteNameLen)
	if s.Name == "" {
		v.add("/name", FieldRequired, "")
	}
	s.Alias = AliasKey(s.Alias)
	switch {
	case s.Alias == "":
		v.add("/alias", FieldRequired, "")
	case len(s.Alias) > MaxAliasLen || !aliasPattern.MatchString(s.Alias):
		v.add("/alias", FieldInvalidValue, "a-z, 0-9 and -, "+strconv.Itoa(MaxAliasLen)+" at most")
	}
	s.URL = strings.TrimSpace(s.URL)
	if s.URL != "" {
		if len(s.URL) > MaxURLLen || !ValidURL(s.URL) {
			v.add("/url", FieldInvalidURL, "")
		} else if s.Domain == "" {
			if u, err := url.Parse(s.URL); err == nil {
				s.Domain = u.Hostname()
			}
		}
	}
	if s.Domain != "" {
		domain := normalizeDomain(s.Domain)
		if ascii, err := idna.Lookup.ToASCII(domain); err != nil || !strings.Contains(ascii, ".") {
			v.add("/domain", FieldInvalidValue, "a domain name, e.g. www.example.com")
		} else {
			s.Domain = ascii
		}
	}
	s.ExternalID = strings.TrimSpace(s.ExternalID)
	if len(s.ExternalID) > MaxExternalIDLen || strings.IndexFunc(s.ExternalID, invisible) >= 0 || strings.ContainsAny(s.ExternalID, "\r\n\t") {
		v.add("/external_id", FieldInvalidValue, strconv.Itoa(MaxExternalIDLen)+" visible characters at most")
	}
	if s.Status == "" {
		s.Status = SiteDraft
	}
	if s.Status != SiteDraft && s.Status != SitePublished {
		v.add("/status", FieldInvalidValue, "draft, published")
	}
	return v.errs
}
