// Package phone parses phone numbers with libphonenumber's rules and metadata.
//
// The metadata is generated from the one github.com/nyaruka/phonenumbers embeds (go generate;
// a test keeps the two equal) into Go literals the linker lays out: nothing is decoded at
// start-up and only the patterns a number needs are compiled, when it needs them. Linking the
// library itself would add protobuf and its geocoding (about 8 MB to a function) and 12 ms of
// start-up to decode its metadata; tests compare this package's answers with the library's.
package phone

import (
	"strings"

	"github.com/clientdesk/clientdesk/internal/domain"
)

// E164 returns the E.164 form of raw read with region (ISO 3166-1 alpha-2) as the default
// country, or the field error code that explains why it cannot. A national number without a
// region is refused rather than guessed.
func E164(raw, region string) (string, domain.Code) {
	if len(raw) > domain.MaxPhoneLen {
		return "", domain.FieldTooLong
	}
	if region == "" {
		// 00 is the international prefix the ITU recommends and most countries use.
		if rest, ok := strings.CutPrefix(strings.TrimSpace(raw), "00"); ok {
			raw = "+" + rest
		}
		if !strings.HasPrefix(strings.TrimSpace(raw), "+") {
			return "", domain.FieldPhoneRegion
		}
	}
	num, err := parse(raw, region)
	if err != nil || !num.valid() {
		return "", domain.FieldInvalidPhone
	}
	return num.e164(), ""
}
