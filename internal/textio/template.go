// Package textio is records as lines of text: kcat-style -f templates, the
// record line and table of consume -o table, and the text input of produce
// (console-producer and kcat -P conventions).
package textio

import (
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"

	"github.com/streamctl/streamctl/internal/record"
)

// Templates are kcat's -f output format strings (consume -f), with kcat's
// tokens and output, so that kcat users' scripts keep working:
//
//	%t topic            %p partition        %o offset
//	%k key              %s value            %T timestamp (epoch ms, -1 when unset)
//	%K key length       %S value length     (-1 for null, as kcat)
//	%R value length as 4 bytes big-endian (-1 for null; kcat's framing token)
//	%h headers as k=v,k=v (a null header value prints NULL, as kcat)
//	%% a percent sign
//
// Escapes in the literal text: \n \r \t, \xHH (one or two hex digits),
// and, because kcat reads numeric escapes with C's strtoul base 0, \0xHH in
// hex, \0 followed by up to three octal digits (\0 alone is a NUL byte, which
// kcat cannot print), and \ followed by up to three decimal digits (so \10 is
// a newline, and \012 is too). \c for any other c gives c (so \\ is a
// backslash). A backslash at the very end stays a backslash. A backslash
// never escapes a percent: write %% for that.
//
// Keys and values are written as they are, binary included; a null key or
// value prints nothing, the same as an empty one (tell them apart with %K/%S).
// Unlike kcat, an unknown token is reported with its position, a numeric
// escape above 255 is an error rather than a silent wrap-around, and \x takes
// at most two hex digits (kcat takes any number and keeps the last byte).

// Template is a compiled -f format. It is immutable and safe for concurrent
// use.
type Template struct {
	parts []templatePart
}

type templatePart struct {
	token byte   // 0 for literal text, else the letter after %
	text  []byte // the literal text, escapes resolved
}

// templateTokens are the letters that may follow %, in the order help lists
// them.
const templateTokens = "tpokshTSKR"

// CompileTemplate parses a kcat -f format string.
func CompileTemplate(s string) (*Template, error) {
	t := &Template{}
	var lit []byte
	flush := func() {
		if len(lit) > 0 {
			t.parts = append(t.parts, templatePart{text: lit})
			lit = nil
		}
	}
	for i := 0; i < len(s); {
		switch c := s[i]; c {
		case '%':
			if i+1 == len(s) {
				return nil, fmt.Errorf("format %q ends with a lone %%: write %%%% for a percent sign", s)
			}
			tok := s[i+1]
			switch {
			case tok == '%':
				lit = append(lit, '%')
			case strings.IndexByte(templateTokens, tok) >= 0:
				flush()
				t.parts = append(t.parts, templatePart{token: tok})
			default:
				return nil, fmt.Errorf("unknown format token %q at position %d of %q: the tokens are %s",
					s[i:i+1+utf8Len(s[i+1:])], i+1, s, tokenList())
			}
			i += 2
		case '\\':
			b, n, err := parseEscape(s[i:])
			if err != nil {
				return nil, fmt.Errorf("format %q, position %d: %w", s, i+1, err)
			}
			lit = append(lit, b)
			i += n
		default:
			lit = append(lit, c)
			i++
		}
	}
	flush()
	return t, nil
}

func tokenList() string {
	var b strings.Builder
	for i := range len(templateTokens) {
		b.WriteString("%" + templateTokens[i:i+1] + " ")
	}
	b.WriteString("%%")
	return b.String()
}

// utf8Len is the length of the first character of s, so an error quotes a
// whole character, not half of one.
func utf8Len(s string) int {
	for i := range s {
		if i > 0 {
			return i
		}
	}
	return len(s)
}

// parseEscape reads the escape at the start of s (s[0] is the backslash) and
// returns the byte it stands for and how many bytes of s it used.
func parseEscape(s string) (byte, int, error) {
	if len(s) == 1 || s[1] == '%' {
		// A trailing backslash is itself, and kcat splits at % before it
		// reads escapes, so \%s is a backslash and the value.
		return '\\', 1, nil
	}
	switch c := s[1]; {
	case c == 'n':
		return '\n', 2, nil
	case c == 'r':
		return '\r', 2, nil
	case c == 't':
		return '\t', 2, nil
	case c == 'x':
		n := 0
		for n < 2 && 2+n < len(s) && isHex(s[2+n]) {
			n++
		}
		if n == 0 {
			return 0, 0, fmt.Errorf(`\x needs one or two hex digits, as in \x1f`)
		}
		v, _ := strconv.ParseUint(s[2:2+n], 16, 8)
		return byte(v), 2 + n, nil
	case c == '0' && len(s) > 3 && s[2] == 'x' && isHex(s[3]):
		// \0x41: kcat's strtoul base 0 reads a C hex literal.
		b, n, err := parseEscape(s[1:])
		return b, 1 + n, err
	case c >= '0' && c <= '9':
		base, digits, maxLen := 10, "0123456789", 3
		if c == '0' {
			base, digits, maxLen = 8, "01234567", 4 // the 0 and three octal digits
		}
		n := 1
		for n < maxLen && 1+n < len(s) && strings.IndexByte(digits, s[1+n]) >= 0 {
			n++
		}
		v, err := strconv.ParseUint(s[1:1+n], base, 8)
		if err != nil {
			return 0, 0, fmt.Errorf(`escape \%s is above 255 and is not a byte`, s[1:1+n])
		}
		return byte(v), 1 + n, nil
	default:
		return c, 2, nil
	}
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// Append writes r formatted by the template to dst and returns the extended
// buffer. It does not allocate when dst has room.
func (t *Template) Append(dst []byte, r *record.Record) []byte {
	for i := range t.parts {
		p := &t.parts[i]
		switch p.token {
		case 0:
			dst = append(dst, p.text...)
		case 't':
			dst = append(dst, r.Topic...)
		case 'p':
			dst = strconv.AppendInt(dst, int64(r.Partition), 10)
		case 'o':
			dst = strconv.AppendInt(dst, r.Offset, 10)
		case 'k':
			dst = append(dst, r.Key...)
		case 's':
			dst = append(dst, r.Value...)
		case 'T':
			ms := int64(-1) // librdkafka's "no timestamp", which kcat prints
			if !r.Timestamp.IsZero() {
				ms = r.Timestamp.UnixMilli()
			}
			dst = strconv.AppendInt(dst, ms, 10)
		case 'K':
			dst = strconv.AppendInt(dst, nullableLen(r.Key), 10)
		case 'S':
			dst = strconv.AppendInt(dst, nullableLen(r.Value), 10)
		case 'R':
			dst = binary.BigEndian.AppendUint32(dst, uint32(int32(nullableLen(r.Value))))
		case 'h':
			for j, h := range r.Headers {
				if j > 0 {
					dst = append(dst, ',')
				}
				dst = append(dst, h.Key...)
				dst = append(dst, '=')
				if h.Value == nil {
					dst = append(dst, "NULL"...)
				} else {
					dst = append(dst, h.Value...)
				}
			}
		}
	}
	return dst
}

func nullableLen(b []byte) int64 {
	if b == nil {
		return -1
	}
	return int64(len(b))
}
