package phone

// The parsing and validation below follow libphonenumber's PhoneNumberUtil as
// github.com/nyaruka/phonenumbers ports it to Go (MIT License, Copyright (c) 2017-2022 Trey
// Tacon, Nyaruka), step for step and with its patterns as they are, so that every input gets
// the library's answer: parseHelper, maybeExtractCountryCode,
// maybeStripNationalPrefixAndCarrierCode, isValidNumber. Only E.164 is produced, so the
// carrier codes, raw input, extensions and formatting rules are not kept. Tests compare the
// results with the library's on every territory's example numbers and by fuzzing.

import (
	"errors"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
)

const (
	minLengthForNSN     = 2
	maxLengthForNSN     = 17
	maxLengthCountry    = 3
	maxInputLength      = 250
	plusChars           = "+\uFF0B"
	digits              = "\\p{Nd}"
	validAlpha          = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	rfc3966PhoneContext = ";phone-context="
	rfc3966Prefix       = "tel:"
	rfc3966ISDN         = ";isub="
	validPunctuation    = "-x\u2010-\u2015\u2212\u30FC\uFF0D-\uFF0F " +
		"\u00A0\u00AD\u200B\u2060\u3000()\uFF08\uFF09\uFF3B\uFF3D." +
		"\\[\\]/~\u2053\u223C\uFF5E"

	possibleSeparatorsBetweenNumberAndExtLabel = "[ \u00A0\\t,]*"
	possibleCharsAfterExtLabel                 = "[:\\.\uFF0E]?[ \u00A0\\t,-]*"
	optionalExtnSuffix                         = "#?"
	explicitExtLabels                          = "(?:e?xt(?:ensi(?:o\u0301?|\u00F3))?n?|" +
		"\uFF45?\uFF58\uFF54\uFF4E?|\u0434\u043E\u0431|anexo)"
	ambiguousExtLabels = "(?:[x\uFF58#\uFF03~\uFF5E]|int|\uFF49\uFF4E\uFF54)"
	ambiguousSeparator = "[- ]+"

	extnPatternsForMatching = ";ext=(" + digits + "{1,20})" + "|" +
		possibleSeparatorsBetweenNumberAndExtLabel + explicitExtLabels +
		possibleCharsAfterExtLabel + "(" + digits + "{1,20})" + optionalExtnSuffix + "|" +
		possibleSeparatorsBetweenNumberAndExtLabel + ambiguousExtLabels +
		possibleCharsAfterExtLabel + "(" + digits + "{1,9})" + optionalExtnSuffix + "|" +
		ambiguousSeparator + "(" + digits + "{1,6})#"
	extnPatternsForParsing = extnPatternsForMatching + "|" +
		"[ \u00A0\\t]*" + "(?:,{2}|;)" +
		possibleCharsAfterExtLabel + "(" + digits + "{1,15})" + optionalExtnSuffix + "|" +
		"[ \u00A0\\t]*" + "(?:,)+" +
		possibleCharsAfterExtLabel + "(" + digits + "{1,9})" + optionalExtnSuffix

	validPhoneNumber = digits + "{2}|" +
		"[" + plusChars + "]*(?:[" + validPunctuation + "*" +
		"]*" + digits + "){3,}[" +
		validPunctuation + "*" + validAlpha + digits + "]*"

	rfc3966PhoneDigit   = "(" + digits + "|" + "[\\-\\.\\(\\)]?" + ")"
	alphanum            = validAlpha + digits
	rfc3966DomainLabel  = "[" + alphanum + "]+((\\-)*[" + alphanum + "])*"
	rfc3966TopLabel     = "[" + validAlpha + "]+((\\-)*[" + alphanum + "])*"
	rfc3966GlobalDigits = "^\\+" + rfc3966PhoneDigit + "*" + digits + rfc3966PhoneDigit + "*$"
	rfc3966DomainName   = "^(" + rfc3966DomainLabel + "\\.)*" + rfc3966TopLabel + "\\.?$"
)

