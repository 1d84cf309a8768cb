package textio

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/streamctl/streamctl/internal/record"
)

// Text input (produce --format text) reads one record per line with the
// conventions of Kafka's console producer (LineMessageReader) and kcat -P:
//
//	[headers HeadersDelimiter] [key KeySeparator] value
//
// Headers come first, then the key, then the value, as in the console
// producer. Each delimiter splits at its first occurrence, so the value may
// contain any of them. Headers are k:v pairs joined by HeadersSeparator.

// TextOptions are the text input settings. Empty strings take the console
// producer's defaults.
type LineOptions struct {
	// ParseKey reads a key before KeySeparator (console producer parse.key;
	// kcat -K sep). A line without the separator is an error.
	ParseKey     bool
	KeySeparator string // default "\t" (key.separator)

	// ParseHeaders reads headers before HeadersDelimiter (parse.headers).
	ParseHeaders        bool
	HeadersDelimiter    string // default "\t" (headers.delimiter)
	HeadersSeparator    string // default "," (headers.separator), between pairs
	HeadersKeySeparator string // default ":" (headers.key.separator), in a pair

	// NullMarker, when not empty, makes a key, a value or a header value
	// equal to it null (null.marker); a whole header section equal to it is
	// no headers. A header key cannot be null.
	NullMarker string

	// FixedKey is the key of every record (kcat -k). It cannot be combined
	// with ParseKey.
	FixedKey []byte
	// Headers are added to every record, before the line's own (kcat -H).
	Headers []record.Header
	// EmptyIsNull makes an empty value, and an empty parsed key, null
	// (kcat -Z), so "key\t" with ParseKey is a tombstone.
	EmptyIsNull bool
}

func (o *LineOptions) keySeparator() string {
	return defaultString(o.KeySeparator, "\t")
}

func (o *LineOptions) headersDelimiter() string {
	return defaultString(o.HeadersDelimiter, "\t")
}

func (o *LineOptions) headersSeparator() string {
	return defaultString(o.HeadersSeparator, ",")
}

func (o *LineOptions) headersKeySeparator() string {
	return defaultString(o.HeadersKeySeparator, ":")
}

