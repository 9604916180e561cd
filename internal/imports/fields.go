package imports

import (
	"maps"
	"reflect"
	"slices"
	"strings"

	"github.com/clientdesk/clientdesk/internal/domain"
)

func cutCustom(target string) (string, bool) {
	return strings.CutPrefix(target, domain.CustomColumnPrefix)
}

// cloneFields copies f deeply enough that changing the copy leaves f as it is.
func cloneFields(f domain.Fields) domain.Fields {
	out := f
	out.Phones = slices.Clone(f.Phones)
	out.Tags = slices.Clone(f.Tags)
	if f.Address != nil {
		a := *f.Address
		out.Address = &a
	}
	out.SocialLinks = maps.Clone(f.SocialLinks)
	out.CustomFields = maps.Clone(f.CustomFields)
	return out
}

// equalFields compares two clients' fields as stored (an absent list or map equals an empty
// one).
func equalFields(a, b domain.Fields) bool {
	norm := func(f domain.Fields) domain.Fields {
		f = cloneFields(f)
		if len(f.Phones) == 0 {
			f.Phones = nil
		}
		if len(f.Tags) == 0 {
			f.Tags = nil
		}
		if len(f.SocialLinks) == 0 {
			f.SocialLinks = nil
		}
		if len(f.CustomFields) == 0 {
			f.CustomFields = nil
		}
		if f.Address != nil && *f.Address == (domain.Address{}) {
			f.Address = nil
		}
		return f
	}
	return reflect.DeepEqual(norm(a), norm(b))
}