// syntax holds the library's fixed patterns, compiled on the first parse rather than at
// start-up.
var syntax = sync.OnceValue(func() *struct {
	plus, validStart, unwantedEnd, secondNumber, validAlphaPhone, extn, validPhone, capturingDigit, globalDigits, domainName *regexp.Regexp
} {
	return &struct {
		plus, validStart, unwantedEnd, secondNumber, validAlphaPhone, extn, validPhone, capturingDigit, globalDigits, domainName *regexp.Regexp
	}{
		plus:            regexp.MustCompile("[" + plusChars + "]+"),
		validStart:      regexp.MustCompile("[" + plusChars + digits + "]"),
		unwantedEnd:     regexp.MustCompile(`[[\P{N}&&\P{L}]&&[^#]]+$`),
		secondNumber:    regexp.MustCompile(`[\\/] *x`),
		validAlphaPhone: regexp.MustCompile("^(?:.*?[A-Za-z]){3}.*$"),
		extn:            regexp.MustCompile("(?i)(?:" + extnPatternsForParsing + ")$"),
		validPhone:      regexp.MustCompile("(?i)^(" + validPhoneNumber + "(?:" + extnPatternsForParsing + ")?)$"),
		capturingDigit:  regexp.MustCompile("(" + digits + ")"),
		globalDigits:    regexp.MustCompile(rfc3966GlobalDigits),
		domainName:      regexp.MustCompile(rfc3966DomainName),
	}
})

var (
	errNotANumber         = errors.New("not a number")
	errTooLong            = errors.New("too long")
	errInvalidCountryCode = errors.New("invalid country code")
	errTooShortAfterIDD   = errors.New("too short after the international prefix")
	errTooShortNSN        = errors.New("too short")
)

// number is a parsed number: its calling code and national significant number.
type number struct {
	countryCode int
	national    string
}

// e164 is the number in E.164.
func (n number) e164() string {
	return "+" + strconv.Itoa(n.countryCode) + n.national
}

// parse reads s with defaultRegion as the country of a national number (libphonenumber's
// Parse).
func parse(s, defaultRegion string) (number, error) {
	if len(s) == 0 {
		return number{}, errNotANumber
	}
	if len(s) > maxInputLength {
		return number{}, errTooLong
	}
	re := syntax()
	national, err := nationalForParsing(s)
	if err != nil {
		return number{}, err
	}
	if !viable(national) {
		return number{}, errNotANumber
	}
	if regionMetadata(defaultRegion) == nil && (len(national) == 0 || !re.plus.MatchString(national)) {
		return number{}, errInvalidCountryCode
	}
	national = stripExtension(national)
	meta := regionMetadata(defaultRegion)
	cc, normalized, err := extractCountryCode(national, meta)
	if err != nil {
		loc := re.plus.FindStringIndex(national)
		if err != errInvalidCountryCode || loc == nil {
			return number{}, err
		}
		// Strip the plus and try again.
		if cc, normalized, err = extractCountryCode(national[loc[1]:], meta); err != nil {
			return number{}, err
		} else if cc == 0 {
			return number{}, errInvalidCountryCode
		}
	}
	if cc != 0 {
		if region := mainRegion(cc); region != defaultRegion {
			meta = metadataFor(cc, region)
		}
	} else {
		normalized = normalize(national)
		if defaultRegion != "" && meta != nil {
			cc = meta.countryCode
		}
	}
	if len(normalized) < minLengthForNSN {
		return number{}, errTooShortNSN
	}
	if meta != nil {
		// Keep the national prefix when what remains without it is not of a possible length:
		// the whole could be a short number.
		stripped, _ := stripNationalPrefix(normalized, meta)
		if r := testLength(stripped, meta); r != tooShort && r != possibleLocalOnly && r != invalidLength {
			normalized = stripped
		}
	}
	if len(normalized) < minLengthForNSN {
		return number{}, errTooShortNSN
	}
	if len(normalized) > maxLengthForNSN {
		return number{}, errTooLong
	}
	return number{countryCode: cc, national: significant(normalized)}, nil
}

// significant is the national significant number as libphonenumber stores and rebuilds it:
// the leading zeros ("Italian leading zeros") followed by the rest read as an unsigned integer.
func significant(normalized string) string {
	zeros := 0
	if len(normalized) >= 2 && normalized[0] == '0' {
		zeros = 1
		for zeros < len(normalized)-1 && normalized[zeros] == '0' {
			zeros++
		}
	}
	v, _ := strconv.ParseUint(normalized, 10, 64)
	return strings.Repeat("0", zeros) + strconv.FormatUint(v, 10)
}

// nationalForParsing is libphonenumber's buildNationalNumberForParsing: the number of an RFC
// 3966 URI with its phone context, or what could be a number in s.
func nationalForParsing(s string) (string, error) {
	var national string
	at := strings.Index(s, rfc3966PhoneContext)
	context := phoneContext(s, at)
	if at >= 0 && !validPhoneContext(context) {
		return "", errNotANumber
	}
	if at > 0 {
		if context[0] == '+' {
			national = context
		}
		start := 0
		if tel := strings.Index(s, rfc3966Prefix); tel >= 0 && tel < at {
			start = tel + len(rfc3966Prefix)
		}
		national += s[start:at]
	} else {
		national = possibleNumber(s)
	}
	if i := strings.Index(national, rfc3966ISDN); i > 0 {
		national = national[:i]
	}
	return national, nil
}

