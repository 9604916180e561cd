package api

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/clientdesk/clientdesk/internal/domain"
	"github.com/clientdesk/clientdesk/internal/retry"
	"github.com/clientdesk/clientdesk/internal/store"
)

// Sites and their clients: what the site operations share. A client is given a site with
// permissions (assignSite), which moves its status (prospect → site_assigned) in the same
// transaction; a site's deletion unassigns every client, within the request for a few, on
// the worker for more (CleanUpSite).

// SiteStore keeps a tenant's sites, their assignments to clients and the permission presets.
type SiteStore interface {
	CreateSite(ctx context.Context, tenant string, s *domain.Site, idem *store.Idempotency) error
	GetSite(ctx context.Context, tenant, id string) (*domain.Site, error)
	UpdateSite(ctx context.Context, tenant string, old, next *domain.Site) error
	ListSites(ctx context.Context, tenant string, q store.SiteQuery) (store.SitePage, error)
	StartSiteDeletion(ctx context.Context, tenant, id string, allowed func(int64) bool, now domain.Time) (*domain.Site, error)
	FinishSiteDeletion(ctx context.Context, tenant, id string) (bool, error)
	SetSiteDeletionJob(ctx context.Context, tenant, id, jobID string) error
	GetSiteAccess(ctx context.Context, tenant, clientID, siteID string, withPresets bool) (*store.SiteAccess, error)
	AssignSite(ctx context.Context, tenant string, acc *store.SiteAccess, next *domain.Client, a *domain.Assignment, ev *domain.Event) error
	UnassignSite(ctx context.Context, tenant string, acc *store.SiteAccess, next *domain.Client, ev *domain.Event) error
	ClientSites(ctx context.Context, tenant, clientID string, limit int, cursor string) (store.AssignmentPage, error)
	SiteClients(ctx context.Context, tenant, siteID string, limit int, cursor string) (store.AssignmentPage, error)
	GetPresets(ctx context.Context, tenant string) (domain.Presets, int64, error)
	PutPresets(ctx context.Context, tenant string, presets domain.Presets, version int64) error
}

// siteView is a site as a reader sees it: a deletion shows how many clients remain.
type siteView struct {
	*domain.Site
	Deletion *deletionView `json:"deletion,omitempty"`
}

type deletionView struct {
	domain.SiteDeletion
	ClientsRemaining int `json:"clients_remaining"`
}

func viewSite(s *domain.Site) siteView {
	v := siteView{Site: s}
	if s.Deletion != nil {
		v.Deletion = &deletionView{SiteDeletion: *s.Deletion, ClientsRemaining: s.ClientsCount}
	}
	return v
}

// siteID reads the {id} path parameter of the site routes.
func (r *request) siteID() (string, error) { return r.uuidParam("id") }

// assignmentPage is a page of assignments, either direction.
type assignmentPage struct {
	Items      []*domain.Assignment `json:"items"`
	NextCursor *string              `json:"next_cursor"`
}

func viewAssignments(page store.AssignmentPage) assignmentPage {
	out := assignmentPage{Items: page.Items}
	if out.Items == nil {
		out.Items = []*domain.Assignment{}
	}
	if page.NextCursor != "" {
		out.NextCursor = &page.NextCursor
	}
	return out
}

// assignmentEvent is the event of a change of a client's sites: the client's fields that
// move (its sites, its status), the permissions before and after, and which site.
func assignmentEvent(ev *domain.Event, acc *store.SiteAccess, next *domain.Client, siteID, siteName string, perms []string) *domain.Event {
	ev.Changes = domain.Diff(acc.Client, next)
	var before []string
	if acc.Assignment != nil {
		before = acc.Assignment.Permissions
	}
	if !slices.Equal(before, perms) {
		ch := domain.Change{Field: "site_permissions"}
		if len(before) > 0 {
			ch.Old = strings.Join(before, ", ")
		}
		if len(perms) > 0 {
			ch.New = strings.Join(perms, ", ")
		}
		ev.Changes = append(ev.Changes, ch)
	}
	ev.Details = map[string]string{"site_id": siteID}
	if siteName != "" {
		ev.Details["site_name"] = siteName
	}
	return ev
}

