package password

import (
	"strings"
	"testing"
)

func TestHashAndVerify(t *testing.T) {
	h, err := Hash("correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") || strings.Contains(h, "horse") {
		t.Fatalf("unexpected hash %q", h)
	}
	if !Verify("correct horse battery staple", h) || Verify("correct horse battery stapler", h) {
		t.Fatal("verify")
	}
	other, _ := Hash("correct horse battery staple")
	if other == h {
		t.Fatal("no salt")
	}
	for _, bad := range []string{"", "$argon2i$v=19$m=1,t=1,p=1$AA$AA", "$argon2id$v=19$m=x$AA$AA", h[:len(h)-4] + "!!!!"} {
		if Verify("correct horse battery staple", bad) {
			t.Errorf("accepted %q", bad)
		}
	}
}
