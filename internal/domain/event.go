package domain

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Action is what an event records.
type Action string

// The actions of a client's timeline.
const (
	ActionCreated            Action = "created"
	ActionUpdated            Action = "updated"
	ActionDeleted            Action = "deleted"
	ActionErased             Action = "erased"
	ActionInvited            Action = "invited"
	ActionInvitationResent   Action = "invitation_resent"
	ActionInvitationRevoked  Action = "invitation_revoked"
	ActionInvitationAccepted Action = "invitation_accepted"
	ActionSetupLinkCreated   Action = "setup_link_created"
	ActionSuspended          Action = "suspended"
	ActionReactivated        Action = "reactivated"
	ActionSiteAssigned       Action = "site_assigned"
	ActionSiteChanged        Action = "site_permissions_changed"
	ActionSiteUnassigned     Action = "site_unassigned"
	ActionArchived           Action = "archived"
	ActionUnarchived         Action = "unarchived"
	ActionTeamChanged        Action = "team_changed"
)

// Actions lists every action, for filters and labels.
var Actions = []Action{ActionCreated, ActionUpdated, ActionDeleted, ActionErased, ActionInvited, ActionInvitationResent,
	ActionInvitationRevoked, ActionInvitationAccepted, ActionSetupLinkCreated, ActionSuspended, ActionReactivated,
	ActionSiteAssigned, ActionSiteChanged, ActionSiteUnassigned, ActionArchived, ActionUnarchived, ActionTeamChanged}

// Actor kinds: a staff member, the client (accepting an invitation), a job (bulk, import).
const (
	ActorStaff  = "staff"
	ActorClient = "client"
	ActorJob    = "job"
)

// Actor is who did what an event records.
type Actor struct {
	Kind string `json:"kind"`
	ID   string `json:"id"`
	// Name is a staff member's name or address, as the token gave it.
	Name string `json:"name,omitempty"`
}

// Change is one field's change: its old and new values, or only their lengths for long
// texts (a note is said to have changed, not copied into the history).
type Change struct {
	Field     string `json:"field"`
	Old       any    `json:"old,omitempty"`
	New       any    `json:"new,omitempty"`
	OldLength *int   `json:"old_length,omitempty"`
	NewLength *int   `json:"new_length,omitempty"`
}

// Event is one change in a client's life. Its id is a UUIDv7: ids sort by time.
type Event struct {
	ID       string   `json:"id"`
	ClientID string   `json:"client_id"`
	At       Time     `json:"at"`
	Actor    Actor    `json:"actor"`
	Action   Action   `json:"action"`
	Changes  []Change `json:"changes,omitempty"`
	// Details are facts that are not fields: the language of an invitation, the address it
	// went to, the IP an acceptance came from.
	Details   map[string]string `json:"details,omitempty"`
	RequestID string            `json:"request_id,omitempty"`
	JobID     string            `json:"job_id,omitempty"`
	// ImportID names the import whose commit made the change.
	ImportID string `json:"import_id,omitempty"`
	// Redacted says the personal values were removed (the client was deleted or erased).
	Redacted bool `json:"redacted,omitempty"`
	// ExpiresAt is when the event goes (epoch seconds): DynamoDB deletes it then (TTL).
	ExpiresAt int64 `json:"expires_at,omitempty"`
}

// MaxChangeValueLen is the longest text an event copies; a longer one is recorded by its
// length only. It keeps an event of any change within DynamoDB's item size.
const MaxChangeValueLen = 200

// nonPersonalDetails are the details an event keeps once redacted.
var nonPersonalDetails = []string{"locale", "message_id"}

// Redact removes what is personal from the event: the values of its changes (field names,
// lengths, actions, times and ids stay) and its personal details.
func (e *Event) Redact() {
	for i := range e.Changes {
		e.Changes[i].Old, e.Changes[i].New = nil, nil
	}
	maps.DeleteFunc(e.Details, func(k, _ string) bool { return !slices.Contains(nonPersonalDetails, k) })
	if len(e.Details) == 0 {
		e.Details = nil
	}
	e.Redacted = true
}

