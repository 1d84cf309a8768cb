// Package envelope is the lossless JSON record envelope, both directions:
// consume -o json and replay and DLQ archives write it, produce --format json
// and replay --from-file read it. Its field names are a public contract.
package envelope

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/streamctl/streamctl/internal/record"
	"github.com/streamctl/streamctl/internal/suggest"
)

// The record envelope is the one-line JSON shape that consume -o json writes,
// produce --format json reads, and replay and DLQ archives store:
//
//	{"topic":"order-events","partition":1,"offset":42,"timestamp":"2026-11-26T15:04:05.123Z",
//	 "timestamp_type":"CreateTime","key":"order-17","value":"{\"orderId\":17}",
//	 "headers":[{"key":"source","value":"web"}]}
//
// Every field is always written, in this order, so the shape is stable for jq
// and for column-minded tools. Bytes that are valid UTF-8 are written as JSON
// strings; anything else is standard base64 with a sibling "key_encoding",
// "value_encoding" or (inside a header) "encoding" set to "base64". null is a
// null key, value or header value; "" is an empty one. A header key that is
// not valid UTF-8 (Kafka clients write Java strings, so only odd producers do
// this) is base64 with "key_encoding":"base64" inside the header object, so
// that even then the envelope stays lossless.
//
// Timestamps are RFC 3339 in UTC with milliseconds, Kafka's precision. A zero
// time is null; a time outside years 0000-9999, which RFC 3339 cannot write,
// is a number of epoch milliseconds.

// EnvelopeOptions tunes AppendEnvelope.
type Options struct {
	// DecodeJSON writes a value that is a JSON object or array as embedded
	// JSON (compacted onto the one line) instead of a string, for reading
	// with jq. Only objects and arrays qualify, so a value like "42" or
	// "true" stays a string. ParseEnvelope accepts the result, but the
	// value comes back compacted, so it is not a byte-exact round trip.
	DecodeJSON bool
	// Decoded, when set, gives what a schema registry decoder made of the
	// record's key and value (consume --decode). A side it decoded gets
	// "key_schema_id"/"key_decoded" or "value_schema_id"/"value_decoded"
	// after its raw field, which stays as it is: the envelope is still
	// lossless, and ParseEnvelope ignores the decoded fields.
	Decoded func(r *record.Record) (key, value Decoded)
}

// Decoded is a key or value decoded with its schema: the data as compact
// JSON (nil: not decoded) and what the raw bytes are. Framed bytes (the
// schema registry's magic byte and schema id, then Avro, Protobuf or JSON)
// and unframed Avro or Protobuf are binary: the envelope writes them in
// base64 whatever they happen to look like, never as a string of escapes
// that some records get and others not.
type Decoded struct {
	SchemaID int  // the id in the framing, when Framed
	Framed   bool // the bytes carry the registry framing: binary, and the id is written
	Binary   bool // unframed, but a binary encoding (Avro, Protobuf)
	JSON     []byte
}

const (
	encBase64        = "base64"
	keyEncodingB64   = `,"key_encoding":"base64"`
	valueEncodingB64 = `,"value_encoding":"base64"`
	headerEncB64     = `,"encoding":"base64"`
)

