package domain

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// BulkActionKind is what a bulk action does to each client.
type BulkActionKind string

const (
	BulkArchive    BulkActionKind = "archive"
	BulkUnarchive  BulkActionKind = "unarchive"
	BulkSuspend    BulkActionKind = "suspend"
	BulkReactivate BulkActionKind = "reactivate"
	BulkDelete     BulkActionKind = "delete"
	BulkAddTags    BulkActionKind = "add_tags"
	BulkRemoveTags BulkActionKind = "remove_tags"
	BulkSetManager BulkActionKind = "set_manager"
)

// BulkActionKinds lists the actions.
var BulkActionKinds = []BulkActionKind{BulkArchive, BulkUnarchive, BulkSuspend, BulkReactivate, BulkDelete, BulkAddTags, BulkRemoveTags, BulkSetManager}

// BulkAction is one action and what it needs: tags to add or remove, the staff member who
// becomes each client's lead.
type BulkAction struct {
	Action  BulkActionKind `json:"action"`
	Tags    []string       `json:"tags,omitempty"`
	Manager string         `json:"manager,omitempty"`
	// Confirm is the number of clients the caller expects the filter to select.
	Confirm int `json:"confirm,omitempty"`
}

func (b *BulkAction) params() map[string]any {
	p := map[string]any{}
	if len(b.Tags) > 0 {
		p["tags"] = strings.Join(b.Tags, ",")
	}
	if b.Manager != "" {
		p["manager"] = b.Manager
	}
	if b.Confirm > 0 {
		p["confirm"] = b.Confirm
	}
	return p
}

var bulkLabels = map[BulkActionKind]Localized{
	BulkArchive:    {FR: "Archiver", EN: "Archive"},
	BulkUnarchive:  {FR: "Désarchiver", EN: "Unarchive"},
	BulkSuspend:    {FR: "Suspendre l’accès", EN: "Suspend access"},
	BulkReactivate: {FR: "Rétablir l’accès", EN: "Restore access"},
	BulkDelete:     {FR: "Supprimer", EN: "Delete"},
	BulkAddTags:    {FR: "Ajouter des étiquettes", EN: "Add tags"},
	BulkRemoveTags: {FR: "Retirer des étiquettes", EN: "Remove tags"},
	BulkSetManager: {FR: "Désigner le responsable", EN: "Set the lead"},
}

// BulkActionLabel is an action's name in French and English.
func BulkActionLabel(a BulkActionKind) Localized { return bulkLabels[a] }

// Bulk limits.
const (
	// MaxBulkIDs is the most clients a bulk action names by id (answered at once).
	MaxBulkIDs = 100
)

// Bulk problem codes.
const (
	// CodeConfirmMismatch: the caller expected another number of clients than the action
	// would touch; nothing changed. Its param is the number it would touch.
	CodeConfirmMismatch Code = "bulk_confirm_mismatch"
)

// BulkRequest is POST /v1/clients/bulk's body: an action with what it needs, and either ids
// or the list's filters, with the number of clients the caller expects to touch.
type BulkRequest struct {
	BulkAction
	IDs     []string
	Filters map[string]any
	// HasConfirm says confirm was given (0 is a count).
	HasConfirm bool
}