// unassigned is what an unassignment leaves: the client after, and whether it still has
// access that no site justifies (Duda's advice: suspend it).
type unassigned struct {
	ClientID   string         `json:"client_id"`
	SiteID     string         `json:"site_id"`
	Status     domain.Status  `json:"status"`
	SitesCount int            `json:"sites_count"`
	Warning    *domain.Notice `json:"warning,omitempty"`
}

// unassign takes a site from a client, as actor (requestID and jobID say on whose behalf),
// when allowed accepts the assignment's version (nil: any). A change of the client meanwhile
// (another of its sites) is read again and retried; the assignment gone is
// domain.ErrAssignmentNotFound.
func (a *API) unassign(ctx context.Context, tenant string, actor domain.Actor, requestID, jobID, clientID, siteID string, allowed func(int64) bool) (*unassigned, error) {
	var out *unassigned
	err := retry.OnConflict(ctx, 4, func(int) error {
		acc, err := a.Sites.GetSiteAccess(ctx, tenant, clientID, siteID, false)
		if err != nil {
			return err
		}
		if acc.Assignment == nil {
			return domain.ErrAssignmentNotFound
		}
		if allowed != nil && !allowed(acc.Assignment.Version) {
			return domain.ErrPreconditionFailed
		}
		now := a.Now()
		next := domain.UnassignSite(acc.Client, siteID, now)
		ev, err := a.event(ctx, tenant, actor, requestID, clientID, domain.ActionSiteUnassigned, now)
		if err != nil {
			return err
		}
		ev.JobID = jobID
		name := ""
		if acc.Site != nil {
			name = acc.Site.Name
		}
		assignmentEvent(ev, acc, next, siteID, name, nil)
		err = a.Sites.UnassignSite(ctx, tenant, acc, next, ev)
		if errors.Is(err, domain.ErrPreconditionFailed) {
			return retry.Conflict(err)
		}
		if err != nil {
			return err
		}
		out = &unassigned{ClientID: clientID, SiteID: siteID, Status: next.Status, SitesCount: next.SitesCount}
		if next.SitesCount == 0 && next.Access.Status == domain.AccessActive {
			out.Warning = &domain.Notice{Code: domain.NoticeAccessWithoutSite}
		}
		return nil
	})
	return out, err
}

// CleanUpSite finishes a site's deletion: it unassigns every client still given the site, as
// actor (requestID and jobID say on whose behalf), then removes the site; progress, when not
// nil, hears after each page how many clients are done (and may stop the run). Run again (a
// redelivered job, a deletion asked again), it goes on from where it stopped: an unassigned
// client is no longer among the site's.
func (a *API) CleanUpSite(ctx context.Context, tenant, siteID string, actor domain.Actor, requestID, jobID string, progress func(done int) error) error {
	done := 0
	for {
		page, err := a.Sites.SiteClients(ctx, tenant, siteID, 100, "")
		if errors.Is(err, domain.ErrSiteNotFound) {
			return nil // already gone
		}
		if err != nil {
			return err
		}
		if len(page.Items) == 0 {
			gone, err := a.Sites.FinishSiteDeletion(ctx, tenant, siteID)
			if err == nil && !gone {
				return fmt.Errorf("site %s: no client left but a count above zero", siteID)
			}
			return err
		}
		for _, asg := range page.Items {
			_, err := a.unassign(ctx, tenant, actor, requestID, jobID, asg.ClientID, siteID, nil)
			if err != nil && !errors.Is(err, domain.ErrAssignmentNotFound) {
				// A membership whose client has no such assignment would be read again
				// forever: the store never writes one without the other.
				return fmt.Errorf("unassign client %s: %w", asg.ClientID, err)
			}
			done++
		}
		if progress != nil {
			if err := progress(done); err != nil {
				return err
			}
		}
	}
}