func phoneContext(s string, at int) string {
	if at == -1 {
		return ""
	}
	start := at + len(rfc3966PhoneContext)
	if start >= len(s) {
		return ""
	}
	if end := strings.IndexRune(s[start:], ';'); end != -1 {
		return s[start : start+end]
	}
	return s[start:]
}

func validPhoneContext(context string) bool {
	if len(context) == 0 {
		return false
	}
	re := syntax()
	return re.globalDigits.MatchString(context) || re.domainName.MatchString(context)
}

// possibleNumber drops what cannot start a number, trailing punctuation and a second number.
func possibleNumber(s string) string {
	re := syntax()
	loc := re.validStart.FindStringIndex(s)
	if loc == nil {
		return ""
	}
	s = s[loc[0]:]
	if loc := re.unwantedEnd.FindStringIndex(s); loc != nil {
		s = s[:loc[0]]
	}
	if loc := re.secondNumber.FindStringIndex(s); loc != nil {
		s = s[:loc[0]]
	}
	return s
}

func viable(s string) bool {
	return len(s) >= minLengthForNSN && syntax().validPhone.MatchString(s)
}

// stripExtension removes an extension ("ext. 12", "x12", ";ext=12") following a viable number.
func stripExtension(s string) string {
	re := syntax()
	loc := re.extn.FindStringIndex(s)
	if loc == nil || !viable(s[:loc[0]]) {
		return s
	}
	for _, ext := range re.extn.FindStringSubmatch(s)[1:] {
		if len(ext) > 0 {
			return s[:loc[0]]
		}
	}
	return s
}

// normalize converts a vanity number's letters (three or more) to digits and drops the rest;
// otherwise keeps the digits only, in ASCII where they are Arabic-Indic or full-width.
func normalize(s string) string {
	var b strings.Builder
	if syntax().validAlphaPhone.MatchString(s) {
		const keypad = "22233344455566677778889999"
		for _, r := range s {
			switch r = unicode.ToUpper(r); {
			case '0' <= r && r <= '9':
				b.WriteRune(r)
			case 'A' <= r && r <= 'Z':
				b.WriteByte(keypad[r-'A'])
			}
		}
		return b.String()
	}
	return digitsOnly(s)
}

func digitsOnly(s string) string {
	var b strings.Builder
	for _, r := range s {
		if !unicode.IsDigit(r) {
			continue
		}
		switch {
		case 0x660 <= r && r <= 0x669:
			r = '0' + r - 0x660
		case 0x6F0 <= r && r <= 0x6F9:
			r = '0' + r - 0x6F0
		case 0xFF10 <= r && r <= 0xFF19:
			r = '0' + r - 0xFF10
		}
		b.WriteRune(r)
	}
	return b.String()
}

// extractCountryCode is libphonenumber's maybeExtractCountryCode: the calling code given by a
// plus, an international prefix of the default region or the region's own code at the start,
// and the number after it (normalized); 0 when none is given.
func extractCountryCode(s string, meta *territory) (int, string, error) {
	if len(s) == 0 {
		return 0, "", nil
	}
	idd := "NonMatch"
	if meta != nil {
		idd = meta.internationalPrefix
	}
	full, international := stripInternationalPrefix(s, idd)
	if international {
		if len(full) <= minLengthForNSN {
			return 0, "", errTooShortAfterIDD
		}
		if cc, rest := leadingCountryCode(full); cc != 0 {
			return cc, rest, nil
		}
		return 0, "", errInvalidCountryCode
	}
	if meta != nil {
		own := strconv.Itoa(meta.countryCode)
		if rest, ok := strings.CutPrefix(full, own); ok {
			general := regexFor("^(?:" + meta.general.pattern + ")$")
			rest, _ = stripNationalPrefix(rest, meta)
			if (!general.MatchString(full) && general.MatchString(rest)) || testLength(full, meta) == tooLong {
				return meta.countryCode, rest, nil
			}
		}
	}
	return 0, "", nil
}

// stripInternationalPrefix removes leading plus signs or the international prefix and
// normalizes the rest, saying whether there was one.
func stripInternationalPrefix(s, idd string) (string, bool) {
	re := syntax()
	if loc := re.plus.FindStringIndex(s); loc != nil && loc[0] == 0 {
		return normalize(s[loc[1]:]), true
	}
	iddPattern := regexFor(idd)
	s = normalize(s)
	loc := iddPattern.FindStringIndex(s)
	if loc == nil || loc[0] != 0 {
		return s, false
	}
	// A calling code never starts with 0.
	if found := re.capturingDigit.FindAllString(s[loc[1]:], -1); len(found) > 0 && digitsOnly(found[0]) == "0" {
		return s, false
	}
	return s[loc[1]:], true
}

