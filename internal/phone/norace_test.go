//go:build !race

package phone

const underRace = false
