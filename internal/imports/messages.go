package imports

import (
	"fmt"
	"strings"

	"github.com/clientdesk/clientdesk/internal/domain"
	"github.com/clientdesk/clientdesk/internal/sheet"
)

// rowTexts word the problems a row has beyond its fields'; %s receives the parameter.
var rowTexts = map[domain.Code]domain.Localized{
	CodeDuplicateInFile: {EN: "Same e-mail or client code as row %s of the file.", FR: "Même e-mail ou code client que la ligne %s du fichier."},
	CodeNoMatch:         {EN: "No client has this %s: nothing to update.", FR: "Aucun client n’a cet %s\u00a0: rien à mettre à jour."},
	CodeAlreadyExists:   {EN: "Another client already has this %s.", FR: "Un autre client a déjà cet %s."},
	CodeMatchKeyMissing: {EN: "The %s that finds the client to update is missing.", FR: "Il manque l’%s qui retrouve le client à mettre à jour."},
	CodeRowUnreadable:   {EN: "This row could not be read: %s.", FR: "Cette ligne n’a pas pu être lue\u00a0: %s."},
}

// keyWords name what a row is matched on, in each language (with the French article's
// elision in mind: "cet e-mail", "l’e-mail").
var keyWords = map[string]domain.Localized{
	"email": {EN: "e-mail", FR: "e-mail"},
	"code":  {EN: "client code", FR: "identifiant client"},
}

// sheetTexts word the reader's problems with a row.
var sheetTexts = map[string]domain.Localized{
	sheet.CodeBadEncoding: {EN: "bytes that are not UTF-8 (save the file as UTF-8)", FR: "des octets qui ne sont pas de l’UTF-8 (enregistrez le fichier en UTF-8)"},
}

// Message words a row's problem for a reader of lang: the column's header first, when the
// problem is a cell's ("« E-mail » : Adresse e-mail invalide.").
func Message(e CellError, headers []string, lang string) string {
	var msg string
	if t, ok := rowTexts[e.Code]; ok {
		param := e.Param
		if w, ok := keyWords[param]; ok {
			param = w.Pick(lang)
		}
		if w, ok := sheetTexts[param]; ok {
			param = w.Pick(lang)
		}
		msg = t.Pick(lang)
		if strings.Contains(msg, "%s") {
			msg = fmt.Sprintf(msg, param)
		}
	} else {
		msg = domain.FieldMessage(e.Code, e.Param, lang)
	}
	if e.Column < 0 || e.Column >= len(headers) || strings.TrimSpace(headers[e.Column]) == "" {
		return msg
	}
	if lang == "fr" {
		return "«\u00a0" + headers[e.Column] + "\u00a0»\u00a0: " + msg
	}
	return "“" + headers[e.Column] + "”: " + msg
}
