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
// it was listed (MB). Both link SES beyond DynamoDB (the worker S3 and SQS too), and each
// AWS service now comes with a schema registry (sesv2/schemas alone is 195 KB of code):
// send-invitation is 6 KB over (its code ends 8.5 KB past a 64 KB page of the ELF layout);
// the job worker is 0.65 MB over with SES, S3 and SQS, measured without each: no SES 10.68,
// no S3 10.81, no API code 11.01.
//
// The import worker links excelize (XLSX) beside DynamoDB, S3, SQS, SES and the API's write
// path (its commit writes clients as the API does): 13.37 MB when it came (its code ends just
// past a 64 KB page of the ELF layout, so a few lines move it by 64 KB).
var ceilings = map[string]float64{
	"job-worker":      11.15,
	"send-invitation": 9.31,
	"import-worker":   13.37,
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
