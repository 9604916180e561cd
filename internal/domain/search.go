package domain

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"
	"golang.org/x/text/unicode/norm"
)

// Bounds on what a client is filed under for search. Each word is one item written in the
// client's transactions, and a transaction holds at most 100 actions: MaxSearchTerms keeps the
// worst change (every word replaced: its old items deleted, its new ones put) within that
// budget (see the store's write budget). MaxTermBytes keeps a word's key well within
// DynamoDB's 1,024-byte sort key; a longer word is filed by its first MaxTermBytes bytes, and
// a search word is cut the same way, so it still finds it.
const (
	MaxSearchTerms = 30
	MaxTermBytes   = 64
)

// MaxQueryLen is the longest search a caller may send, in characters.
const MaxQueryLen = 200

var ligatures = strings.NewReplacer("œ", "oe", "Œ", "oe", "æ", "ae", "Æ", "ae", "ß", "ss", "ø", "o", "Ø", "o",
	"ł", "l", "Ł", "l", "đ", "d", "Đ", "d", "ı", "i")

// Fold lower-cases s and strips its accents: "Hélène" and "helene" fold alike.
func Fold(s string) string {
	return strings.ToLower(norm.NFC.String(withoutMarks(norm.NFD.String(ligatures.Replace(s)))))
}

// withoutMarks drops the nonspacing marks (Mn) of decomposed text, the accents; a byte that
// is not UTF-8 becomes U+FFFD, as x/text's runes.Remove does.
func withoutMarks(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, w := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && w == 1:
			b.WriteRune(utf8.RuneError)
		case !unicode.Is(unicode.Mn, r):
			b.WriteString(s[i : i+w])
		}
		i += w
	}
	return b.String()
}

