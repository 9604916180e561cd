package store

import (
	"context"
	"strconv"

	"github.com/clientdesk/clientdesk/internal/domain"
)

// SetMaxSortedMatches lowers the bound of searches sorted by name, for a test; the returned
// function restores it.
func SetMaxSortedMatches(n int) (restore func()) {
	maxSortedMatches = n
	return func() { maxSortedMatches = defaultMaxSortedMatches }
}

// Seed writes n realistic clients of a tenant with their whole filing, in batches (no
// transaction: fast on any emulator), for benchmarks outside the package.
func Seed(ctx context.Context, s *Store, tenant string, n int) ([]*domain.Client, error) {
	return seed(ctx, s, tenant, n)
}

// ImportErrorsCursor forges a cursor of an import's errors with a valid fingerprint, placed
// at sort key sk of the import's partition.
func ImportErrorsCursor(tenant string, im *domain.Import, sk string) string {
	return encodeCursor(tenant, "import-errors|"+im.ID+"|"+strconv.FormatInt(im.Version, 10), map[string]string{
		Schema.Keys.Partition: importPK(tenant, im.ID), Schema.Keys.Sort: sk})
}

// FanShard is the shard of a client's entries in a sharded partition.
func FanShard(id string) int { return fanShard(id) }
