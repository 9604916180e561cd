//go:build race

package phone

// underRace: the race detector slows the library comparison twentyfold and this package runs
// nothing concurrently, so under it the sweep takes one territory in four.
const underRace = true
