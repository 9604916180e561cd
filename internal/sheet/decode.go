package sheet

import (
	"io"
	"unicode/utf16"
	"unicode/utf8"
)

// windows1252High are the characters Windows-1252 gives the bytes 0x80–0x9F (U+FFFD for the
// five it leaves undefined); its bytes 0xA0–0xFF are ISO-8859-1's, Unicode's U+00A0–U+00FF.
var windows1252High = [32]rune{
	'€', '\ufffd', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\ufffd', 'Ž', '\ufffd',
	'\ufffd', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\ufffd', 'ž', 'Ÿ',
}

// appendWindows1252 appends b, read as Windows-1252, to dst in UTF-8.
func appendWindows1252(dst, b []byte) []byte {
	for _, c := range b {
		switch {
		case c < 0x80:
			dst = append(dst, c)
		case c < 0xa0:
			dst = utf8.AppendRune(dst, windows1252High[c-0x80])
		default:
			dst = utf8.AppendRune(dst, rune(c))
		}
	}
	return dst
}

// decodeReader reads r through decode, which turns the bytes read into UTF-8 and keeps
// back (returns as rest) a character's first bytes when its last are yet to come.
type decodeReader struct {
	r      io.Reader
	decode func(dst, src []byte, eof bool) (out, rest []byte)
	buf    []byte
	in     []byte // read, not yet decoded (the end of buf)
	out    []byte // decoded, not yet returned
	err    error
}

func (d *decodeReader) Read(p []byte) (int, error) {
	for len(d.out) == 0 {
		if d.err != nil {
			return 0, d.err
		}
		if d.buf == nil {
			d.buf = make([]byte, 32<<10)
		}
		n := copy(d.buf, d.in) // what was kept back, first
		m, err := d.r.Read(d.buf[n:])
		d.err = err
		d.out, d.in = d.decode(d.out[:0], d.buf[:n+m], err != nil)
	}
	n := copy(p, d.out)
	d.out = d.out[n:]
	return n, nil
}

func windows1252Reader(r io.Reader) io.Reader {
	return &decodeReader{r: r, decode: func(dst, src []byte, _ bool) ([]byte, []byte) {
		return appendWindows1252(dst, src), nil
	}}
}

// utf16Reader reads UTF-16 after its byte order mark (FF FE little-endian, FE FF big-endian);
// a lone surrogate reads as U+FFFD.
func utf16Reader(r io.Reader, bigEndian bool) io.Reader {
	return &decodeReader{r: r, decode: func(dst, src []byte, eof bool) ([]byte, []byte) {
		unit := func(i int) rune {
			if bigEndian {
				return rune(src[i])<<8 | rune(src[i+1])
			}
			return rune(src[i+1])<<8 | rune(src[i])
		}
		i := 0
		for ; i+1 < len(src); i += 2 {
			u := unit(i)
			if utf16.IsSurrogate(u) && u < 0xdc00 {
				if i+3 >= len(src) && !eof {
					break // its pair is yet to come
				}
				if i+3 < len(src) {
					if c := utf16.DecodeRune(u, unit(i+2)); c != utf8.RuneError {
						dst = utf8.AppendRune(dst, c)
						i += 2
						continue
					}
				}
				u = utf8.RuneError
			} else if utf16.IsSurrogate(u) {
				u = utf8.RuneError
			}
			dst = utf8.AppendRune(dst, u)
		}
		if eof && i < len(src) { // an odd byte at the end
			return utf8.AppendRune(dst, utf8.RuneError), nil
		}
		return dst, src[i:]
	}}
}
