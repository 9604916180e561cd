package config

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// EnvZoneInfo is the variable Go's time package reads zone files from first. The stack sets it
// to ZoneInfoDir, where the deployment's zone comes in a layer of one file.
const (
	EnvZoneInfo = "ZONEINFO"
	ZoneInfoDir = "/opt/zoneinfo"
)

// LoadZone returns a time zone by its IANA name. When ZONEINFO is set (on Lambda: the
// deployment's zone, one file of about 3 KB in a layer, instead of the 450 KB of time/tzdata
// linked into each function), the zone is read from there and only there: a missing layer
// fails the start-up instead of falling back to whatever the runtime image holds. Elsewhere
// (tests, make dev) it is time.LoadLocation.
func LoadZone(name string) (*time.Location, error) {
	dir := os.Getenv(EnvZoneInfo)
	if dir == "" || name == "UTC" {
		return time.LoadLocation(name)
	}
	if !fs.ValidPath(name) {
		return nil, fmt.Errorf("time zone %q: not a zone name", name)
	}
	data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
	if err != nil {
		return nil, fmt.Errorf("time zone %q: %w", name, err)
	}
	return time.LoadLocationFromTZData(name, data)
}
