package config

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// With ZONEINFO set (on Lambda, the layer), the zone is read from there and only there.
func TestLoadZone(t *testing.T) {
	t.Setenv(EnvZoneInfo, "")
	if loc, err := LoadZone("Europe/Paris"); err != nil || loc.String() != "Europe/Paris" {
		t.Fatalf("without ZONEINFO: %v %v", loc, err)
	}
	dir := t.TempDir()
	t.Setenv(EnvZoneInfo, dir)
	if _, err := LoadZone("Europe/Paris"); err == nil {
		t.Fatal("a zone missing from ZONEINFO was found elsewhere")
	}
	for _, name := range []string{"../Paris", "/etc/passwd", "Europe//Paris", ""} {
		if _, err := LoadZone(name); err == nil {
			t.Errorf("%q loaded", name)
		}
	}
	// A TZif file written where the layer puts it is what LoadZone reads.
	data := tzif("CET-1CEST,M3.5.0,M10.5.0/3")
	if err := os.MkdirAll(filepath.Join(dir, "Europe"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "Europe", "Paris"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	loc, err := LoadZone("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	summer := time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC)
	if _, off := summer.In(loc).Zone(); off != 7200 {
		t.Errorf("summer offset %d", off)
	}
	if loc, err := LoadZone("UTC"); err != nil || loc != time.UTC {
		t.Errorf("UTC: %v %v", loc, err)
	}
}

// tzif is a TZif (RFC 8536) version 2 file with one local time type and no transition: the
// footer's POSIX rule gives every offset.
func tzif(rule string) []byte {
	block := func(version byte) []byte {
		b := append([]byte("TZif"), version)
		b = append(b, make([]byte, 15)...)
		for _, n := range []uint32{0, 0, 0, 0, 1, 4} { // isut, isstd, leap, time, type, char counts
			b = binary.BigEndian.AppendUint32(b, n)
		}
		b = binary.BigEndian.AppendUint32(b, 3600) // CET, +1 h
		b = append(b, 0, 0)
		return append(b, "CET\x00"...)
	}
	data := append(block('2'), block('2')...)
	return append(data, "\n"+rule+"\n"...)
}
