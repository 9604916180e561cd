// Command gen writes the phone package's metadata (metadata_gen.go) from libphonenumber's, as
// github.com/nyaruka/phonenumbers embeds it: the territories, their calling codes, prefixes and
// the patterns and lengths of each type of number. Only what parsing and validation read is
// kept, a string a territory, decoded on its first use (nothing at start-up).
//
//	go generate ./internal/phone
package main

import (
	"fmt"
	"os"

	"github.com/clientdesk/clientdesk/internal/phone/gen/source"
)

func main() {
	out := "metadata_gen.go"
	if len(os.Args) > 1 {
		out = os.Args[1]
	}
	src, err := source.Generate()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := os.WriteFile(out, src, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
