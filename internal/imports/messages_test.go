package imports

import (
	"testing"

	"github.com/clientdesk/clientdesk/internal/domain"
	"github.com/clientdesk/clientdesk/internal/sheet"
)

func TestMessages(t *testing.T) {
	headers := []string{"Prénom", "E-mail", "Code client"}
	tests := []struct {
		e      CellError
		fr, en string
	}{
		{CellError{Column: 1, Code: domain.FieldInvalidEmail}, "«\u00a0E-mail\u00a0»\u00a0: Adresse e-mail invalide.", "“E-mail”: Not a valid email address."},
		{CellError{Column: 1, Code: CodeDuplicateInFile, Param: "4"}, "«\u00a0E-mail\u00a0»\u00a0: Même e-mail ou code client que la ligne 4 du fichier.",
			"“E-mail”: Same e-mail or client code as row 4 of the file."},
		{CellError{Column: 2, Code: CodeAlreadyExists, Param: "code"}, "«\u00a0Code client\u00a0»\u00a0: Un autre client a déjà cet identifiant client.",
			"“Code client”: Another client already has this client code."},
		{CellError{Column: -1, Code: domain.FieldNameRequired}, "Indiquez un prénom, un nom ou un nom d’entreprise.", "Give a first name, a last name or a company name."},
		{CellError{Column: -1, Code: CodeRowUnreadable, Param: sheet.CodeBadEncoding},
			"Cette ligne n’a pas pu être lue\u00a0: des octets qui ne sont pas de l’UTF-8 (enregistrez le fichier en UTF-8).",
			"This row could not be read: bytes that are not UTF-8 (save the file as UTF-8)."},
		{CellError{Column: 0, Code: domain.FieldTooLong, Param: "100"}, "«\u00a0Prénom\u00a0»\u00a0: 100 caractères au maximum.", "“Prénom”: At most 100 characters."},
	}
	for _, tt := range tests {
		if got := Message(tt.e, headers, "fr"); got != tt.fr {
			t.Errorf("fr %+v: %q", tt.e, got)
		}
		if got := Message(tt.e, headers, "en"); got != tt.en {
			t.Errorf("en %+v: %q", tt.e, got)
		}
	}
	for _, code := range []domain.Code{CodeDuplicateInFile, CodeNoMatch, CodeAlreadyExists, CodeMatchKeyMissing, CodeRowUnreadable} {
		if fr, en := Message(CellError{Column: -1, Code: code}, nil, "fr"), Message(CellError{Column: -1, Code: code}, nil, "en"); fr == en || fr == domain.FieldMessage(code, "", "fr") {
			t.Errorf("%s: no text of its own (%q, %q)", code, fr, en)
		}
	}
	if domain.RowBadEncoding != sheet.CodeBadEncoding {
		t.Errorf("the reader's code of bad bytes is %q, the messages know %q", sheet.CodeBadEncoding, domain.RowBadEncoding)
	}
}