func leadingCountryCode(full string) (int, string) {
	if len(full) == 0 || full[0] == '0' {
		return 0, ""
	}
	for i := 1; i <= maxLengthCountry && i <= len(full); i++ {
		cc, _ := strconv.Atoi(full[:i])
		if regionsOf(cc) != nil {
			return cc, full[i:]
		}
	}
	return 0, ""
}

// stripNationalPrefix removes the region's national prefix (and carrier code), applying its
// transform rule, unless a viable number would stop being one.
func stripNationalPrefix(s string, meta *territory) (string, bool) {
	if len(s) == 0 || meta.nationalPrefixForParsing == "" {
		return s, false
	}
	prefix := regexFor("^(?:" + meta.nationalPrefixForParsing + ")")
	if !prefix.MatchString(s) {
		return s, false
	}
	rule := regexFor("^(?:" + meta.general.pattern + ")$")
	viableOriginal := rule.MatchString(s)
	groups := prefix.FindStringSubmatchIndex(s)
	last := len(groups)/2 - 1
	if meta.nationalPrefixTransformRule == "" || groups[last*2] < 0 {
		if viableOriginal && !rule.MatchString(s[groups[1]:]) {
			return s, false
		}
		return s[groups[1]:], true
	}
	transformed := prefix.ReplaceAllString(s, meta.nationalPrefixTransformRule)
	if viableOriginal && !rule.MatchString(transformed) {
		return s, false
	}
	return transformed, true
}

type lengthResult int

const (
	possible lengthResult = iota
	possibleLocalOnly
	tooShort
	invalidLength
	tooLong
)

// testLength checks a national number's length against the region's general description.
func testLength(s string, meta *territory) lengthResult {
	lengths, local := meta.general.lengths, meta.general.localOnly
	if lengths[0] == -1 {
		return invalidLength
	}
	n := len(s)
	if slices.ContainsFunc(local, func(l int8) bool { return int(l) == n }) {
		return possibleLocalOnly
	}
	switch {
	case int(lengths[0]) == n:
		return possible
	case int(lengths[0]) > n:
		return tooShort
	case int(lengths[len(lengths)-1]) < n:
		return tooLong
	}
	if slices.ContainsFunc(lengths[1:], func(l int8) bool { return int(l) == n }) {
		return possible
	}
	return invalidLength
}

// mainRegion is the main region of a calling code ("ZZ" when it is not assigned).
func mainRegion(cc int) string {
	if regions := regionsOf(cc); len(regions) > 0 {
		return regions[0]
	}
	return "ZZ"
}

// valid is libphonenumber's IsValidNumber: the number belongs to a region of its calling code
// and matches one of that region's types of number.
func (n number) valid() bool {
	region := n.region()
	meta := metadataFor(n.countryCode, region)
	if meta == nil || (region != nonGeoRegion && n.countryCode != meta.countryCode) {
		return false
	}
	return meta.recognizes(n.national)
}

func (n number) region() string {
	regions := regionsOf(n.countryCode)
	switch len(regions) {
	case 0:
		return ""
	case 1:
		return regions[0]
	}
	for _, region := range regions {
		meta := regionMetadata(region)
		if meta == nil {
			continue
		}
		if meta.leadingDigits != "" {
			if regexFor("^(?:" + meta.leadingDigits + ")").MatchString(n.national) {
				return region
			}
		} else if meta.recognizes(n.national) {
			return region
		}
	}
	return ""
}

// recognizes says whether a national significant number is of a type of number the territory
// has (libphonenumber's getNumberTypeHelper is not UNKNOWN).
func (t *territory) recognizes(national string) bool {
	if !matches(national, t.general) {
		return false
	}
	for _, d := range []*desc{&t.premiumRate, &t.tollFree, &t.sharedCost, &t.voip, &t.personal, &t.pager, &t.uan, &t.voicemail, &t.fixedLine} {
		if matches(national, *d) {
			return true
		}
	}
	return !t.sameMobileAndFixedLine && matches(national, t.mobile)
}

// national2 says whether a national number matches a description: one of its lengths, if it
// lists any, and its pattern.
func matches(national string, d desc) bool {
	if len(d.lengths) > 0 && !slices.ContainsFunc(d.lengths, func(l int8) bool { return int(l) == len(national) }) {
		return false
	}
	return regexFor("^(?:" + d.pattern + ")$").MatchString(national)
}