// AppendEnvelope appends r as one envelope line, ending in '\n', to dst and
// returns the extended buffer. It does not allocate when dst has room (except
// for DecodeJSON values), so a caller that reuses dst pays nothing per record.
func Append(dst []byte, r *record.Record, opts Options) []byte {
	dst = append(dst, `{"topic":`...)
	dst = appendJSONString(dst, r.Topic)
	dst = append(dst, `,"partition":`...)
	dst = strconv.AppendInt(dst, int64(r.Partition), 10)
	dst = append(dst, `,"offset":`...)
	dst = strconv.AppendInt(dst, r.Offset, 10)
	dst = append(dst, `,"timestamp":`...)
	dst = appendTimestamp(dst, r.Timestamp)
	dst = append(dst, `,"timestamp_type":`...)
	dst = appendJSONString(dst, r.TimestampType)
	var key, value Decoded
	if opts.Decoded != nil {
		key, value = opts.Decoded(r)
	}
	dst = append(dst, `,"key":`...)
	if key.binary() {
		dst = appendBase64(dst, r.Key, keyEncodingB64)
	} else {
		dst = appendBytes(dst, r.Key, keyEncodingB64)
	}
	dst = appendDecoded(dst, `,"key_schema_id":`, `,"key_decoded":`, key)
	dst = append(dst, `,"value":`...)
	switch {
	case value.binary():
		dst = appendBase64(dst, r.Value, valueEncodingB64)
	case opts.DecodeJSON && isJSONContainer(r.Value):
		dst = appendCompactJSON(dst, r.Value)
	default:
		dst = appendBytes(dst, r.Value, valueEncodingB64)
	}
	dst = appendDecoded(dst, `,"value_schema_id":`, `,"value_decoded":`, value)
	dst = append(dst, `,"headers":[`...)
	for i := range r.Headers {
		h := &r.Headers[i]
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, `{"key":`...)
		if utf8.ValidString(h.Key) {
			dst = appendJSONString(dst, h.Key)
		} else {
			dst = append(dst, '"')
			dst = base64.StdEncoding.AppendEncode(dst, []byte(h.Key))
			dst = append(dst, '"')
			dst = append(dst, keyEncodingB64...)
		}
		dst = append(dst, `,"value":`...)
		dst = appendBytes(dst, h.Value, headerEncB64)
		dst = append(dst, '}')
	}
	return append(dst, "]}\n"...)
}

// appendDecoded writes a decoded side's fields, if it was decoded: the
// schema id (framed bytes only) and the JSON.
func appendDecoded(dst []byte, idField, jsonField string, d Decoded) []byte {
	if d.JSON == nil {
		return dst
	}
	if d.Framed {
		dst = append(dst, idField...)
		dst = strconv.AppendInt(dst, int64(d.SchemaID), 10)
	}
	dst = append(dst, jsonField...)
	return append(dst, d.JSON...)
}

func (d Decoded) binary() bool { return d.JSON != nil && (d.Framed || d.Binary) }

// appendBytes writes b as null, a JSON string when it is valid UTF-8, or a
// base64 string followed by encField.
func appendBytes(dst, b []byte, encField string) []byte {
	if b == nil {
		return append(dst, "null"...)
	}
	mark := len(dst)
	if dst, ok := appendUTF8String(dst, b); ok {
		return dst
	}
	return appendBase64(dst[:mark], b, encField)
}

// appendBase64 writes b (not nil) as a base64 string followed by encField.
func appendBase64(dst, b []byte, encField string) []byte {
	dst = append(dst, '"')
	dst = base64.StdEncoding.AppendEncode(dst, b)
	dst = append(dst, '"')
	return append(dst, encField...)
}

