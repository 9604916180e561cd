package store

import (
	"context"

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
