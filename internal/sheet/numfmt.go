package sheet

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// builtinFormats are the number formats a workbook names by id without writing them. Those
// that follow the reader's locale (currencies, the short date) are given here as they read in
// any language: a number, an ISO date.
var builtinFormats = map[int]string{
	0: "General", 1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00",
	5: "#,##0;-#,##0", 6: "#,##0;-#,##0", 7: "#,##0.00;-#,##0.00", 8: "#,##0.00;-#,##0.00",
	9: "0%", 10: "0.00%", 11: "0.00E+00", 12: "# ?/?", 13: "# ??/??",
	14: "yyyy-mm-dd", 15: "d-mmm-yy", 16: "d-mmm", 17: "mmm-yy",
	18: "h:mm AM/PM", 19: "h:mm:ss AM/PM", 20: "h:mm", 21: "h:mm:ss", 22: "yyyy-mm-dd h:mm",
	27: "yyyy-mm-dd", 28: "yyyy-mm-dd", 29: "yyyy-mm-dd", 30: "yyyy-mm-dd", 31: "yyyy-mm-dd",
	32: "h:mm", 33: "h:mm:ss", 34: "h:mm", 35: "h:mm:ss", 36: "yyyy-mm-dd",
	37: "#,##0_);(#,##0)", 38: "#,##0_);(#,##0)", 39: "#,##0.00_);(#,##0.00)", 40: "#,##0.00_);(#,##0.00)",
	41: `#,##0_);(#,##0);"-"_)`, 42: `#,##0_);(#,##0);"-"_)`,
	43: `#,##0.00_);(#,##0.00);"-"??_)`, 44: `#,##0.00_);(#,##0.00);"-"??_)`,
	45: "mm:ss", 46: "[h]:mm:ss", 47: "mm:ss.0", 48: "##0.0E+0", 49: "@",
	50: "yyyy-mm-dd", 51: "yyyy-mm-dd", 52: "yyyy-mm-dd", 53: "yyyy-mm-dd", 54: "yyyy-mm-dd",
	55: "yyyy-mm-dd", 56: "yyyy-mm-dd", 57: "yyyy-mm-dd", 58: "yyyy-mm-dd",
}

// numberFormat is a parsed number format: up to three sections (positive, negative, zero),
// or a date, or General for what this reader does not write as the format would (fractions,
// scientific notation, conditions).
type numberFormat struct {
	general  bool
	date     *dateFormat
	sections [][]token
}

type dateFormat struct{ date, time, hours, seconds, elapsed bool }

type tokenKind byte

const (
	literal tokenKind = iota
	digit             // 0 # ?
	point
	comma
	percent
	generalToken
)

type token struct {
	kind tokenKind
	text string // a literal's text, a digit's placeholder
}

// parseFormat reads a format code. What is shown is meant to read back as the same value
// in French and in English: digits and literals as the format places them (leading zeros of
// a postal code, spaces of a phone number, a currency sign), no thousands separator, a
// decimal point; dates and times in ISO 8601.
func parseFormat(code string) *numberFormat {
	sections := splitSections(code)
	if c := strings.TrimSpace(code); c == "" || strings.EqualFold(c, "General") || c == "@" {
		return &numberFormat{general: true}
	}
	if d := dateOf(sections[0]); d != nil {
		return &numberFormat{date: d}
	}
	f := &numberFormat{}
	for _, s := range sections[:min(len(sections), 3)] {
		tokens, ok := tokenize(s)
		if !ok {
			return &numberFormat{general: true}
		}
		f.sections = append(f.sections, tokens)
	}
	return f
}

// splitSections splits a code at its semicolons outside quotes, escapes and brackets.
func splitSections(code string) []string {
	var out []string
	start, quoted, bracket := 0, false, false
	for i := 0; i < len(code); i++ {
		switch c := code[i]; {
		case quoted:
			quoted = c != '"'
		case bracket:
			bracket = c != ']'
		case c == '"':
			quoted = true
		case c == '[':
			bracket = true
		case c == '\\' || c == '_' || c == '*':
			i++
		case c == ';':
			out = append(out, code[start:i])
			start = i + 1
		}
	}
	return append(out, code[start:])
}

