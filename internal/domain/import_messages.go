package domain

import (
	"fmt"
	"strings"
)

// Codes of the problems an import's row has beyond its fields'.
const (
	// CodeDuplicateInFile: another row of the file has the same e-mail or code (param: its
	// row number).
	CodeDuplicateInFile Code = "duplicate_in_file"
	// CodeNoMatch: an update-only row matches no client (param: email or code).
	CodeNoMatch Code = "no_match"
	// CodeAlreadyExists: a create-only row matches an existing client (param: email or code).
	CodeAlreadyExists Code = "already_exists"
	// CodeMatchKeyMissing: the row has no value to be matched on (param: email or code).
	CodeMatchKeyMissing Code = "match_key_missing"
	// CodeRowUnreadable: the reader could not read the row (param: the reader's code).
	CodeRowUnreadable Code = "row_unreadable"
	// CodeChangedSince: a revert left the row's client as it is: it changed after the import.
	CodeChangedSince Code = "changed_since"
)

// RowBadEncoding is the reader's code of a row whose bytes are not UTF-8 (package sheet's
// CodeBadEncoding: a test checks they agree).
const RowBadEncoding = "bad_encoding"

// importRowTexts word the problems a row has beyond its fields'; %s receives the parameter.
var importRowTexts = map[Code]Localized{
	CodeDuplicateInFile: {EN: "Same e-mail or client code as row %s of the file.", FR: "Même e-mail ou code client que la ligne %s du fichier."},
	CodeNoMatch:         {EN: "No client has this %s: nothing to update.", FR: "Aucun client n’a cet %s\u00a0: rien à mettre à jour."},
	CodeAlreadyExists:   {EN: "Another client already has this %s.", FR: "Un autre client a déjà cet %s."},
	CodeMatchKeyMissing: {EN: "The %s that finds the client to update is missing.", FR: "Il manque l’%s qui retrouve le client à mettre à jour."},
	CodeRowUnreadable:   {EN: "This row could not be read: %s.", FR: "Cette ligne n’a pas pu être lue\u00a0: %s."},
	CodeChangedSince:    {EN: "This client changed after the import: left as it is.", FR: "Ce client a changé après l’import\u00a0: laissé tel quel."},
}

// importKeyWords name what a row is matched on, in each language (with the French article's
// elision in mind: "cet e-mail", "l’e-mail").
var importKeyWords = map[string]Localized{
	"email": {EN: "e-mail", FR: "e-mail"},
	"code":  {EN: "client code", FR: "identifiant client"},
}

// importSheetTexts word the reader's problems with a row.
var importSheetTexts = map[string]Localized{
	RowBadEncoding: {EN: "bytes that are not UTF-8 (save the file as UTF-8)", FR: "des octets qui ne sont pas de l’UTF-8 (enregistrez le fichier en UTF-8)"},
}

// ImportMessage words a problem of an import's row for a reader of lang: the column's header
// first, when the problem is a cell's ("« E-mail » : Adresse e-mail invalide.").
func ImportMessage(e ImportRowError, headers []string, lang string) string {
	var msg string
	if t, ok := importRowTexts[e.Code]; ok {
		param := e.Param
		if w, ok := importKeyWords[param]; ok {
			param = w.Pick(lang)
		}
		if w, ok := importSheetTexts[param]; ok {
			param = w.Pick(lang)
		}
		msg = t.Pick(lang)
		if strings.Contains(msg, "%s") {
			msg = fmt.Sprintf(msg, param)
		}
	} else {
		msg = FieldMessage(e.Code, e.Param, lang)
	}
	if e.Column < 0 || e.Column >= len(headers) || strings.TrimSpace(headers[e.Column]) == "" {
		return msg
	}
	if lang == "fr" {
		return "«\u00a0" + headers[e.Column] + "\u00a0»\u00a0: " + msg
	}
	return "“" + headers[e.Column] + "”: " + msg
}
