package imports

import (
	"slices"
	"testing"
	"time"

	"github.com/clientdesk/clientdesk/internal/domain"
	"github.com/clientdesk/clientdesk/internal/phone"
	"github.com/clientdesk/clientdesk/internal/sheet"
)

var headers = []string{"Prénom", "Nom", "E-mail", "Code client", "Téléphone", "Pays", "Étiquettes"}

func checker(mode Mode, match Match) *Checker {
	rd := Reading{Columns: DetectMapping(headers, nil), Lang: "fr", ParsePhone: phone.E164}
	return NewChecker(rd, mode, match)
}

func row(n int, cells ...string) sheet.Row { return sheet.Row{Number: n, Cells: cells} }

func codes(ch Checked) []string {
	var out []string
	for _, e := range ch.Errors {
		out = append(out, string(e.Code)+"@"+string(rune('0'+e.Column+1))+":"+e.Param)
	}
	return out
}

// The file's own duplicates: the same e-mail (as the API compares them) or code on a later row
// is in error, naming the first row.
func TestCheckerFindsDuplicatesInTheFile(t *testing.T) {
	c := checker(CreateOnly, "")
	rows := []sheet.Row{
		row(2, "Anne", "Martin", "anne@exemple.fr", "C-1"),
		row(3, "Anne", "Martin", "ANNE@Exemple.FR", "C-2"),
		row(4, "Bruno", "Dupont", "bruno@exemple.fr", " c-1 "),
		row(5, "", "", "", ""),
		row(6, "Claire", "", "claire@exemple.fr", "C-3"),
	}
	want := [][]string{nil, {"duplicate_in_file@3:2"}, {"duplicate_in_file@4:2"}, nil, nil}
	for i, r := range rows {
		ch := c.Check(r, nil)
		if got := codes(ch); !slices.Equal(got, want[i]) {
			t.Errorf("row %d: %v, want %v", r.Number, got, want[i])
		}
	}
	if ch := c.Check(row(5, "", ""), nil); !ch.Blank() {
		t.Errorf("a blank row: %+v", ch)
	}
	if ch := c.Check(sheet.Row{Number: 7}, &sheet.Error{Row: 7, Code: sheet.CodeBadEncoding}); !slices.Equal(codes(ch), []string{"row_unreadable@0:bad_encoding"}) {
		t.Errorf("an unreadable row: %v", codes(ch))
	}
}

func client(id, email, code string, f domain.Fields) *domain.Client {
	f.Email, f.Code = email, code
	return domain.NewClient(id, f, time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC))
}

func TestCheckerDecides(t *testing.T) {
	anne := client("c-anne", "anne@exemple.fr", "C-1", domain.Fields{FirstName: "Anne", LastName: "Martin", Locale: "fr", Tags: []string{"vip"}})
	bruno := client("c-bruno", "bruno@exemple.fr", "C-2", domain.Fields{FirstName: "Bruno", Locale: "fr"})
	tests := []struct {
		name          string
		mode          Mode
		match         Match
		cells         []string
		byEmail, code *domain.Client
		action        Action
		errs          []string
	}{
		{"create", CreateOnly, "", []string{"Claire", "", "claire@exemple.fr"}, nil, nil, ActionCreate, nil},
		{"create over an e-mail in use", CreateOnly, "", []string{"Anne", "", "anne@exemple.fr"}, anne, nil, ActionError, []string{"already_exists@3:email"}},
		{"create over a code in use", CreateOnly, "", []string{"X", "", "", "C-2"}, nil, bruno, ActionError, []string{"already_exists@4:code"}},
		{"update by e-mail", UpdateOnly, MatchEmail, []string{"Anne", "Martin-Dubois", "anne@exemple.fr"}, anne, anne, ActionUpdate, nil},
		{"update that changes nothing", UpdateOnly, MatchEmail, []string{"Anne", "Martin", "anne@exemple.fr", "", "", "", "vip"}, anne, anne, ActionUnchanged, nil},
		{"update of no one", UpdateOnly, MatchEmail, []string{"Zoé", "", "zoe@exemple.fr"}, nil, nil, ActionError, []string{"no_match@3:email"}},
		{"update without the key", UpdateOnly, MatchCode, []string{"Zoé", "", "zoe@exemple.fr"}, nil, nil, ActionError, []string{"match_key_missing@4:code"}},
		{"update by code taking another's e-mail", UpdateOnly, MatchCode, []string{"Anne", "", "bruno@exemple.fr", "C-1"}, bruno, anne, ActionError, []string{"already_exists@3:email"}},
		{"upsert creates", Upsert, MatchEmail, []string{"Zoé", "", "zoe@exemple.fr"}, nil, nil, ActionCreate, nil},
		{"upsert updates", Upsert, MatchEmail, []string{"Anne", "", "anne@exemple.fr", "C-9"}, anne, nil, ActionUpdate, nil},
		{"a row in error stays so", Upsert, MatchEmail, []string{"Anne", "", "anne@"}, nil, nil, ActionError, []string{"invalid_email@3:"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := checker(tt.mode, tt.match)
			ch := c.Check(row(2, tt.cells...), nil)
			action, f := c.Decide(&ch, c.Present(tt.cells), tt.byEmail, tt.code)
			if action != tt.action || !slices.Equal(codes(ch), tt.errs) {
				t.Fatalf("%s %v, want %s %v", action, codes(ch), tt.action, tt.errs)
			}
			if action == ActionUpdate && tt.name == "update by e-mail" &&
				(f.LastName != "Martin-Dubois" || f.FirstName != "Anne" || !slices.Equal(f.Tags, []string{"vip"}) || f.Code != "C-1") {
				t.Errorf("merged %+v", f)
			}
			if action == ActionUpdate && tt.name == "upsert updates" && (f.Code != "C-9" || f.LastName != "Martin") {
				t.Errorf("merged %+v", f)
			}
		})
	}
}
