package routes

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// The README's table from route to files is what a newcomer follows: every route and worker
// has its row, every row names a route or worker that exists, and every file it names exists.
func TestReadmeRouteTable(t *testing.T) {
	root := filepath.Join("..", "..")
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	routeCell := regexp.MustCompile("^`([A-Z]+ /[^`]*)`")
	workerCell := regexp.MustCompile(`^\((SQS|Cognito)\)`)
	quoted := regexp.MustCompile("`([^`]+)`")
	rows := map[string]string{} // route key or worker function → functions/ folder
	for _, line := range strings.Split(string(readme), "\n") {
		cells := strings.Split(strings.Trim(line, "| "), " | ")
		if !strings.HasPrefix(line, "| ") || len(cells) != 4 || !strings.HasPrefix(cells[1], "`functions/") {
			continue
		}
		fn := strings.Trim(cells[1], "`")
		switch m := routeCell.FindStringSubmatch(cells[0]); {
		case m != nil:
			rows[m[1]] = fn
		case workerCell.MatchString(cells[0]):
			rows["worker "+strings.TrimPrefix(fn, "functions/")] = fn
		default:
			t.Errorf("README row names neither a route nor a worker: %s", line)
		}
		for _, cell := range cells[1:] {
			for _, m := range quoted.FindAllStringSubmatch(cell, -1) {
				if _, err := os.Stat(filepath.Join(root, m[1])); err != nil {
					t.Errorf("README names %s, which does not exist", m[1])
				}
			}
		}
	}
	var want []string
	for _, r := range All {
		want = append(want, r.Key())
		if got, ok := rows[r.Key()]; !ok || got != "functions/"+r.Function() {
			t.Errorf("README: route %s should have a row with functions/%s (got %q)", r.Key(), r.Function(), got)
		}
	}
	for _, w := range Workers {
		want = append(want, "worker "+w.Function)
		if _, ok := rows["worker "+w.Function]; !ok {
			t.Errorf("README: worker %s has no row", w.Function)
		}
	}
	for key := range rows {
		if !slices.Contains(want, key) {
			t.Errorf("README: row %s is in no route table", key)
		}
	}
}
