// Package phone parses phone numbers with libphonenumber's metadata (github.com/nyaruka/phonenumbers).
// It is its own package because that library weighs about 5 MB in a binary and decodes its
// metadata at start-up: only the functions that write clients link it, so the others start
// faster and stay small.
package phone

import (
	"strings"

	"github.com/nyaruka/phonenumbers"

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
	num, err := phonenumbers.Parse(raw, region)
	if err != nil || !phonenumbers.IsValidNumber(num) {
		return "", domain.FieldInvalidPhone
	}
	return phonenumbers.Format(num, phonenumbers.E164), ""
}
