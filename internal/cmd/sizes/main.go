// Command sizes reports each function's binary (as `make build` makes it: linux/arm64,
// stripped) next to the peer's, and fails when one is above its limit: a route's function
// 9.3 MB, a queue or trigger worker 10.5 MB (it links up to four AWS services). The peer is
// aws-samples/serverless-go-demo, 7.1 MB per function with the same flags.
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
