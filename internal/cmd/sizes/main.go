// Command sizes reports each function's binary (as `make build` makes it: linux/arm64,
// stripped) next to the peer's, and fails when one is above its limit: a route's function
// 9.3 MB, a queue or trigger worker 10.5 MB (it links up to four AWS services). The peer is
// aws-samples/serverless-go-demo, 7.1 MB per function with the same flags.
//
// The functions not yet within their limit are listed in ceilings with their size today: they
// may shrink, never grow, until they are brought within it.
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/clientdesk/clientdesk/internal/routes"
)

const (
	peerMB   = 7.1
	routeMB  = 9.3
	workerMB = 10.5
)

// ceilings are the functions above their limit today, each with its size as measured when
// it was listed (MB). The import worker links excelize (XLSX) beside DynamoDB, S3, SQS, SES
// and the API's write path (its commit writes clients as the API does); excelize reads an
// XML part in any charset through golang.org/x/net/html/charset, which links every encoding
// of x/text (the Chinese, Japanese and Korean tables alone are 0.65 MB) and no option of
// excelize's leaves out: 12.58 MB, from 13.37 before the SDK's clients were held below their
// schema code generation (see go.mod).
var ceilings = map[string]float64{
	"import-worker": 12.59, // 12.583 MB measured
}

func main() {
	dir := "build"
	if len(os.Args) > 1 {
		dir = os.Args[1]
	}
	var names []string
	for _, r := range routes.All {
		names = append(names, r.Function())
	}
	workers := map[string]bool{}
	for _, w := range routes.Workers {
		names = append(names, w.Function)
		workers[w.Function] = true
	}
	slices.Sort(names)
	names = slices.Compact(names)
	failed := 0
	fmt.Printf("function binary sizes (linux/arm64, stripped; the peer's: %.1f MB):\n", peerMB)
	for _, name := range names {
		info, err := os.Stat(filepath.Join(dir, name, "bootstrap"))
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v (run make build)\n", name, err)
			os.Exit(1)
		}
		mb := float64(info.Size()) / 1e6
		limit := routeMB
		if workers[name] {
			limit = workerMB
		}
		verdict := "ok"
		if c, ok := ceilings[name]; ok && mb > limit {
			verdict = fmt.Sprintf("above %.1f MB, ceiling %.2f MB", limit, c)
			limit = c
		}
		if mb > limit {
			verdict = fmt.Sprintf("TOO LARGE (limit %.2f MB)", limit)
			failed++
		}
		fmt.Printf("  %-26s %6.2f MB  %4.2f× peer  %s\n", name, mb, mb/peerMB, verdict)
	}
	if failed > 0 {
		fmt.Fprintf(os.Stderr, "%d functions above their limit\n", failed)
		os.Exit(1)
	}
}
