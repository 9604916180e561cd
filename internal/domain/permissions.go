package domain

import (
	"fmt"
	"slices"
	"strconv"
	"time"
)

// SitePermission is what a client may do on a site, with what it needs first.
type SitePermission struct {
	Key         string    `json:"key"`
	Label       Localized `json:"label"`
	Description Localized `json:"description"`
	// Requires lists the permissions this one needs (publishing needs editing).
	Requires []string `json:"requires"`
}

// SitePermissions is the catalogue: what site builders let an agency grant its clients.
var SitePermissions = []SitePermission{
	{"edit_content", Localized{FR: "Modifier le contenu", EN: "Edit content"},
		Localized{FR: "Modifier les textes, images et sections des pages existantes.", EN: "Edit the text, images and sections of existing pages."}, []string{}},
	{"manage_pages", Localized{FR: "Gérer les pages", EN: "Manage pages"},
		Localized{FR: "Ajouter, renommer et supprimer des pages.", EN: "Add, rename and remove pages."}, []string{"edit_content"}},
	{"publish", Localized{FR: "Publier", EN: "Publish"},
		Localized{FR: "Mettre en ligne les modifications.", EN: "Put changes live."}, []string{"edit_content"}},
	{"blog", Localized{FR: "Blog", EN: "Blog"},
		Localized{FR: "Écrire et publier des articles.", EN: "Write and publish posts."}, []string{"edit_content"}},
	{"seo", Localized{FR: "Référencement (SEO)", EN: "SEO"},
		Localized{FR: "Titres, descriptions et réglages de référencement.", EN: "Titles, descriptions and search settings."}, []string{}},
	{"statistics", Localized{FR: "Statistiques", EN: "Statistics"},
		Localized{FR: "Consulter la fréquentation du site.", EN: "See the site's traffic."}, []string{}},
	{"form_entries", Localized{FR: "Réponses aux formulaires", EN: "Form entries"},
		Localized{FR: "Lire et exporter les réponses aux formulaires.", EN: "Read and export form submissions."}, []string{}},
	{"comments", Localized{FR: "Commentaires", EN: "Comments"},
		Localized{FR: "Modérer les commentaires.", EN: "Moderate comments."}, []string{}},
	{"ecommerce", Localized{FR: "Boutique en ligne", EN: "Online store"},
		Localized{FR: "Gérer produits, commandes et stocks.", EN: "Manage products, orders and stock."}, []string{}},
	{"custom_domain", Localized{FR: "Nom de domaine", EN: "Custom domain"},
		Localized{FR: "Relier et gérer le nom de domaine du site.", EN: "Connect and manage the site's domain name."}, []string{"publish"}},
	{"backups", Localized{FR: "Sauvegardes", EN: "Backups"},
		Localized{FR: "Restaurer une version antérieure du site.", EN: "Restore an earlier version of the site."}, []string{"publish"}},
}

