package domain

import (
	"encoding/json"
	"fmt"
	"net/mail"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"
	"golang.org/x/text/unicode/norm"
)

// Limits on what a client record may hold. Every string has one; the numbers are in
// characters (runes), not bytes.
const (
	MaxNameLen        = 100
	MaxCompanyLen     = 200
	MaxCodeLen        = 50
	MaxEmailLen       = 254
	MaxNotesLen       = 10000
	MaxAddressLineLen = 200
	MaxPostalCodeLen  = 20
	MaxCityLen        = 100
	MaxRegionLen      = 100
	MaxPhones         = 2
	MaxPhoneLen       = 40
	MaxTags           = 10
	MaxTagLen         = 50
	MaxSocialLinks    = 10
	MaxURLLen         = 2048
	MaxCustomFields   = 50
	MaxCustomValueLen = 2000
	maxKeyLen         = 64
	// MaxRecordBytes bounds a whole record (its JSON), so that a client with every field at
	// its limit still fits one DynamoDB item (400 KB) with what it is filed under, and its
	// changes fit one transaction (4 MB).
	MaxRecordBytes = 128 << 10
)

var keyPattern = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// PhoneParser returns the E.164 form of a phone number read with region as the default
// country, or the field error code explaining why it cannot (see package phone).
type PhoneParser func(raw, region string) (string, Code)

// Rules are what validating a client's fields depends on besides the fields themselves.
type Rules struct {
	// DefaultLocale fills an absent locale.
	DefaultLocale string
	// ParsePhone reads phone numbers.
	ParsePhone PhoneParser
	// Fields are the tenant's custom field definitions; custom_fields must fit them.
	Fields Definitions
}

// Normalize validates f in place and puts every value in its canonical form: strings trimmed,
// country upper-case, phones in E.164, tags without duplicates, custom fields checked against
// their definitions. It returns one field error per problem found, in a stable order.
func (f *Fields) Normalize(r Rules) []FieldError {
	defaultLocale := r.DefaultLocale
	v := validator{parsePhone: r.ParsePhone}
	f.FirstName = v.name("/first_name", f.FirstName, MaxNameLen)
	f.LastName = v.name("/last_name", f.LastName, MaxNameLen)
	f.CompanyName = v.name("/company_name", f.CompanyName, MaxCompanyLen)
	if f.FirstName == "" && f.LastName == "" && f.CompanyName == "" {
		v.add("", FieldNameRequired, "")
	}
	f.Code = v.line("/code", f.Code, MaxCodeLen)
	f.Email = v.email("/email", f.Email)
	f.Notes = v.text("/notes", f.Notes, MaxNotesLen)

	if f.Address != nil {
		a := f.Address
		a.Line1 = v.line("/address/line1", a.Line1, MaxAddressLineLen)
		a.Line2 = v.line("/address/line2", a.Line2, MaxAddressLineLen)
		a.PostalCode = v.line("/address/postal_code", a.PostalCode, MaxPostalCodeLen)
		a.City = v.line("/address/city", a.City, MaxCityLen)
		a.Region = v.line("/address/region", a.Region, MaxRegionLen)
		a.Country = v.country("/address/country", a.Country)
		if a.empty() {
			f.Address = nil
		}
	}
	region := ""
	if f.Address != nil {
		region = f.Address.Country
	}
	f.Phones = v.phones(f.Phones, region)

	f.Locale = strings.ToLower(strings.TrimSpace(f.Locale))
	if f.Locale == "" {
		f.Locale = defaultLocale
	}
	if !slices.Contains(Locales, f.Locale) {
		v.add("/locale", FieldInvalidValue, strings.Join(Locales, ", "))
	}
	f.Tags = v.tags(f.Tags)
	f.SocialLinks = v.socialLinks(f.SocialLinks)
	if len(f.CustomFields) > MaxCustomFields {
		v.add("/custom_fields", FieldTooMany, strconv.Itoa(MaxCustomFields))
	} else {
		var errs []FieldError
		f.CustomFields, errs = r.Fields.Validate(f.CustomFields, r.ParsePhone)
		v.errs = append(v.errs, errs...)
	}
	if len(v.errs) == 0 {
		if b, err := json.Marshal(f); err == nil && len(b) > MaxRecordBytes {
			v.add("", FieldTooLarge, strconv.Itoa(MaxRecordBytes>>10)+" KiB")
		}
	}
	return v.errs
}