// Words splits folded text into words: runs of letters and digits.
func Words(s string) []string {
	return strings.FieldsFunc(Fold(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// SearchTerms are the words a client can be found by, folded: its names, company, email
// (words of the local part and of the domain, without the top-level domain), phone numbers
// (E.164 digits and national digits), code, tags and searchable custom field values. A word
// that begins another is dropped, since any search it answers the longer one answers too.
// Beyond MaxSearchTerms, the words that identify a client most come first: names, company,
// email, phones and code, then tags, then custom values.
func SearchTerms(c *Client, searchable func(key string) bool) []string {
	var groups [3][]string
	add := func(g int, s string) { groups[g] = append(groups[g], Words(s)...) }
	// Numbers written in groups ("123 456 789", "FR-12-345") are also filed whole, so that a
	// search typed as one number finds them.
	addNumber := func(g int, s string) {
		add(g, s)
		var digits []string
		for _, w := range Words(s) {
			if strings.Trim(w, "0123456789") == "" {
				digits = append(digits, w)
			}
		}
		if len(digits) > 1 {
			groups[g] = append(groups[g], strings.Join(digits, ""))
		}
	}
	add(0, c.FirstName)
	add(0, c.LastName)
	add(0, c.CompanyName)
	addNumber(0, c.Code)
	if addr := EmailSearchForm(c.Email); addr != "" {
		// The whole address and the whole domain are words too: a search typed as an address
		// finds its client, one typed as a domain every client of the domain.
		local, domain, _ := splitEmail(addr)
		groups[0] = append(groups[0], Fold(addr), Fold(domain))
		add(0, local)
		if i := strings.LastIndexByte(domain, '.'); i > 0 {
			add(0, domain[:i]) // the domain's words, but for its top-level domain
		}
	}
	for _, p := range c.Phones {
		groups[0] = append(groups[0], PhoneForms(p)...)
	}
	for _, t := range c.Tags {
		add(1, t)
	}
	for _, k := range sortedKeys(c.CustomFields) {
		if s, ok := c.CustomFields[k].(string); ok && searchable != nil && searchable(k) {
			addNumber(2, s)
		}
	}
	var kept []string
	for _, g := range groups {
		kept = keepTerms(kept, g)
	}
	slices.Sort(kept)
	return kept
}

// keepTerms adds words to kept, each cut to MaxTermBytes, unless a kept word already begins
// with it; a word that extends kept ones replaces them. Beyond MaxSearchTerms, later words
// are left out.
func keepTerms(kept, words []string) []string {
	for _, w := range words {
		w = cutTerm(w)
		if slices.ContainsFunc(kept, func(k string) bool { return strings.HasPrefix(k, w) }) {
			continue
		}
		kept = slices.DeleteFunc(kept, func(k string) bool { return strings.HasPrefix(w, k) })
		if len(kept) < MaxSearchTerms {
			kept = append(kept, w)
		}
	}
	return kept
}

// cutTerm cuts a word to MaxTermBytes bytes, on a character boundary.
func cutTerm(w string) string {
	if len(w) <= MaxTermBytes {
		return w
	}
	end := MaxTermBytes
	for end > 0 && !utf8.RuneStart(w[end]) {
		end--
	}
	return w[:end]
}

// PhoneForms returns the forms of an E.164 number that a search by digits should find: the
// international digits (33612345678) and the national ones as dialled at home (0612345678;
// without the leading 0 in the North American plan).
func PhoneForms(e164 string) []string {
	digits := strings.TrimPrefix(e164, "+")
	if digits == "" || strings.Trim(digits, "0123456789") != "" {
		return nil
	}
	n := callingCodeLen(digits)
	if n >= len(digits) {
		return []string{digits}
	}
	national := digits[n:]
	if digits[:n] != "1" {
		national = "0" + national
	}
	return []string{digits, national}
}

// Country calling codes are prefix-free: these are the one- and two-digit ones; all others
// have three digits (ITU-T E.164 assignments).
var twoDigitCodes = "20 27 30 31 32 33 34 36 39 40 41 43 44 45 46 47 48 49 51 52 53 54 55 56 57 58 60 61 62 63 64 65 66 81 82 84 86 90 91 92 93 94 95 98"

func callingCodeLen(digits string) int {
	switch {
	case digits[0] == '1' || digits[0] == '7':
		return 1
	case len(digits) >= 2 && strings.Contains(twoDigitCodes, digits[:2]):
		return 2
	default:
		return 3
	}
}

// QueryWords turns a search into the words that must each begin a word of a client. A search
// made only of phone characters ("06 12 34 56 78", "+33 6 12…") is one number: its digits,
// with an international 00 prefix read as +.
func QueryWords(q string) []string {
	trimmed := strings.TrimSpace(q)
	if trimmed != "" && strings.Trim(trimmed, "0123456789 +-.()/") == "" && strings.ContainsAny(trimmed, "0123456789") {
		digits := strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, trimmed)
		if strings.HasPrefix(trimmed, "00") {
			digits = digits[2:]
		}
		if digits != "" {
			return []string{cutTerm(digits)}
		}
	}
	var words []string
	for _, tok := range strings.Fields(q) {
		if addr, ok := addressLike(tok); ok {
			words = append(words, addr)
			continue
		}
		words = append(words, Words(tok)...)
	}
	words = keepTerms(nil, words)
	slices.Sort(words)
	return words
}

// addressLike reads a search word typed as an e-mail address (whole or begun: "c3@exemple.fr",
// "c3@exe") or as a domain ("exemple.fr", "bücher.de") into the form addresses are filed under.
func addressLike(tok string) (string, bool) {
	tok = strings.Trim(tok, ",;<>()\"'")
	switch {
	case strings.Contains(tok, "@"):
		return Fold(EmailSearchForm(tok)), true
	case strings.Contains(strings.Trim(tok, "."), ".") && strings.IndexFunc(tok, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '.' && r != '-'
	}) < 0:
		domain := strings.ToLower(norm.NFC.String(tok))
		if ascii, err := idna.Lookup.ToASCII(domain); err == nil {
			if u, err := idna.Lookup.ToUnicode(ascii); err == nil {
				domain = u
			}
		}
		return Fold(domain), true
	}
	return "", false
}

// TermShard is the part of a filed word that names its partition of the search index: the
// first four characters of a word that begins with a digit (phones, codes: every French
// number begins 33, 06 or 07), the first two of any other; a shorter word is its own. A
// query word at least that long finds every word it begins in one partition (Keyable), and
// a tenant's words spread over hundreds of partitions instead of one (DynamoDB takes at
// most 1,000 write units a second on a partition key).
func TermShard(w string) string {
	n := shardRunes(w)
	i := 0
	for k := range w {
		if i == n {
			return w[:k]
		}
		i++
	}
	return w
}

// Keyable reports whether a query word is long enough to be looked up in one partition of
// the search index (see TermShard): two characters, four digits.
func Keyable(w string) bool { return utf8.RuneCountInString(w) >= shardRunes(w) }

func shardRunes(w string) int {
	if w != "" && w[0] >= '0' && w[0] <= '9' {
		return 4
	}
	return 2
}