// dateOf says what a section shows of a date, nil when it is not a date's: it holds y, m,
// d, h or s outside quotes and brackets (or an elapsed [h], [m], [s]), no # or ?, and a 0
// only for fractions of a second.
func dateOf(s string) *dateFormat {
	var d dateFormat
	var letters []byte // y and d as 'd', h, s, and m to be told apart
	quoted, bracket, placeholder, zero := false, false, false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quoted:
			quoted = c != '"'
			continue
		case bracket:
			if c == ']' {
				bracket = false
			} else if l := c | 0x20; l == 'h' || l == 'm' || l == 's' {
				d.elapsed, d.time = true, true
			}
			continue
		}
		switch c {
		case '"':
			quoted = true
		case '[':
			bracket = i+1 < len(s) && s[i+1] != '$' // a currency or a locale holds no time
			if !bracket {
				end := strings.IndexByte(s[i:], ']')
				if end < 0 {
					return nil
				}
				i += end
			}
		case '\\', '_', '*':
			i++
		case '#', '?':
			placeholder = true
		case '0':
			zero = true
		default:
			upper := strings.ToUpper(s[i:])
			switch c | 0x20 {
			case 'y', 'd':
				d.date = true
				letters = append(letters, 'd')
			case 'h':
				d.time, d.hours = true, true
				letters = append(letters, 'h')
			case 's':
				d.time, d.seconds = true, true
				letters = append(letters, 's')
			case 'm':
				letters = append(letters, 'm')
			case 'a':
				for _, ampm := range []string{"AM/PM", "A/P"} {
					if strings.HasPrefix(upper, ampm) {
						d.time = true
						i += len(ampm) - 1
						break
					}
				}
			case 'g':
				if strings.HasPrefix(upper, "GENERAL") {
					return nil
				}
			}
		}
	}
	if placeholder || (zero && !d.seconds) || len(letters) == 0 && !d.time {
		return nil
	}
	// m is minutes right after an hour or right before seconds, else the month.
	for i := 0; i < len(letters); i++ {
		if letters[i] != 'm' {
			continue
		}
		j := i
		for j < len(letters) && letters[j] == 'm' {
			j++
		}
		if (i > 0 && letters[i-1] == 'h') || (j < len(letters) && letters[j] == 's') {
			d.time = true
		} else {
			d.date = true
		}
		i = j - 1
	}
	return &d
}

// tokenize reads a number section; false for what is written as General.
func tokenize(s string) ([]token, bool) {
	var out []token
	lit := func(t string) { out = append(out, token{kind: literal, text: t}) }
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"':
			end := strings.IndexByte(s[i+1:], '"')
			if end < 0 {
				end = len(s) - i - 1
			}
			lit(s[i+1 : i+1+end])
			i += end + 1
		case c == '\\':
			if i+1 < len(s) {
				lit(s[i+1 : i+2])
			}
			i++
		case c == '_' || c == '*': // a space the width of the next character, a fill
			i++
		case c == '[':
			end := strings.IndexByte(s[i:], ']')
			if end < 0 {
				return nil, false
			}
			in := s[i+1 : i+end]
			switch {
			case strings.HasPrefix(in, "$"): // [$€-40C]: the currency sign shows
				sign, _, _ := strings.Cut(in[1:], "-")
				lit(sign)
			case strings.ContainsAny(in[:min(len(in), 1)], "<>="): // a condition
				return nil, false
			}
			i += end
		case c == '0' || c == '#' || c == '?':
			out = append(out, token{kind: digit, text: s[i : i+1]})
		case c == '.':
			out = append(out, token{kind: point})
		case c == ',':
			out = append(out, token{kind: comma})
		case c == '%':
			out = append(out, token{kind: percent})
		case c == 'E' || c == 'e', c == '/':
			return nil, false // scientific notation, a fraction
		case c == '@':
		case (c == 'G' || c == 'g') && strings.HasPrefix(strings.ToLower(s[i:]), "general"):
			out = append(out, token{kind: generalToken})
			i += len("general") - 1
		default:
			j := i + 1
			for j < len(s) && s[j] >= 0x80 && s[j] < 0xc0 { // the rest of a UTF-8 character
				j++
			}
			lit(s[i:j])
			i = j - 1
		}
	}
	return out, true
}

// show writes n as the format shows it.
func (f *numberFormat) show(n float64, date1904 bool) string {
	if math.IsInf(n, 0) || math.IsNaN(n) {
		return strconv.FormatFloat(n, 'g', -1, 64)
	}
	switch {
	case f.general:
		return general(n)
	case f.date != nil:
		return f.date.show(n, date1904)
	}
	s, sign := f.sections[0], n < 0
	switch {
	case len(f.sections) >= 3 && n == 0:
		s = f.sections[2]
	case len(f.sections) >= 2 && n < 0:
		s, sign = f.sections[1], false
	}
	out := number(s, math.Abs(n))
	if sign && strings.ContainsAny(out, "123456789") {
		return "-" + out
	}
	return out
}