type validator struct {
	errs       []FieldError
	parsePhone PhoneParser
}

func (v *validator) add(pointer string, code Code, param string) {
	v.errs = append(v.errs, FieldError{Pointer: pointer, Code: code, Param: param})
}

// line checks a single-line string: trimmed, no control characters, at most max runes.
func (v *validator) line(pointer, s string, max int) string {
	s = strings.TrimSpace(s)
	if strings.IndexFunc(s, unicode.IsControl) >= 0 {
		v.add(pointer, FieldControlChars, "")
	} else if utf8.RuneCountInString(s) > max {
		v.add(pointer, FieldTooLong, strconv.Itoa(max))
	}
	return s
}

// name checks what identifies a person or a company: a line, in Unicode NFC, without
// invisible or direction-control characters (zero-width spaces, bidi overrides: the Unicode
// format characters), which would make two names that look alike differ, or a name display
// as something else.
func (v *validator) name(pointer, s string, max int) string {
	s = norm.NFC.String(s)
	if strings.IndexFunc(s, invisible) >= 0 {
		v.add(pointer, FieldInvisibleChars, "")
		return strings.TrimSpace(s)
	}
	return v.line(pointer, s, max)
}

// invisible reports the Unicode format characters (category Cf): zero-width spaces and
// joiners, bidi embeddings, overrides and isolates, byte order marks, soft hyphens.
func invisible(r rune) bool { return unicode.Is(unicode.Cf, r) }

// text checks a multi-line string: tabs and line breaks are allowed, other controls are not.
func (v *validator) text(pointer, s string, max int) string {
	s, code := PlainText(s, max)
	if code != "" {
		v.add(pointer, code, strconv.Itoa(max))
	}
	return s
}

// PlainText checks multi-line text (notes, messages): trimmed, CRLF as LF, tabs and line
// breaks allowed but no other control character, at most max runes. It returns the text in
// that form, or the field error code that explains why not.
func PlainText(s string, max int) (string, Code) {
	s = strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
	if strings.IndexFunc(s, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\t' }) >= 0 {
		return s, FieldControlChars
	}
	if utf8.RuneCountInString(s) > max {
		return s, FieldTooLong
	}
	return s, ""
}

func (v *validator) email(pointer, s string) string {
	s = norm.NFC.String(strings.TrimSpace(s))
	if s == "" {
		return ""
	}
	if strings.IndexFunc(s, invisible) >= 0 {
		v.add(pointer, FieldInvisibleChars, "")
		return s
	}
	if len(s) > MaxEmailLen {
		v.add(pointer, FieldTooLong, strconv.Itoa(MaxEmailLen))
		return s
	}
	if !ValidEmail(s) {
		v.add(pointer, FieldInvalidEmail, "")
	}
	return s
}

// ValidEmail accepts a bare address (no display name) whose domain is a host name with at
// least one dot, international names included (IDNA).
func ValidEmail(s string) bool {
	addr, err := mail.ParseAddress(s)
	if err != nil || addr.Name != "" || addr.Address != s {
		return false
	}
	local, domain, ok := strings.Cut(s, "@")
	if !ok || local == "" || !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") ||
		strings.HasSuffix(domain, ".") || strings.Contains(domain, "..") || strings.ContainsAny(s, " \t") {
		return false
	}
	_, err = idna.Lookup.ToASCII(domain)
	return err == nil
}

func (v *validator) country(pointer, s string) string {
	s = strings.ToUpper(strings.TrimSpace(s))
	if s == "" {
		return ""
	}
	if !ValidCountry(s) {
		v.add(pointer, FieldInvalidCountry, "")
	}
	return s
}

// ValidCountry accepts an ISO 3166-1 alpha-2 code of a country (not a macro-region).
func ValidCountry(s string) bool {
	if len(s) != 2 || s[0] < 'A' || s[0] > 'Z' || s[1] < 'A' || s[1] > 'Z' {
		return false
	}
	for i := 0; i < len(countryCodes); i += 2 {
		if countryCodes[i:i+2] == s {
			return true
		}
	}
	return false
}

