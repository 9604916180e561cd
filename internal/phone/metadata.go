package phone

import (
	"regexp"
	"slices"
	"strings"
	"sync"
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

// regionMetadata returns a geographical region's metadata, nil for an unknown region (and
// for "001").
func regionMetadata(region string) *territory {
	i, ok := slices.BinarySearchFunc(territories[:], region, func(t territory, id string) int { return strings.Compare(t.id, id) })
	if !ok {
		return nil
	}
	return &territories[i]
}

// metadataFor returns the metadata of a region, or of a non-geographical calling code when
// region is "001".
func metadataFor(cc int, region string) *territory {
	if region != nonGeoRegion {
		return regionMetadata(region)
	}
	i, ok := slices.BinarySearchFunc(nonGeographical[:], cc, func(t territory, cc int) int { return t.countryCode - cc })
	if !ok {
		return nil
	}
	return &nonGeographical[i]
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
