package imports

import "github.com/clientdesk/clientdesk/internal/domain"

// Message words a row's problem for a reader of lang (see domain.ImportMessage).
func Message(e CellError, headers []string, lang string) string {
	return domain.ImportMessage(domain.ImportRowError{Column: e.Column, Code: e.Code, Param: e.Param}, headers, lang)
}