// jsonSafe marks the ASCII bytes that go into a JSON string as they are.
var jsonSafe = func() (t [utf8.RuneSelf]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

const hexDigits = "0123456789abcdef"

// appendEscape writes the JSON escape for the ASCII byte c.
func appendEscape(dst []byte, c byte) []byte {
	switch c {
	case '"', '\\':
		return append(dst, '\\', c)
	case '\n':
		return append(dst, '\\', 'n')
	case '\r':
		return append(dst, '\\', 'r')
	case '\t':
		return append(dst, '\\', 't')
	case '\b':
		return append(dst, '\\', 'b')
	case '\f':
		return append(dst, '\\', 'f')
	}
	return append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
}

// appendUTF8String writes b as a quoted JSON string. It reports false, having
// written a partial string, when b is not valid UTF-8. Non-ASCII text,
// U+2028 and U+2029 included, is written as is: JSON allows it and the
// envelope is not embedded in HTML or JavaScript source.
func appendUTF8String(dst, b []byte) ([]byte, bool) {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(b); {
		// Skip eight plain ASCII bytes at a time: most values are mostly
		// that. When a word needs care, go through it byte by byte before
		// trying the next word, so escape-dense text costs no more.
		if i+8 <= len(b) && !needsCare(binary.LittleEndian.Uint64(b[i:])) {
			i += 8
			continue
		}
		for end := min(i+8, len(b)); i < end; {
			c := b[i]
			if c < utf8.RuneSelf {
				if !jsonSafe[c] {
					dst = append(dst, b[start:i]...)
					dst = appendEscape(dst, c)
					start = i + 1
				}
				i++
				continue
			}
			r, size := utf8.DecodeRune(b[i:])
			if r == utf8.RuneError && size == 1 {
				return dst, false
			}
			i += size
		}
	}
	dst = append(dst, b[start:]...)
	return append(dst, '"'), true
}

// needsCare reports whether any of the eight bytes in x is a control
// character, '"', '\\' or not ASCII. Each term is exact (no false positives
// for the word as a whole), see "Bit Twiddling Hacks", haszero and hasless.
func needsCare(x uint64) bool {
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	hasZero := func(v uint64) uint64 { return (v - lo) &^ v & hi }
	less := (x - 0x20*lo) &^ x & hi
	return (less | hasZero(x^('"'*lo)) | hasZero(x^('\\'*lo)) | x&hi) != 0
}

// appendJSONString writes s as a quoted JSON string, replacing invalid UTF-8
// with U+FFFD as encoding/json does. For names (topics, timestamp types),
// which are always valid UTF-8 in practice.
func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if jsonSafe[c] {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			dst = appendEscape(dst, c)
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i++
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// appendTimestamp writes t as "2026-11-26T15:04:05.123Z" (UTC, truncated to
// milliseconds), null for the zero time, or epoch milliseconds for years
// RFC 3339 cannot write. Hand-rolled because it runs once per consumed record.
func appendTimestamp(dst []byte, t time.Time) []byte {
	if t.IsZero() {
		return append(dst, "null"...)
	}
	t = t.UTC()
	year, month, day := t.Date()
	if year < 0 || year > 9999 {
		return strconv.AppendInt(dst, t.UnixMilli(), 10)
	}
	hour, minute, sec := t.Clock()
	ms := t.Nanosecond() / int(time.Millisecond)
	dst = append(dst, '"')
	dst = appendDigits(dst, year, 4)
	dst = append(dst, '-')
	dst = appendDigits(dst, int(month), 2)
	dst = append(dst, '-')
	dst = appendDigits(dst, day, 2)
	dst = append(dst, 'T')
	dst = appendDigits(dst, hour, 2)
	dst = append(dst, ':')
	dst = appendDigits(dst, minute, 2)
	dst = append(dst, ':')
	dst = appendDigits(dst, sec, 2)
	dst = append(dst, '.')
	dst = appendDigits(dst, ms, 3)
	return append(dst, 'Z', '"')
}

// appendDigits writes the non-negative n zero-padded to width digits.
func appendDigits(dst []byte, n, width int) []byte {
	var buf [4]byte
	for i := width - 1; i >= 0; i-- {
		buf[i] = byte('0' + n%10)
		n /= 10
	}
	return append(dst, buf[:width]...)
}

// isJSONContainer reports whether v is a valid UTF-8 JSON object or array.
func isJSONContainer(v []byte) bool {
	i := 0
	for i < len(v) && isJSONSpace(v[i]) {
		i++
	}
	if i == len(v) || (v[i] != '{' && v[i] != '[') {
		return false
	}
	return utf8.Valid(v) && json.Valid(v)
}

func isJSONSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// appendCompactJSON writes the valid JSON v without insignificant spaces, so
// that a pretty-printed value stays on its line.
func appendCompactJSON(dst, v []byte) []byte {
	buf := bytes.NewBuffer(dst)
	if err := json.Compact(buf, v); err != nil {
		// Unreachable: v passed json.Valid. Fall back to a lossless string.
		return appendBytes(dst, v, valueEncodingB64)
	}
	return buf.Bytes()
}

// The envelope as read: each member's raw value, by field. Raw values keep
// null apart from absent and let every field be type-checked with an error
// that names it.
//
// These constants and the names below are the one list of the members an
// envelope (and a header in it) has: the fast scanner and the encoding/json
// fallback both look names up here, and a name that is not listed is an
// error on either path (a misspelt "valu" would otherwise produce a null
// value: a tombstone on a compacted topic). A new envelope field is a
// constant and a name here, plus its use in ParseEnvelope.
type (
	envelopeJSON [nEnvelopeFields]json.RawMessage
	headerJSON   [nHeaderFields]json.RawMessage
)

const (
	fTopic = iota
	fPartition
	fOffset
	fTimestamp
	fTimestampType
	fKey
	fKeyEncoding
	fValue
	fValueEncoding
	fHeaders
	// What consume --decode adds. Read only to be type-checked: the raw
	// key and value are the record.
	fKeySchemaID
	fKeyDecoded
	fValueSchemaID
	fValueDecoded
	nEnvelopeFields
)

const (
	hKey = iota
	hKeyEncoding
	hValue
	hEncoding
	nHeaderFields
)

var (
	envelopeFields = [nEnvelopeFields]string{
		fTopic: "topic", fPartition: "partition", fOffset: "offset", fTimestamp: "timestamp",
		fTimestampType: "timestamp_type", fKey: "key", fKeyEncoding: "key_encoding",
		fValue: "value", fValueEncoding: "value_encoding", fHeaders: "headers",
		fKeySchemaID: "key_schema_id", fKeyDecoded: "key_decoded",
		fValueSchemaID: "value_schema_id", fValueDecoded: "value_decoded",
	}
	headerFields = [nHeaderFields]string{hKey: "key", hKeyEncoding: "key_encoding", hValue: "value", hEncoding: "encoding"}
)

// fieldIndex returns the index in fields of the member called name, or -1.
// Names match as encoding/json matches them: exactly, or else
// case-insensitively.
func fieldIndex(fields []string, name []byte) int {
	for i, f := range fields {
		if string(name) == f {
			return i
		}
	}
	for i, f := range fields {
		if bytes.EqualFold(name, []byte(f)) {
			return i
		}
	}
	return -1
}

// unknownField is the error for a member name not in fields; where is
// "" for the envelope, or like "headers[2]" for a header.
func unknownField(names []string, where, name string) error {
	what, full := "the envelope", name
	if where != "" {
		what, full = "a header", where+"."+name
	}
	hint := suggest.Hint(suggest.Closest(name, names, 1))
	if hint != "" {
		hint = " (" + hint + ")"
	}
	return &fieldError{full, fmt.Errorf("unknown field%s; %s has %s", hint, what, strings.Join(names, ", "))}
}

// ParseEnvelope reads one envelope line back into a record, so that
// AppendEnvelope followed by ParseEnvelope gives back the same key, value,
// headers (in order, keys may repeat), null-versus-empty and timestamp (to the
// millisecond).
//
// It is lenient where that helps people write envelopes by hand or with jq:
//   - Only "value" is needed. A missing topic is "" (the command's --topic
//     applies), a missing or null partition is record.AnyPartition, a missing
//     or null timestamp is the zero time (the producer stamps it), missing
//     key/value/header values are null, missing headers are none.
//   - timestamp is RFC 3339 (any fraction, any offset) or epoch milliseconds.
//   - A value that is a JSON object or array (consume --decode-json output)
//     is taken as its compact JSON text.
//   - offset and timestamp_type are read into the record for provenance
//     (replay, DLQ); the producer never sends them. A missing offset is -1.
//   - key_schema_id, key_decoded, value_schema_id and value_decoded
//     (consume --decode) are ignored: the raw key and value are what is
//     produced, so a decoded envelope round-trips byte for byte. A schema
//     id must still be an integer or null.
//
// A member that is not one of the envelope's fields (envelopeFields) is an
// error naming it, with the closest known name: a misspelt field must not
// turn into a null value or key.
// A known field with the wrong type, an unknown encoding or bad base64 is an
// error that names the field. Field names are matched as encoding/json does
// (case-insensitively).
func Parse(line []byte) (record.Record, error) {
	rec := record.Record{Partition: record.AnyPartition, Offset: -1}
	if k := jsonKind(line); k != "object" {
		if k == "" {
			return rec, errors.New("empty line: want a JSON envelope object")
		}
		if !json.Valid(line) { // jsonKind looks only at the first byte: "not json" is no null
			k = "invalid JSON"
		}
		return rec, fmt.Errorf("want a JSON envelope object, got %s", k)
	}
	// Field values are slices of this copy (one allocation per record); the
	// caller may reuse line.
	var env envelopeJSON
	if !scanEnvelope(bytes.Clone(line), &env) {
		env = envelopeJSON{}
		if err := decodeEnvelope(line, &env); err != nil {
			return rec, err
		}
	}
	var err error
	if rec.Topic, err = parseName("topic", env[fTopic]); err != nil {
		return rec, err
	}
	if rec.TimestampType, err = parseName("timestamp_type", env[fTimestampType]); err != nil {
		return rec, err
	}
	if !isAbsent(env[fPartition]) {
		p, err := parseInt("partition", env[fPartition], 32)
		if err != nil {
			return rec, err
		}
		rec.Partition = int32(p)
	}
	if !isAbsent(env[fOffset]) {
		if rec.Offset, err = parseInt("offset", env[fOffset], 64); err != nil {
			return rec, err
		}
	}
	for _, f := range [...]int{fKeySchemaID, fValueSchemaID} {
		if !isAbsent(env[f]) {
			if _, err := parseInt(envelopeFields[f], env[f], 32); err != nil {
				return rec, err
			}
		}
	}
	if rec.Timestamp, err = parseTimestamp(env[fTimestamp]); err != nil {
		return rec, err
	}
	if rec.Key, err = parseBytes("key", env[fKey], "key_encoding", env[fKeyEncoding], false); err != nil {
		return rec, err
	}
	if rec.Value, err = parseBytes("value", env[fValue], "value_encoding", env[fValueEncoding], true); err != nil {
		return rec, err
	}
	if rec.Headers, err = parseHeaders(env[fHeaders]); err != nil {
		return rec, err
	}
	return rec, nil
}

// fieldError is a problem with one envelope field. Header fields are named
// like "headers[2].value"; the prefix is added only when there is an error,
// so the common path builds no names.
type fieldError struct {
	field string
	err   error
}

func (e *fieldError) Error() string { return fmt.Sprintf("field %q: %v", e.field, e.err) }
func (e *fieldError) Unwrap() error { return e.err }

func fieldErrorf(field, format string, args ...any) error {
	return &fieldError{field, fmt.Errorf(format, args...)}
}

func parseHeaders(raw json.RawMessage) ([]record.Header, error) {
	if isAbsent(raw) {
		return nil, nil
	}
	if k := jsonKind(raw); k != "array" {
		return nil, fieldErrorf("headers", `want an array of {"key":..,"value":..} objects, got %s`, k)
	}
	var items []headerJSON
	if !scanHeaders(raw, &items) {
		var err error
		if items, err = decodeHeaders(raw); err != nil {
			return nil, err
		}
	}
	if len(items) == 0 {
		return nil, nil
	}
	hs := make([]record.Header, len(items))
	for i := range items {
		h := &items[i]
		if isAbsent(h[hKey]) {
			// Also a null item: json.Unmarshal leaves its struct empty.
			return nil, fieldErrorf(fmt.Sprintf("headers[%d]", i), `a header needs a "key" (header keys cannot be null)`)
		}
		key, err := parseBytes("key", h[hKey], "key_encoding", h[hKeyEncoding], false)
		if err != nil {
			return nil, inHeader(i, err)
		}
		hs[i].Key = string(key)
		if hs[i].Value, err = parseBytes("value", h[hValue], "encoding", h[hEncoding], false); err != nil {
			return nil, inHeader(i, err)
		}
	}
	return hs, nil
}

func inHeader(i int, err error) error {
	if fe, ok := err.(*fieldError); ok {
		return &fieldError{fmt.Sprintf("headers[%d].%s", i, fe.field), fe.err}
	}
	return err
}

// parseBytes reads a string-or-null field and its optional encoding sibling.
// With allowJSON, an object or array stands for its compact text.
func parseBytes(field string, raw json.RawMessage, encField string, encRaw json.RawMessage, allowJSON bool) ([]byte, error) {
	enc, err := parseName(encField, encRaw)
	if err != nil {
		return nil, err
	}
	if enc != "" && enc != encBase64 {
		return nil, fieldErrorf(encField, "unknown encoding %q (the only encoding is %q; leave the field out for UTF-8 text)", enc, encBase64)
	}
	switch k := jsonKind(raw); k {
	case "", "null":
		return nil, nil
	case "string":
		s, err := stringBytes(raw)
		if err != nil {
			return nil, &fieldError{field, err}
		}
		if enc == "" {
			return s, nil
		}
		b := make([]byte, base64.StdEncoding.DecodedLen(len(s)))
		n, err := base64.StdEncoding.Decode(b, s)
		if err != nil {
			return nil, fieldErrorf(field, "bad base64 (%s is %q): %w", encField, enc, err)
		}
		return b[:n:n], nil
	case "object", "array":
		if allowJSON && enc == "" {
			var buf bytes.Buffer
			buf.Grow(len(raw))
			if err := json.Compact(&buf, raw); err != nil {
				return nil, &fieldError{field, err}
			}
			return buf.Bytes(), nil
		}
		fallthrough
	default:
		want := "a string or null"
		if allowJSON && enc == "" {
			want = "a string, an object, an array or null"
		}
		return nil, fieldErrorf(field, "want %s, got %s", want, k)
	}
}

// stringBytes returns the contents of the JSON string raw. raw is owned by
// the parse (a copy of the line, or json.RawMessage's copy), so without
// escapes it is used in place.
func stringBytes(raw json.RawMessage) ([]byte, error) {
	inner := raw[1 : len(raw)-1 : len(raw)-1]
	if bytes.IndexByte(inner, '\\') < 0 && utf8.Valid(inner) {
		return inner, nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, err
	}
	return []byte(s), nil
}

// parseName reads a string-or-null field.
func parseName(field string, raw json.RawMessage) (string, error) {
	switch k := jsonKind(raw); k {
	case "", "null":
		return "", nil
	case "string":
		b, err := stringBytes(raw)
		if err != nil {
			return "", &fieldError{field, err}
		}
		return string(b), nil
	default:
		return "", fieldErrorf(field, "want a string, got %s", k)
	}
}

func parseInt(field string, raw json.RawMessage, bits int) (int64, error) {
	if k := jsonKind(raw); k != "number" {
		return 0, fieldErrorf(field, "want an integer, got %s", k)
	}
	n, err := strconv.ParseInt(string(raw), 10, bits)
	if err != nil {
		return 0, fieldErrorf(field, "want an integer that fits %d bits, got %s", bits, raw)
	}
	return n, nil
}

func parseTimestamp(raw json.RawMessage) (time.Time, error) {
	switch k := jsonKind(raw); k {
	case "", "null":
		return time.Time{}, nil
	case "number":
		ms, err := parseInt("timestamp", raw, 64)
		if err != nil {
			return time.Time{}, fmt.Errorf("%w (epoch milliseconds)", err)
		}
		return time.UnixMilli(ms).UTC(), nil
	case "string":
		s, err := parseName("timestamp", raw)
		if err != nil {
			return time.Time{}, err
		}
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return time.Time{}, fieldErrorf("timestamp", `want RFC 3339 like "2026-11-26T15:04:05.123Z" or epoch milliseconds, got %q`, s)
		}
		return t.UTC(), nil
	default:
		return time.Time{}, fieldErrorf("timestamp", "want an RFC 3339 string or epoch milliseconds, got %s", k)
	}
}

func isAbsent(raw json.RawMessage) bool {
	k := jsonKind(raw)
	return k == "" || k == "null"
}

// jsonKind names the type of the JSON value raw starts with: "" when raw is
// empty (an absent field), else "null", "string", "number", "object",
// "array" or "boolean". raw has passed the JSON parser except at the top
// level, where the first byte decides.
func jsonKind(raw []byte) string {
	for len(raw) > 0 && isJSONSpace(raw[0]) {
		raw = raw[1:]
	}
	if len(raw) == 0 {
		return ""
	}
	switch raw[0] {
	case 'n':
		return "null"
	case '"':
		return "string"
	case '{':
		return "object"
	case '[':
		return "array"
	case 't', 'f':
		return "boolean"
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return "number"
	}
	return "invalid JSON"
}