func defaultString(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// Validate rejects settings that make lines ambiguous, as the console
// producer does at start-up. Call it once before ParseTextLine.
func (o *LineOptions) Validate() error {
	if o.ParseKey && o.FixedKey != nil {
		return errors.New("--key sets the same key on every record and --parse-key reads one from each line: use one of them")
	}
	type sep struct{ flag, value string }
	var seps []sep
	if o.ParseKey {
		seps = append(seps, sep{"--key-separator", o.keySeparator()})
	}
	if o.ParseHeaders {
		hs := []sep{
			{"--headers-delimiter", o.headersDelimiter()},
			{"--headers-separator", o.headersSeparator()},
			{"--headers-key-separator", o.headersKeySeparator()},
		}
		for i := range hs {
			for j := i + 1; j < len(hs); j++ {
				if hs[i].value == hs[j].value {
					return fmt.Errorf("%s and %s are both %q: headers could not be told apart, give one of them another value", hs[i].flag, hs[j].flag, hs[i].value)
				}
			}
		}
		seps = append(seps, hs...)
	}
	if o.NullMarker != "" {
		for _, s := range seps {
			if s.value == o.NullMarker {
				return fmt.Errorf("--null-marker and %s are both %q: pick a null marker that cannot be mistaken for a separator", s.flag, s.value)
			}
		}
	}
	return nil
}

// ParseTextLine reads one line into a record for the topic the caller sets;
// the partition is record.AnyPartition. lineNo (from 1) goes into errors.
//
// A trailing "\n" or "\r\n" is dropped, as Java's readLine does for the
// console producer. Empty lines are records with an empty value (null with
// EmptyIsNull); skipping them, as kcat does, is the caller's choice.
//
// The record does not reference line: readers reuse their buffer, so the
// key, value and header values share one copy of it (sliced with their
// capacity capped, so appending to one never overwrites another). FixedKey
// and the values of Headers are shared by every record and must not be
// modified. The options are assumed valid (see Validate).
func ParseLine(line []byte, lineNo int, opts *LineOptions) (record.Record, error) {
	line = bytes.TrimSuffix(line, []byte("\n"))
	line = bytes.TrimSuffix(line, []byte("\r"))
	rec := record.Record{Partition: record.AnyPartition}

	rest := make([]byte, len(line))
	copy(rest, line)

	var headers []byte
	if opts.ParseHeaders {
		d := opts.headersDelimiter()
		i := indexString(rest, d)
		if i < 0 {
			return rec, fmt.Errorf("line %d: no headers delimiter %q found (use --headers-delimiter, or drop --parse-headers)", lineNo, d)
		}
		headers, rest = rest[:i:i], rest[i+len(d):]
	}
	if opts.ParseKey {
		sep := opts.keySeparator()
		i := indexString(rest, sep)
		if i < 0 {
			return rec, fmt.Errorf("line %d: no key separator %q found (use --key-separator, or drop --parse-key)", lineNo, sep)
		}
		rec.Key = opts.nullable(rest[:i:i])
		rest = rest[i+len(sep):]
	} else {
		rec.Key = opts.FixedKey
	}
	rec.Value = opts.nullable(rest)

	if len(headers) == 0 || (opts.NullMarker != "" && string(headers) == opts.NullMarker) {
		// An empty header section is no headers. (The console producer
		// fails on it: it sees one pair without a key separator.)
		if n := len(opts.Headers); n > 0 {
			rec.Headers = opts.Headers[:n:n]
		}
		return rec, nil
	}
	var err error
	rec.Headers, err = parseTextHeaders(headers, lineNo, opts)
	return rec, err
}

// parseTextHeaders splits "k1:v1,k2:v2" into headers after opts.Headers.
// Empty pairs (a trailing or doubled separator) are skipped.
func parseTextHeaders(section []byte, lineNo int, opts *LineOptions) ([]record.Header, error) {
	sep, keySep := opts.headersSeparator(), opts.headersKeySeparator()
	// One string holds every header key; the values are slices of section.
	keys := string(section)
	hs := make([]record.Header, len(opts.Headers), len(opts.Headers)+strings.Count(keys, sep)+1)
	copy(hs, opts.Headers)
	for start := 0; start <= len(keys); {
		end := strings.Index(keys[start:], sep)
		if end < 0 {
			end = len(keys)
		} else {
			end += start
		}
		pair := keys[start:end]
		pairStart := start
		start = end + len(sep)
		if pair == "" {
			continue
		}
		i := strings.Index(pair, keySep)
		if i < 0 {
			return nil, fmt.Errorf("line %d: header %q has no key separator %q (use --headers-key-separator; for a null value write %q with --null-marker MARKER)", lineNo, pair, keySep, pair+keySep+"MARKER")
		}
		key := pair[:i]
		if opts.NullMarker != "" && key == opts.NullMarker {
			return nil, fmt.Errorf("line %d: header key %q is the null marker, but a header key cannot be null", lineNo, key)
		}
		v := section[pairStart+i+len(keySep) : end : end]
		hs = append(hs, record.Header{Key: key, Value: opts.nullMarked(v)})
	}
	return hs, nil
}

// nullable applies NullMarker and EmptyIsNull to a key or value.
func (o *LineOptions) nullable(b []byte) []byte {
	if o.EmptyIsNull && len(b) == 0 {
		return nil
	}
	return o.nullMarked(b)
}

func (o *LineOptions) nullMarked(b []byte) []byte {
	if o.NullMarker != "" && string(b) == o.NullMarker {
		return nil
	}
	return b
}

// indexString is bytes.Index for a string separator, without converting it.
func indexString(b []byte, sep string) int {
	if len(sep) == 1 {
		return bytes.IndexByte(b, sep[0])
	}
	for i := 0; i+len(sep) <= len(b); {
		j := bytes.IndexByte(b[i:len(b)-len(sep)+1], sep[0])
		if j < 0 {
			return -1
		}
		i += j
		if string(b[i:i+len(sep)]) == sep {
			return i
		}
		i++
	}
	return -1
}

// ParseHeaderFlag reads one kcat-style -H argument: "name=value" splits at the
// first '=', "name=" is an empty value and "name" alone a null value.
func ParseHeaderFlag(s string) (record.Header, error) {
	name, value, found := strings.Cut(s, "=")
	if name == "" {
		return record.Header{}, fmt.Errorf("header %q has no name: want name=value, name= (empty) or name (null)", s)
	}
	if !found {
		return record.Header{Key: name}, nil
	}
	return record.Header{Key: name, Value: []byte(value)}, nil
}

// KcatDelim reads a delimiter as kcat's -K and -D do: \t, \n, \r and \xNN
// stand for the byte, so scripts written for kcat (-K '\t') carry over.
func KcatDelim(s string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 == len(s) {
			b.WriteByte(s[i])
			continue
		}
		i++
		switch s[i] {
		case 't':
			b.WriteByte('\t')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case '\\':
			b.WriteByte('\\')
		case 'x':
			if i+2 >= len(s) {
				return "", fmt.Errorf("\\x needs two hex digits")
			}
			n, err := strconv.ParseUint(s[i+1:i+3], 16, 8)
			if err != nil {
				return "", fmt.Errorf("\\x needs two hex digits")
			}
			b.WriteByte(byte(n))
			i += 2
		default:
			b.WriteByte('\\')
			b.WriteByte(s[i])
		}
	}
	return b.String(), nil
}
