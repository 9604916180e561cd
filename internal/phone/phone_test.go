package phone

import (
	"testing"

	"github.com/clientdesk/clientdesk/internal/domain"
)

func TestE164(t *testing.T) {
	tests := []struct {
		raw, region, want string
		code              domain.Code
	}{
		{"06 12 34 56 78", "FR", "+33612345678", ""},
		{"+33 6 12 34 56 78", "", "+33612345678", ""},
		{"0033612345678", "", "+33612345678", ""},
		{"020 7946 0958", "GB", "+442079460958", ""},
		{"(650) 253-0000", "US", "+16502530000", ""},
		{"+1 650 253 0000", "FR", "+16502530000", ""},
		{"06 12 34 56 78", "", "", domain.FieldPhoneRegion},
		{"12", "FR", "", domain.FieldInvalidPhone},
		{"not a number", "FR", "", domain.FieldInvalidPhone},
		{"+33 6 12 34 56 78 90 12 34 56 78 90 12 34 56 78 90", "", "", domain.FieldTooLong},
	}
	for _, tt := range tests {
		got, code := E164(tt.raw, tt.region)
		if got != tt.want || code != tt.code {
			t.Errorf("E164(%q, %q) = %q, %q; want %q, %q", tt.raw, tt.region, got, code, tt.want, tt.code)
		}
	}
}
