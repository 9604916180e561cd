package domain

import "strings"

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
