package phone

import (
	"compress/flate"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

//go:generate go run ./gen

// desc describes one type of number of a territory (libphonenumber's PhoneNumberDesc): the
// pattern its national significant numbers match, their possible lengths ([-1] when the
// territory has no number of that type, none when they are the general description's) and
// the lengths dialled only locally.
type desc struct {
	pattern   string
	lengths   []int8
	localOnly []int8
}

// territory is what parsing and validating reads of a region's metadata.
type territory struct {
	id                          string
	countryCode                 int
	internationalPrefix         string
	nationalPrefixForParsing    string
	nationalPrefixTransformRule string
	leadingDigits               string
	sameMobileAndFixedLine      bool

	general, fixedLine, mobile, tollFree, premiumRate, sharedCost, personal, voip, pager, uan, voicemail desc
}

type callingCode struct {
	code    int
	regions []string
}

// nonGeoRegion is the region code of the calling codes of no country (UN M.49's "world").
const nonGeoRegion = "001"

// regionsOf returns the regions of a calling code, the main one first; none when the code is
// not assigned.
func regionsOf(cc int) []string {
	i, ok := slices.BinarySearchFunc(callingCodes[:], cc, func(c callingCode, cc int) int { return c.code - cc })
	if !ok {
		return nil
	}
	return callingCodes[i].regions
}

// Each territory decoded once, on its first use.
var (
	decodedTerritories     [territoryCount]atomic.Pointer[territory]
	decodedNonGeographical [nonGeographicalCount]atomic.Pointer[territory]
)

// tables are the territories as the generator wrote them, inflated once, on the first asked
// for (1–2 ms here, once a process; nothing at start-up): the geographical ones, then the
// non-geographical.
var tables = sync.OnceValue(func() []string {
	text, err := io.ReadAll(flate.NewReader(strings.NewReader(territoryData)))
	lines := strings.Split(string(text), "\n")
	if err != nil || len(lines) != territoryCount+nonGeographicalCount {
		panic(fmt.Sprintf("phone: the generated metadata is damaged (%d lines): %v", len(lines), err))
	}
	return lines
})

// territories are the geographical regions, sorted by id; nonGeographical the calling codes
// of no region, sorted by code.
func territories() []string     { return tables()[:territoryCount] }
func nonGeographical() []string { return tables()[territoryCount:] }

// regionMetadata returns a geographical region's metadata, nil for an unknown region (and
// for "001").
func regionMetadata(region string) *territory {
	geo := territories()
	i, ok := slices.BinarySearchFunc(geo, region, func(t string, id string) int { return strings.Compare(field(t, 0), id) })
	if !ok {
		return nil
	}
	return decoded(&decodedTerritories[i], geo[i])
}

// metadataFor returns the metadata of a region, or of a non-geographical calling code when
// region is "001".
func metadataFor(cc int, region string) *territory {
	if region != nonGeoRegion {
		return regionMetadata(region)
	}
	nonGeo := nonGeographical()
	i, ok := slices.BinarySearchFunc(nonGeo, cc, func(t string, cc int) int {
		n, _ := strconv.Atoi(field(t, 1))
		return n - cc
	})
	if !ok {
		return nil
	}
	return decoded(&decodedNonGeographical[i], nonGeo[i])
}

func decoded(p *atomic.Pointer[territory], s string) *territory {
	if t := p.Load(); t != nil {
		return t
	}
	t := decodeTerritory(s)
	p.Store(t)
	return t
}

// field is a territory's field i (see the generator, internal/phone/gen/source).
func field(s string, i int) string {
	for ; i > 0; i-- {
		_, s, _ = strings.Cut(s, "\x1f")
	}
	f, _, _ := strings.Cut(s, "\x1f")
	return f
}

// decodeTerritory reads a territory as the generator writes it.
func decodeTerritory(s string) *territory {
	f := strings.Split(s, "\x1f")
	t := &territory{id: f[0], internationalPrefix: f[2], nationalPrefixForParsing: f[3],
		nationalPrefixTransformRule: f[4], leadingDigits: f[5], sameMobileAndFixedLine: f[6] == "1"}
	t.countryCode, _ = strconv.Atoi(f[1])
	for i, d := range []*desc{&t.general, &t.fixedLine, &t.mobile, &t.tollFree, &t.premiumRate, &t.sharedCost,
		&t.personal, &t.voip, &t.pager, &t.uan, &t.voicemail} {
		d.pattern, d.lengths, d.localOnly = f[7+3*i], lengthsOf(f[8+3*i]), lengthsOf(f[9+3*i])
	}
	return t
}

func lengthsOf(s string) []int8 {
	if s == "" {
		return nil
	}
	var out []int8
	for n := range strings.SplitSeq(s, ",") {
		l, _ := strconv.Atoi(n)
		out = append(out, int8(l))
	}
	return out
}

// patterns holds each pattern compiled, on first use: nothing is compiled at start-up, and a
// function that parses French numbers compiles France's patterns only.
var patterns sync.Map

func regexFor(pattern string) *regexp.Regexp {
	if re, ok := patterns.Load(pattern); ok {
		return re.(*regexp.Regexp)
	}
	re, _ := patterns.LoadOrStore(pattern, regexp.MustCompile(pattern))
	return re.(*regexp.Regexp)
}
