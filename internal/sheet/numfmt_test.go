package sheet

import "testing"

// What a number cell shows by its format: as a person sees it, in a form that reads the same
// in French and in English (no thousands separator, a decimal point, ISO dates).
func TestNumberFormats(t *testing.T) {
	tests := []struct {
		code string
		v    float64
		want string
	}{
		{"General", 1234.5, "1234.5"},
		{"General", 0.1 + 0.2, "0.3"},
		{"General", 612345678, "612345678"},
		{"General", -3.25, "-3.25"},
		{"General", 1e20, "1E+20"},
		{"", 42, "42"},
		{"@", 75001, "75001"},
		{"0", 1234.5, "1235"},
		{"0.00", 1234.5, "1234.50"},
		{"0.00", -0.5, "-0.50"},
		{"#,##0", 1234567.8, "1234568"},
		{"#,##0.00", 1234.5, "1234.50"},
		{"#,##0.00 [$€-40C]", 1234.5, "1234.50 €"},
		{`#,##0.00\ "€"`, 99, "99.00 €"},
		{"0.0#", 2.345, "2.35"},
		{"0.0#", 2.3, "2.3"},
		{"#.##", 0.5, ".5"},
		{"#", 0, ""},
		{"0%", 0.256, "26%"},
		{"0.0%", 0.256, "25.6%"},
		{"#,##0,", 1234567, "1235"},
		// A French postal code, a French phone number (the special formats of French Excel).
		{"00000", 6000, "06000"},
		{`0#" "##" "##" "##" "##`, 612345678, "06 12 34 56 78"},
		{`00" "00" "00" "00" "00`, 145678901, "01 45 67 89 01"},
		{"000000", 12345678, "12345678"},
		// Sections: positive; negative; zero.
		{"#,##0_);(#,##0)", -1234, "(1234)"},
		{"#,##0_);(#,##0)", 1234, "1234"},
		{`#,##0.00_);(#,##0.00);"-"??_)`, 0, "-"},
		{"0;-0;;@", 0, ""},
		{`[Red]0.00;[Blue]-0.00`, -2, "-2.00"},
		{`"Total: "0`, 7, "Total: 7"},
		{`General" kg"`, 2.5, "2.5 kg"},
		// French Excel's accounting format, and its system long date and time.
		{`_-* #,##0.00\ "€"_-;\-* #,##0.00\ "€"_-;_-* "-"??\ "€"_-;_-@_-`, 1234.5, "1234.50 €"},
		{`_-* #,##0.00\ "€"_-;\-* #,##0.00\ "€"_-;_-* "-"??\ "€"_-;_-@_-`, -1234.5, "-1234.50 €"},
		{`_-* #,##0.00\ "€"_-;\-* #,##0.00\ "€"_-;_-* "-"??\ "€"_-;_-@_-`, 0, "- €"},
		{`[$-F800]dddd\,\ mmmm\ dd\,\ yyyy`, 45366, "2024-03-15"},
		{`[$-F400]h:mm:ss\ AM/PM`, 0.6041666667, "14:30:00"},
		{`#,##0.00 €`, 12.5, "12.50 €"},
		// What is written as General: fractions, scientific notation, conditions.
		{"# ?/?", 1.5, "1.5"},
		{"0.00E+00", 12345, "12345"},
		{"[>=100]0;0.00", 5, "5"},
		// Dates and times, whatever their format, in ISO 8601.
		{"dd/mm/yyyy", 45366, "2024-03-15"},
		{"mm-dd-yy", 45366, "2024-03-15"},
		{"yyyy-mm-dd", 45366, "2024-03-15"},
		{"d mmmm yyyy", 45366, "2024-03-15"},
		{"[$-40C]d mmmm yyyy;@", 45366, "2024-03-15"},
		{"mmm-yy", 45366, "2024-03-15"},
		{"dd/mm/yyyy hh:mm", 45366.6041666667, "2024-03-15 14:30"},
		{"m/d/yy h:mm AM/PM", 45366.6041666667, "2024-03-15 14:30"},
		{"h:mm:ss", 0.6041666667, "14:30:00"},
		{"mm:ss", 0.00104166667, "01:30"},
		{"hh:mm:ss.00", 0.5, "12:00:00"},
		{"[h]:mm:ss", 1.5, "36:00:00"},
		{"dd/mm/yyyy", 1, "1900-01-01"},
		{"dd/mm/yyyy", 61, "1900-03-01"},
		{"dd/mm/yyyy", -1, "-1"},
		{`"Le "dd/mm/yyyy`, 45366, "2024-03-15"},
	}
	for _, tt := range tests {
		if got := parseFormat(tt.code).show(tt.v, false); got != tt.want {
			t.Errorf("%q of %v: %q, want %q", tt.code, tt.v, got, tt.want)
		}
	}
	// The built-in formats: 14, the short date, follows the reader's locale (15/03/2024 in
	// French, 3/15/2024 in English); it is read as a date in both.
	for id, want := range map[int]string{0: "45366", 1: "45366", 14: "2024-03-15", 22: "2024-03-15 00:00", 49: "45366", 10: "4536600.00%"} {
		if got := parseFormat(builtinFormats[id]).show(45366, false); got != want {
			t.Errorf("built-in %d: %q, want %q", id, got, want)
		}
	}
	// A workbook counting from 1904 (Excel for Mac before 2011).
	if got := parseFormat("dd/mm/yyyy").show(43904, true); got != "2024-03-15" {
		t.Errorf("1904: %s", got)
	}
}
