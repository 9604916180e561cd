package sheet

import (
	"bytes"
	"io"
	"testing"
	"testing/iotest"
	"unicode/utf16"
)

// The decoders give the same text however the bytes arrive, a surrogate pair split across
// reads included.
func TestDecoders(t *testing.T) {
	text := "Zoë Œuvre – 😀 « € »"
	var le, be bytes.Buffer
	for _, u := range utf16.Encode([]rune(text)) {
		le.Write([]byte{byte(u), byte(u >> 8)})
		be.Write([]byte{byte(u >> 8), byte(u)})
	}
	cp := []byte("Zo\xeb \x8cuvre \x96 \xab \x80 \xbb \x81")
	tests := []struct {
		name string
		r    func(io.Reader) io.Reader
		in   []byte
		want string
	}{
		{"utf-16le", func(r io.Reader) io.Reader { return utf16Reader(r, false) }, le.Bytes(), text},
		{"utf-16be", func(r io.Reader) io.Reader { return utf16Reader(r, true) }, be.Bytes(), text},
		{"utf-16le, a lone surrogate and an odd byte", func(r io.Reader) io.Reader { return utf16Reader(r, false) }, []byte{'a', 0, 0x3d, 0xd8, 'b', 0, 'c'}, "a\ufffdb\ufffd"},
		{"windows-1252", windows1252Reader, cp, "Zoë Œuvre – « € » \ufffd"},
	}
	for _, tt := range tests {
		for _, one := range []bool{false, true} {
			var src io.Reader = bytes.NewReader(tt.in)
			if one {
				src = iotest.OneByteReader(src)
			}
			got, err := io.ReadAll(tt.r(src))
			if err != nil || string(got) != tt.want {
				t.Errorf("%s (a byte a read: %v): %q %v, want %q", tt.name, one, got, err, tt.want)
			}
		}
	}
}
