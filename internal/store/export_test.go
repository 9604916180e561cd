package store

// SetMaxSortedMatches lowers the bound of searches sorted by name, for a test; the returned
// function restores it.
func SetMaxSortedMatches(n int) (restore func()) {
	maxSortedMatches = n
	return func() { maxSortedMatches = defaultMaxSortedMatches }
}