// countryCodes are the codes ValidCountry accepts, as golang.org/x/text/language reads them
// (a region that is a country, written as given): a test keeps them equal. Linking that
// package's tables for this list would cost every function about 100 KB.
const countryCodes = "ACADAEAFAGAIALAMANAOAQARASATAUAWAXAZBABBBDBEBFBGBHBIBJBLBMBNBOBQBRBSBTBUBVBWBYBZCACCCDCFCGCHCICKCLCMCNCOCPCQCRCSCTCUCVCWCXCYCZ" +
	"DDDEDGDJDKDMDODYDZEAECEEEGEHERESETEZFIFJFKFMFOFQFRFXGAGBGDGEGFGGGHGIGLGMGNGPGQGRGSGTGUGWGYHKHMHNHRHTHUHVICIDIEILIMINIOIQIRISITJEJMJOJPJTKEKGKHKIKMKNKPKRKWKYKZ" +
	"LALBLCLILKLRLSLTLULVLYMAMCMDMEMFMGMHMIMKMLMMMNMOMPMQMRMSMTMUMVMWMXMYMZNANCNENFNGNHNINLNONPNQNRNTNUNZOMPAPCPEPFPGPHPKPLPMPNPRPSPTPUPWPYPZQARERHRORSRURWSASBSCSD" +
	"SESGSHSISJSKSLSMSNSOSRSSSTSUSVSXSYSZTATCTDTFTGTHTJTKTLTMTNTOTPTRTTTVTWTZUAUGUKUMUNUSUYUZVAVCVDVEVGVIVNVUWFWKWSXKYDYEYTYUZAZMZRZW"

// phones parses each number with the address country as the default region and stores it in
// E.164. A national number without a country to interpret it is refused rather than guessed.
func (v *validator) phones(in []string, region string) []string {
	if len(in) > MaxPhones {
		v.add("/phones", FieldTooMany, strconv.Itoa(MaxPhones))
		return in
	}
	var out []string
	for i, raw := range in {
		pointer := fmt.Sprintf("/phones/%d", i)
		raw = strings.TrimSpace(raw)
		if raw == "" {
			continue
		}
		e164, code := v.parsePhone(raw, region)
		if code != "" {
			v.add(pointer, code, "")
			continue
		}
		if slices.Contains(out, e164) {
			v.add(pointer, FieldDuplicate, "")
			continue
		}
		out = append(out, e164)
	}
	return out
}

func (v *validator) tags(in []string) []string {
	if len(in) > MaxTags {
		v.add("/tags", FieldTooMany, strconv.Itoa(MaxTags))
		return in
	}
	var out []string
	seen := map[string]bool{}
	for i, t := range in {
		pointer := fmt.Sprintf("/tags/%d", i)
		t = v.line(pointer, t, MaxTagLen)
		switch {
		case t == "":
			v.add(pointer, FieldRequired, "")
		case strings.Contains(t, ","):
			// Tags travel comma-separated in query strings and CSV cells.
			v.add(pointer, FieldInvalidValue, "no comma")
		case !seen[strings.ToLower(t)]:
			seen[strings.ToLower(t)] = true
			out = append(out, t)
		}
	}
	return out
}

func (v *validator) socialLinks(in map[string]string) map[string]string {
	if len(in) == 0 {
		return nil
	}
	if len(in) > MaxSocialLinks {
		v.add("/social_links", FieldTooMany, strconv.Itoa(MaxSocialLinks))
		return in
	}
	out := make(map[string]string, len(in))
	for _, k := range sortedKeys(in) {
		pointer := "/social_links/" + escapePointer(k)
		if !validKey(k) {
			v.add(pointer, FieldInvalidKey, "")
			continue
		}
		u := strings.TrimSpace(in[k])
		if u == "" {
			continue
		}
		if len(u) > MaxURLLen {
			v.add(pointer, FieldTooLong, strconv.Itoa(MaxURLLen))
			continue
		}
		if !ValidURL(u) {
			v.add(pointer, FieldInvalidURL, "")
			continue
		}
		out[k] = u
	}
	return out
}

// ValidURL accepts absolute http and https URLs with a host.
func ValidURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" &&
		!strings.ContainsAny(s, " \t\r\n")
}

func validKey(k string) bool { return len(k) <= maxKeyLen && keyPattern.MatchString(k) }