// number writes v ≥ 0 by a section's placeholders.
func number(s []token, v float64) string {
	ints, decs, zeros, pointAt := 0, 0, 0, -1
	lastDigit := -1
	for i, t := range s {
		switch t.kind {
		case percent:
			v *= 100
		case point:
			if pointAt < 0 {
				pointAt = i
			}
		case digit:
			lastDigit = i
			if pointAt < 0 {
				ints++
			} else {
				decs++
				if t.text == "0" {
					zeros = decs
				}
			}
		}
	}
	// Commas right after the last integer placeholder divide by a thousand each.
	for i := lastDigit + 1; pointAt < 0 && i < len(s) && s[i].kind == comma; i++ {
		v /= 1000
	}
	if pointAt >= 0 {
		for i := pointAt - 1; i >= 0 && s[i].kind == comma; i-- {
			v /= 1000
		}
	}
	intPart, frac := round(v, decs)
	for len(frac) > zeros && strings.HasSuffix(frac, "0") {
		frac = frac[:len(frac)-1]
	}
	if intPart == "0" {
		intPart = ""
	}
	// The integer's digits fill its placeholders from the right, the first taking all that
	// is left; a value without placeholders for its integer still shows it.
	var b strings.Builder
	placed := 0
	intDigits := func(t token) string {
		placed++
		left := len(intPart)
		var d string
		switch {
		case placed == ints && left > 0:
			d, intPart = intPart, ""
		case left > 0:
			d, intPart = intPart[left-1:], intPart[:left-1]
		case t.text == "0":
			d = "0"
		}
		return d
	}
	// Walk right to left over the integer part, then write in order.
	parts := make([]string, len(s))
	for i := len(s) - 1; i >= 0; i-- {
		if s[i].kind == digit && (pointAt < 0 || i < pointAt) {
			parts[i] = intDigits(s[i])
		}
	}
	d := 0
	for i, t := range s {
		switch t.kind {
		case literal:
			b.WriteString(t.text)
		case percent:
			b.WriteByte('%')
		case generalToken:
			b.WriteString(general(v))
		case point:
			if i == pointAt {
				if ints == 0 { // no placeholder for the integer: it shows all the same
					b.WriteString(intPart)
				}
				b.WriteByte('.')
			}
		case digit:
			if pointAt >= 0 && i > pointAt {
				if d < len(frac) {
					b.WriteByte(frac[d])
				}
				d++
				continue
			}
			b.WriteString(parts[i])
		}
	}
	return b.String()
}

// round writes v ≥ 0 to decs decimals as Excel does: from its 15 significant digits,
// halves away from zero (2.345 to two decimals is 2.35, 0.5 to none 1).
func round(v float64, decs int) (intPart, frac string) {
	v, _ = strconv.ParseFloat(strconv.FormatFloat(v, 'g', 15, 64), 64)
	intPart, frac, _ = strings.Cut(strconv.FormatFloat(v, 'f', -1, 64), ".")
	if len(frac) <= decs {
		return intPart, frac + strings.Repeat("0", decs-len(frac))
	}
	up := frac[decs] >= '5'
	digits := []byte(intPart + frac[:decs])
	for i := len(digits) - 1; up && i >= 0; i-- {
		if digits[i] == '9' {
			digits[i] = '0'
			continue
		}
		digits[i]++
		up = false
	}
	if up {
		digits = append([]byte{'1'}, digits...)
	}
	n := len(digits) - decs
	return string(digits[:n]), string(digits[n:])
}

// general writes a number as Excel's General format does, to 15 significant digits.
func general(n float64) string {
	r, _ := strconv.ParseFloat(strconv.FormatFloat(n, 'g', 15, 64), 64)
	if a := math.Abs(r); a >= 1e15 || (a != 0 && a < 1e-9) {
		return strconv.FormatFloat(r, 'E', -1, 64)
	}
	return strconv.FormatFloat(r, 'f', -1, 64)
}

// show writes a date serial number in ISO 8601: the date, its time when the format shows
// one (to the minute, or the second when the format shows seconds); an elapsed time in
// hours.
func (d *dateFormat) show(n float64, date1904 bool) string {
	if n < 0 || n >= 2958466 { // before 1900 or after 9999: Excel shows ####
		return general(n)
	}
	days := math.Floor(n)
	secs := int64(math.Round((n - days) * 86400))
	layout := "15:04"
	switch {
	case d.seconds && d.hours:
		layout = "15:04:05"
	case d.seconds:
		layout = "04:05"
	}
	if d.elapsed {
		total := int64(math.Round(n * 86400))
		h, m, s := total/3600, total/60%60, total%60
		out := strconv.FormatInt(h, 10) + ":" + twoDigits(m)
		if d.seconds {
			out += ":" + twoDigits(s)
		}
		return out
	}
	base := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
	switch {
	case date1904:
		base = time.Date(1904, 1, 1, 0, 0, 0, 0, time.UTC)
	case days < 61: // Excel counts a 29 February 1900 that never was
		base = time.Date(1899, 12, 31, 0, 0, 0, 0, time.UTC)
	}
	t := base.AddDate(0, 0, int(days)).Add(time.Duration(secs) * time.Second)
	switch {
	case d.date && d.time:
		return t.Format("2006-01-02 " + layout)
	case d.time:
		return t.Format(layout)
	}
	return t.Format(time.DateOnly)
}

func twoDigits(n int64) string {
	if n < 10 {
		return "0" + strconv.FormatInt(n, 10)
	}
	return strconv.FormatInt(n, 10)
}
