package domain

import (
	"strings"
	"testing"
)

func TestCheckImportFile(t *testing.T) {
	tests := []struct {
		name, format string
		size         int64
		wantName     string
		wantFormat   string
		errs         []string // pointer:code
	}{
		{" clients.csv ", "", 10, "clients.csv", "csv", nil},
		{"Clients Été.XLSX", "", 10, "Clients Été.XLSX", "xlsx", nil},
		{"export", "csv", MaxImportBytes, "export", "csv", nil},
		{"e\u0301te\u0301.csv", "", 10, "été.csv", "csv", nil},
		{"clients.ods", "", 10, "clients.ods", "", []string{"/format:required"}},
		{"clients.csv", "ods", 10, "clients.csv", "ods", []string{"/format:invalid_value"}},
		{"", "csv", 10, "", "csv", []string{"/file_name:required"}},
		{"a\u200b.csv", "", 10, "a\u200b.csv", "csv", []string{"/file_name:invisible_characters"}},
		{"a\tb.csv", "", 10, "a\tb.csv", "csv", []string{"/file_name:control_characters"}},
		{strings.Repeat("x", 252) + ".csv", "", 10, strings.Repeat("x", 252) + ".csv", "csv", []string{"/file_name:too_long"}},
		{"a.csv", "", 0, "a.csv", "csv", []string{"/size:out_of_range"}},
		{"a.csv", "", MaxImportBytes + 1, "a.csv", "csv", []string{"/size:too_large"}},
	}
	for _, tt := range tests {
		name, format, errs := CheckImportFile(tt.name, tt.format, tt.size)
		var got []string
		for _, e := range errs {
			got = append(got, e.Pointer+":"+string(e.Code))
		}
		if name != tt.wantName || format != tt.wantFormat || strings.Join(got, " ") != strings.Join(tt.errs, " ") {
			t.Errorf("CheckImportFile(%q, %q, %d) = %q, %q, %v", tt.name, tt.format, tt.size, name, format, got)
		}
	}
	im := &Import{ID: "i1", Format: "xlsx"}
	if im.ObjectKey("agency-1") != "imports/agency-1/i1/file.xlsx" || im.ContentType() != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
		t.Errorf("%s %s", im.ObjectKey("agency-1"), im.ContentType())
	}
}

func TestTermShard(t *testing.T) {
	for w, want := range map[string]string{"martin": "ma", "é": "é", "élodie": "él", "33612345678": "3361", "0612": "0612", "061": "061",
		"c-0042": "c-", "gmail.com": "gm", "한국어": "한국", "": ""} {
		if got := TermShard(w); got != want {
			t.Errorf("TermShard(%q) = %q, want %q", w, got, want)
		}
		// Every word a keyable query word begins shares its shard.
		if Keyable(w) && w != "" && TermShard(w+"xyz") != TermShard(w) {
			t.Errorf("%q and %q in different shards", w, w+"xyz")
		}
	}
	for w, want := range map[string]bool{"ma": true, "m": false, "é": false, "él": true, "0612": true, "061": false, "3": false} {
		if Keyable(w) != want {
			t.Errorf("Keyable(%q) = %v", w, !want)
		}
	}
}