// DecodeBulk reads a bulk request: the action known, its tags or manager present when it
// needs them, ids (1 to MaxBulkIDs, canonical, each once) or filters (not both), confirm.
func DecodeBulk(body []byte) (*BulkRequest, error) {
	d, err := NewObjectDecoder(body)
	if err != nil {
		return nil, err
	}
	var in BulkRequest
	var confirm *int
	d.Members([]string{"action", "ids", "filter", "confirm", "tags", "manager"}, nil)
	d.Field("action", &in.Action, "string")
	d.Field("ids", &in.IDs, "array of strings")
	d.Field("filter", &in.Filters, "object")
	d.Field("confirm", &confirm, "integer")
	d.Field("tags", &in.Tags, "array of strings")
	d.Field("manager", &in.Manager, "string")
	if err := d.Err(); err != nil {
		return nil, err
	}
	var v validator
	switch {
	case in.Action == "":
		v.add("/action", FieldRequired, "")
	case !slices.Contains(BulkActionKinds, in.Action):
		v.add("/action", FieldInvalidValue, "archive, unarchive, suspend, reactivate, delete, add_tags, remove_tags, set_manager")
	}
	switch {
	case in.IDs == nil && in.Filters == nil:
		v.add("/ids", FieldRequired, "ids or filter")
	case in.IDs != nil && in.Filters != nil:
		v.add("/filter", FieldInvalidValue, "ids or filter, not both")
	case in.IDs != nil && (len(in.IDs) == 0 || len(in.IDs) > MaxBulkIDs):
		v.add("/ids", FieldTooMany, strconv.Itoa(MaxBulkIDs))
	}
	for i, id := range in.IDs {
		switch {
		case !canonicalUUID.MatchString(id):
			v.add("/ids/"+strconv.Itoa(i), FieldInvalidValue, "a client id")
		case slices.Contains(in.IDs[:i], id):
			v.add("/ids/"+strconv.Itoa(i), FieldDuplicate, "")
		}
	}
	if confirm == nil {
		v.add("/confirm", FieldRequired, "the number of clients you expect to change")
	} else if *confirm < 0 || *confirm > 10_000_000 {
		v.add("/confirm", FieldOutOfRange, "0 to 10000000")
	} else {
		in.Confirm, in.HasConfirm = *confirm, true
	}
	switch in.Action {
	case BulkAddTags, BulkRemoveTags:
		if len(in.Tags) == 0 {
			v.add("/tags", FieldRequired, "")
		}
		in.Tags = v.tags(in.Tags)
	case BulkSetManager:
		if in.Manager = strings.TrimSpace(in.Manager); in.Manager == "" {
			v.add("/manager", FieldRequired, "a staff member's sub, or me")
		} else if !ValidStaffSub(in.Manager) {
			v.add("/manager", FieldInvalidValue, "a staff member's sub, or me")
		}
	}
	if in.Action != BulkAddTags && in.Action != BulkRemoveTags && in.Tags != nil {
		v.add("/tags", FieldUnknown, "")
	}
	if in.Action != BulkSetManager && in.Manager != "" {
		v.add("/manager", FieldUnknown, "")
	}
	if err := Invalid(v.errs); err != nil {
		return nil, err
	}
	return &in, nil
}

// WithTags is c with tags added and removed (case does not count), or an error when it would
// have more than MaxTags.
func WithTags(c *Client, add, remove []string, now time.Time) (*Client, error) {
	var tags []string
	for _, t := range c.Tags {
		if !slices.ContainsFunc(remove, func(r string) bool { return strings.EqualFold(r, t) }) {
			tags = append(tags, t)
		}
	}
	for _, t := range add {
		if !slices.ContainsFunc(tags, func(x string) bool { return strings.EqualFold(x, t) }) {
			tags = append(tags, t)
		}
	}
	if len(tags) > MaxTags {
		return nil, Invalid([]FieldError{{Pointer: "/tags", Code: FieldTooMany, Param: strconv.Itoa(MaxTags)}})
	}
	f := c.Fields
	f.Tags = tags
	return c.Revise(f, now), nil
}

// BulkOutcome is what a bulk action did to one client.
type BulkOutcome string

const (
	BulkDone      BulkOutcome = "done"
	BulkUnchanged BulkOutcome = "unchanged"
	BulkRefused   BulkOutcome = "refused"
)

// BulkResult is one client's line of a bulk action's results.
type BulkResult struct {
	ID     string      `json:"id"`
	Result BulkOutcome `json:"result"`
	// Code and Detail say why a client was refused (or why nothing changed), as a problem would.
	Code   Code   `json:"code,omitempty"`
	Detail string `json:"detail,omitempty"`
	// Name is the client's name, for a person reading the results file.
	Name string `json:"-"`
}