// Diff lists the changes from old to next (old nil: a creation, every field set), field by
// field: the standard fields, each address line, each custom field (custom_fields.<key>), tags,
// social links, status and tab.
func Diff(old, next *Client) []Change {
	var before, after map[string]any
	if old != nil {
		before = flatten(old)
	}
	after = flatten(next)
	keys := slices.Sorted(maps.Keys(after))
	for k := range before {
		if _, ok := after[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	var out []Change
	for _, k := range keys {
		b, a := before[k], after[k]
		if reflect.DeepEqual(b, a) {
			continue
		}
		out = append(out, change(k, b, a))
	}
	return out
}

func change(field string, old, next any) Change {
	c := Change{Field: field, Old: old, New: next}
	long := func(v any) (int, bool) {
		s, ok := v.(string)
		if !ok {
			return 0, false
		}
		n := utf8.RuneCountInString(s)
		return n, n > MaxChangeValueLen
	}
	ol, oLong := long(old)
	nl, nLong := long(next)
	if oLong || nLong {
		c.Old, c.New = nil, nil
		if old != nil {
			c.OldLength = &ol
		}
		if next != nil {
			c.NewLength = &nl
		}
	}
	return c
}

// flatten lists a client's recorded fields with their values, absent when empty.
func flatten(c *Client) map[string]any {
	m := map[string]any{}
	set := func(k string, v any) {
		switch x := v.(type) {
		case string:
			if x == "" {
				return
			}
		case []string:
			if len(x) == 0 {
				return
			}
			v = slices.Clone(x)
		case nil:
			return
		}
		m[k] = v
	}
	set("first_name", c.FirstName)
	set("last_name", c.LastName)
	set("company_name", c.CompanyName)
	set("code", c.Code)
	set("email", c.Email)
	set("phones", c.Phones)
	set("notes", c.Notes)
	set("locale", c.Locale)
	set("tags", c.Tags)
	set("site_ids", c.SiteIDs)
	for _, m := range c.Team {
		set("team."+m.Sub, teamText(m))
	}
	if c.Address != nil {
		set("address.line1", c.Address.Line1)
		set("address.line2", c.Address.Line2)
		set("address.postal_code", c.Address.PostalCode)
		set("address.city", c.Address.City)
		set("address.region", c.Address.Region)
		set("address.country", c.Address.Country)
	}
	for k, v := range c.SocialLinks {
		set("social_links."+k, v)
	}
	for k, v := range c.CustomFields {
		set(CustomColumnPrefix+k, v)
	}
	set("status", string(c.Status))
	set("access.status", string(c.Access.Status))
	if c.Archived {
		m["archived"] = true
	}
	return m
}

// Localized labels of the actions, for a reader of the timeline.
var actionLabels = map[Action]Localized{
	ActionCreated:            {FR: "Client créé", EN: "Client created"},
	ActionUpdated:            {FR: "Fiche modifiée", EN: "Record changed"},
	ActionDeleted:            {FR: "Client supprimé", EN: "Client deleted"},
	ActionErased:             {FR: "Données personnelles effacées", EN: "Personal data erased"},
	ActionInvited:            {FR: "Invitation envoyée", EN: "Invitation sent"},
	ActionInvitationResent:   {FR: "Invitation renvoyée", EN: "Invitation sent again"},
	ActionInvitationRevoked:  {FR: "Invitation révoquée", EN: "Invitation revoked"},
	ActionInvitationAccepted: {FR: "Invitation acceptée", EN: "Invitation accepted"},
	ActionSetupLinkCreated:   {FR: "Lien d’activation créé", EN: "Setup link created"},
	ActionSuspended:          {FR: "Accès suspendu", EN: "Access suspended"},
	ActionReactivated:        {FR: "Accès rétabli", EN: "Access restored"},
	ActionSiteAssigned:       {FR: "Site attribué", EN: "Site assigned"},
	ActionSiteChanged:        {FR: "Permissions sur un site modifiées", EN: "Site permissions changed"},
	ActionSiteUnassigned:     {FR: "Site retiré", EN: "Site unassigned"},
	ActionArchived:           {FR: "Client archivé", EN: "Client archived"},
	ActionUnarchived:         {FR: "Client désarchivé", EN: "Client unarchived"},
	ActionTeamChanged:        {FR: "Équipe de gestion modifiée", EN: "Management team changed"},
}

// ActionLabel is an action's label in French and English.
func ActionLabel(a Action) Localized {
	if l, ok := actionLabels[a]; ok {
		return l
	}
	return Localized{FR: string(a), EN: string(a)}
}

// Labels of the fields a change names that are not export columns.
var fieldLabels = map[string]Localized{
	"phones":                       {FR: "Téléphones", EN: "Phones"},
	"locale":                       {FR: "Langue", EN: "Language"},
	"address.line1":                {FR: "Adresse", EN: "Address line 1"},
	"address.line2":                {FR: "Complément d’adresse", EN: "Address line 2"},
	"address.postal_code":          {FR: "Code postal", EN: "Postal code"},
	"address.city":                 {FR: "Ville", EN: "City"},
	"address.region":               {FR: "Région", EN: "Region"},
	"address.country":              {FR: "Pays", EN: "Country"},
	"access.status":                {FR: "Accès", EN: "Access"},
	"site_permissions":             {FR: "Permissions sur le site", EN: "Site permissions"},
	"access.invitation_expires_at": {FR: "Expiration du lien", EN: "Link expiry"},
}

// FieldLabel is a changed field's label in French and English: the export's column header,
// a custom field's label from its definition, or the field's own name when none is known.
func FieldLabel(field string, defs Definitions) Localized {
	if l, ok := fieldLabels[field]; ok {
		return l
	}
	if key, ok := strings.CutPrefix(field, CustomColumnPrefix); ok {
		if d, found := defs.Get(key); found {
			return d.Label
		}
		return Localized{FR: key, EN: key}
	}
	if _, ok := strings.CutPrefix(field, "team."); ok {
		return Localized{FR: "Équipe de gestion", EN: "Management team"}
	}
	if key, ok := strings.CutPrefix(field, "social_links."); ok {
		return Localized{FR: "Réseau " + key, EN: key + " link"}
	}
	for _, c := range StandardExportColumns {
		if c.Key == field {
			return c.Header
		}
	}
	return Localized{FR: field, EN: field}
}

// EventRetention bounds: a tenant keeps its events DefaultEventRetentionDays unless it says
// otherwise, between the two bounds.
const (
	DefaultEventRetentionDays = 400
	MinEventRetentionDays     = 30
	MaxEventRetentionDays     = 3650
)

// EventExpiry is when an event written at t expires, for a tenant keeping events days.
func EventExpiry(t time.Time, days int) time.Time {
	if days <= 0 {
		days = DefaultEventRetentionDays
	}
	return t.Add(time.Duration(days) * 24 * time.Hour)
}

// String describes the event for logs.
func (e *Event) String() string {
	return fmt.Sprintf("%s %s by %s:%s", e.ClientID, e.Action, e.Actor.Kind, e.Actor.ID)
}
