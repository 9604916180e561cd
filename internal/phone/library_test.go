package phone

import (
	"bytes"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/nyaruka/phonenumbers"

	"github.com/clientdesk/clientdesk/internal/phone/gen/source"
)

// TestMetadataIsGenerated fails when metadata_gen.go is not what the generator writes from the
// library in go.mod (after an upgrade: go generate ./internal/phone).
func TestMetadataIsGenerated(t *testing.T) {
	want, err := source.Generate()
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("metadata_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	// The territories, as the package inflates them, are the library's; the rest of the file
	// is what the generator writes (the compressed bytes themselves may differ from one
	// release of Go's compress/flate to another).
	geoLines, nonGeoLines, err := source.Tables()
	if err != nil {
		t.Fatal(err)
	}
	blob := regexp.MustCompile(`(?m)^\tterritoryData\s*=\s*".*"$`)
	if !slices.Equal(territories(), geoLines) || !slices.Equal(nonGeographical(), nonGeoLines) || !bytes.Equal(blob.ReplaceAll(got, nil), blob.ReplaceAll(want, nil)) {
		t.Fatal("metadata_gen.go differs from the library's metadata: run go generate ./internal/phone")
	}
	var ids []string
	var geo, nonGeo []territory
	for _, s := range territories() {
		m := decodeTerritory(s)
		ids = append(ids, m.id)
		geo = append(geo, *m)
		if found := regionMetadata(m.id); found == nil || found.id != m.id {
			t.Errorf("%s not found", m.id)
		}
	}
	for _, s := range nonGeographical() {
		m := decodeTerritory(s)
		nonGeo = append(nonGeo, *m)
		if found := metadataFor(m.countryCode, nonGeoRegion); found == nil || found.countryCode != m.countryCode {
			t.Errorf("+%d not found", m.countryCode)
		}
	}
	var supported []string
	for r := range phonenumbers.GetSupportedRegions() {
		supported = append(supported, r)
	}
	slices.Sort(supported)
	if !slices.Equal(ids, supported) {
		t.Errorf("territories %v, the library supports %v", ids, supported)
	}
	// Every pattern compiles with Go's regexp, as the library compiles them.
	for _, list := range [][]territory{geo, nonGeo} {
		for _, m := range list {
			for _, p := range []string{m.internationalPrefix, m.nationalPrefixForParsing, m.leadingDigits, m.general.pattern, m.fixedLine.pattern, m.mobile.pattern,
				m.tollFree.pattern, m.premiumRate.pattern, m.sharedCost.pattern, m.personal.pattern, m.voip.pattern, m.pager.pattern, m.uan.pattern, m.voicemail.pattern} {
				regexFor("^(?:" + p + ")$")
			}
		}
	}
}

// libraryAnswer is what the library makes of raw: its parse error, or the calling code and
// national significant number it read and whether the number is valid.
func libraryAnswer(raw, region string) string {
	num, err := phonenumbers.Parse(raw, region)
	if err != nil {
		return "error"
	}
	return answer(int(num.GetCountryCode()), phonenumbers.GetNationalSignificantNumber(num), phonenumbers.IsValidNumber(num), phonenumbers.Format(num, phonenumbers.E164))
}

func ourAnswer(raw, region string) string {
	n, err := parse(raw, region)
	if err != nil {
		return "error"
	}
	return answer(n.countryCode, n.national, n.valid(), n.e164())
}

func answer(cc int, national string, valid bool, e164 string) string {
	return strconv.Itoa(cc) + " " + national + " valid=" + strconv.FormatBool(valid) + " " + e164
}

// regionsToTry are default regions a number is read with: its own, others with a different
// international prefix or national prefix rule, none, and an unknown one.
var regionsToTry = []string{"FR", "US", "GB", "IT", "BR", "AR", "RU", "", "ZZ"}

// TestSameAnswersAsTheLibrary reads every example number of every territory and type as people
// write them (international, national, E.164, RFC 3966, with an international prefix, with a
// digit more or less) with several default regions, and compares every answer with the
// library's: error or not, calling code, national significant number, validity, E.164.
func TestSameAnswersAsTheLibrary(t *testing.T) {
	types := []phonenumbers.PhoneNumberType{phonenumbers.FIXED_LINE, phonenumbers.MOBILE, phonenumbers.TOLL_FREE, phonenumbers.PREMIUM_RATE,
		phonenumbers.SHARED_COST, phonenumbers.VOIP, phonenumbers.PERSONAL_NUMBER, phonenumbers.PAGER, phonenumbers.UAN, phonenumbers.VOICEMAIL}
	var regions []string
	for r := range phonenumbers.GetSupportedRegions() {
		regions = append(regions, r)
	}
	slices.Sort(regions)
	compared := 0
	for i, region := range regions {
		if underRace && i%4 != 0 {
			continue
		}
		var examples []*phonenumbers.PhoneNumber
		for _, typ := range types {
			if ex := phonenumbers.GetExampleNumberForType(region, typ); ex != nil {
				examples = append(examples, ex)
			}
		}
		for _, ex := range examples {
			for _, raw := range renderings(ex) {
				for _, r := range append([]string{region}, regionsToTry...) {
					want, got := libraryAnswer(raw, r), ourAnswer(raw, r)
					compared++
					if got != want {
						t.Errorf("%q read in %q: %s, the library: %s", raw, r, got, want)
					}
				}
			}
		}
	}
	for cc := range phonenumbers.GetSupportedGlobalNetworkCallingCodes() {
		ex := phonenumbers.GetExampleNumberForNonGeoEntity(cc)
		if ex == nil {
			continue
		}
		for _, raw := range renderings(ex) {
			for _, r := range regionsToTry {
				want, got := libraryAnswer(raw, r), ourAnswer(raw, r)
				compared++
				if got != want {
					t.Errorf("%q read in %q: %s, the library: %s", raw, r, got, want)
				}
			}
		}
	}
	t.Logf("%d readings compared", compared)
}

func renderings(ex *phonenumbers.PhoneNumber) []string {
	e164 := phonenumbers.Format(ex, phonenumbers.E164)
	national := phonenumbers.Format(ex, phonenumbers.NATIONAL)
	nsn := phonenumbers.GetNationalSignificantNumber(ex)
	cc := strconv.Itoa(int(ex.GetCountryCode()))
	out := []string{
		e164,
		phonenumbers.Format(ex, phonenumbers.INTERNATIONAL),
		national,
		phonenumbers.Format(ex, phonenumbers.RFC3966),
		"00" + cc + nsn,
		"011 " + cc + " " + nsn,
		cc + nsn,
		nsn,
		"0" + nsn,
		e164[:len(e164)-1],
		e164 + "7",
		national + " ext. 12",
		"tel:" + nsn + ";phone-context=+" + cc,
		strings.ReplaceAll(national, " ", "."),
		"(" + national + ")",
		"+" + cc + " (0)" + nsn,
	}
	return out
}

// FuzzSameAnswersAsTheLibrary compares any text read in any of a few regions with the library's
// answer.
func FuzzSameAnswersAsTheLibrary(f *testing.F) {
	for _, s := range []string{"06 12 34 56 78", "+33 6 12 34 56 78", "0033612345678", "(650) 253-0000", "1-800-FLOWERS", "+1 650 253 0000 x123",
		"tel:253-0000;phone-context=+1-650", "+800 1234 5678", "٠٦١٢٣٤٥٦٧٨", "۰۶۱۲۳۴۵۶۷۸", "０６１２３４５６７８", "++33 6 12", "+(33) 6 12 34 56 78", "0 800 123 456",
		"+7 800 555 35 35", "8 800 555 35 35", "+54 9 11 1234 5678", "011 54 9 11 1234-5678", "+39 06 1234 5678", "+44 (0)20 7946 0958", "ext 1234", ""} {
		for i := range regionsToTry {
			f.Add(s, i)
		}
	}
	f.Fuzz(func(t *testing.T, raw string, i int) {
		if i < 0 {
			i = -i
		}
		region := regionsToTry[i%len(regionsToTry)]
		want, got := libraryAnswer(raw, region), ourAnswer(raw, region)
		if got != want {
			t.Errorf("%q read in %q: %s, the library: %s", raw, region, got, want)
		}
	})
}

// BenchmarkE164 reads a French mobile number written nationally, by this package and by the
// library (whose start-up decoding is not counted here).
func BenchmarkE164(b *testing.B) {
	b.Run("ours", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if got, _ := E164("06 12 34 56 78", "FR"); got != "+33612345678" {
				b.Fatal(got)
			}
		}
	})
	b.Run("library", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if got := libraryAnswer("06 12 34 56 78", "FR"); !strings.HasSuffix(got, "+33612345678") {
				b.Fatal(got)
			}
		}
	})
}