// CheckPermissions validates a set of permissions at pointer: each known, each with what it
// requires, none twice. It returns them in catalogue order.
func CheckPermissions(pointer string, perms []string) ([]string, []FieldError) {
	var errs []FieldError
	for i, p := range perms {
		switch {
		case !slices.ContainsFunc(SitePermissions, func(sp SitePermission) bool { return sp.Key == p }):
			errs = append(errs, FieldError{Pointer: fmt.Sprintf("%s/%d", pointer, i), Code: FieldUnknownPermission, Param: p})
		case slices.Contains(perms[:i], p):
			errs = append(errs, FieldError{Pointer: fmt.Sprintf("%s/%d", pointer, i), Code: FieldDuplicate, Param: p})
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	var out []string
	for _, sp := range SitePermissions {
		if !slices.Contains(perms, sp.Key) {
			continue
		}
		for _, need := range sp.Requires {
			if !slices.Contains(perms, need) {
				errs = append(errs, FieldError{Pointer: pointer, Code: FieldPermissionNeeds, Param: sp.Key + " → " + need})
			}
		}
		out = append(out, sp.Key)
	}
	return out, errs
}

// PermissionPreset is a tenant's named set of permissions ("Rédacteur", "Lecture seule").
type PermissionPreset struct {
	Key         string    `json:"key"`
	Label       Localized `json:"label"`
	Permissions []string  `json:"permissions"`
	UpdatedAt   Time      `json:"updated_at"`
	Version     int64     `json:"version"`
}

// Presets are a tenant's presets.
type Presets []PermissionPreset

// MaxPresets bounds a tenant's presets (they are one item).
const MaxPresets = 50

// Get finds a preset by key.
func (ps Presets) Get(key string) (*PermissionPreset, bool) {
	i := slices.IndexFunc(ps, func(p PermissionPreset) bool { return p.Key == key })
	if i < 0 {
		return nil, false
	}
	return &ps[i], true
}

// ETag is the entity tag of this version of the preset.
func (p *PermissionPreset) ETag() string { return ETagOf(p.Version) }

// PutPreset reads a preset body into key's preset (new, or the next version of cur).
func PutPreset(key string, cur *PermissionPreset, body []byte, now time.Time) (*PermissionPreset, error) {
	d, err := NewObjectDecoder(body)
	if err != nil {
		return nil, err
	}
	p := &PermissionPreset{Key: key, Version: 1}
	if cur != nil {
		p.Version = cur.Version + 1
	}
	d.Members([]string{"label", "permissions"}, []string{"key", "updated_at", "version"})
	d.Object("label", "object", func(ld *ObjectDecoder) {
		ld.Members([]string{"fr", "en"}, nil)
		ld.Field("fr", &p.Label.FR, "string")
		ld.Field("en", &p.Label.EN, "string")
	})
	d.Field("permissions", &p.Permissions, "array of strings")
	if err := d.Err(); err != nil {
		return nil, err
	}
	var v validator
	if !validKey(key) {
		v.add("/key", FieldInvalidKey, "")
	}
	p.Label.FR = v.name("/label/fr", p.Label.FR, MaxLabelLen)
	p.Label.EN = v.name("/label/en", p.Label.EN, MaxLabelLen)
	if p.Label.FR == "" && p.Label.EN == "" {
		v.add("/label", FieldRequired, "")
	}
	perms, errs := CheckPermissions("/permissions", p.Permissions)
	v.errs = append(v.errs, errs...)
	if len(p.Permissions) == 0 && len(errs) == 0 {
		v.add("/permissions", FieldRequired, "")
	}
	if err := Invalid(v.errs); err != nil {
		return nil, err
	}
	p.Permissions, p.UpdatedAt = perms, At(now)
	return p, nil
}

// Assignment is a site given to a client, with what the client may do on it.
type Assignment struct {
	SiteID      string   `json:"site_id"`
	ClientID    string   `json:"client_id"`
	Permissions []string `json:"permissions"`
	// Preset names the preset the permissions came from, when one did.
	Preset     string `json:"preset,omitempty"`
	AssignedAt Time   `json:"assigned_at"`
	UpdatedAt  Time   `json:"updated_at"`
	Version    int64  `json:"version"`
}

// ETag is the entity tag of this version of the assignment.
func (a *Assignment) ETag() string { return ETagOf(a.Version) }

// AssignmentInput reads PUT …/sites/{site_id}: permissions, or a preset's.
func AssignmentInput(body []byte, presets Presets) (perms []string, preset string, err error) {
	d, err := NewObjectDecoder(body)
	if err != nil {
		return nil, "", err
	}
	d.Members([]string{"permissions", "preset"}, []string{"site_id", "client_id", "assigned_at", "updated_at", "version"})
	d.Field("permissions", &perms, "array of strings")
	d.Field("preset", &preset, "string")
	if err := d.Err(); err != nil {
		return nil, "", err
	}
	switch {
	case preset != "" && perms != nil:
		return nil, "", Invalid([]FieldError{{Pointer: "/preset", Code: FieldInvalidValue, Param: "permissions or a preset, not both"}})
	case preset != "":
		p, ok := presets.Get(preset)
		if !ok {
			return nil, "", Invalid([]FieldError{{Pointer: "/preset", Code: FieldInvalidValue, Param: "a preset's key"}})
		}
		return p.Permissions, preset, nil
	}
	checked, errs := CheckPermissions("/permissions", perms)
	if err := Invalid(errs); err != nil {
		return nil, "", err
	}
	if checked == nil {
		checked = []string{}
	}
	return checked, "", nil
}

// AssignSite is the client after it gets one more site: prospects become site_assigned.
func AssignSite(c *Client, siteID string, now time.Time) (*Client, error) {
	if slices.Contains(c.SiteIDs, siteID) {
		next := *c
		return &next, nil
	}
	if len(c.SiteIDs) >= MaxSitesPerClient {
		return nil, &Error{Code: CodeTooManySites, Param: strconv.Itoa(MaxSitesPerClient)}
	}
	next := c.Revise(c.Fields, now)
	next.SiteIDs = append(slices.Clone(c.SiteIDs), siteID)
	slices.Sort(next.SiteIDs)
	next.SitesCount = len(next.SiteIDs)
	if next.Status == StatusProspect {
		next.Status = StatusSiteAssigned
	}
	// An invitation withdrawn goes back to the status before it: now site_assigned.
	if next.Access.ResumeStatus == StatusProspect {
		next.Access.ResumeStatus = StatusSiteAssigned
	}
	return next, nil
}

// UnassignSite is the client after it loses a site: back to prospect when it was its last
// and its status was only site_assigned (invited, active and suspended are access states and
// stay).
func UnassignSite(c *Client, siteID string, now time.Time) *Client {
	next := c.Revise(c.Fields, now)
	next.SiteIDs = slices.DeleteFunc(slices.Clone(c.SiteIDs), func(id string) bool { return id == siteID })
	next.SitesCount = len(next.SiteIDs)
	if len(next.SiteIDs) == 0 {
		next.SiteIDs = nil
		if next.Status == StatusSiteAssigned {
			next.Status = StatusProspect
		}
		if next.Access.ResumeStatus == StatusSiteAssigned {
			next.Access.ResumeStatus = StatusProspect
		}
	}
	return next
}
