package envelope

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"unicode"
)

// The envelope's fast path. ParseEnvelope runs once per record of `produce
// --format json` and `dlq replay-file`; encoding/json's Unmarshal into
// RawMessage fields costs an allocation and a copy per field and header, and
// was half of produce's CPU for records with headers. scanObject walks the
// line once, validating it as the JSON grammar does, and hands out each
// member's raw value as a slice of the line. Whatever it does not handle the
// common way (escapes in member names, null or non-object header items,
// invalid JSON) makes it report false, and ParseEnvelope falls back to
// encoding/json, which then also words the error.

// scanObject calls member for each name and raw value of the JSON object
// that is the whole of b (surrounded by optional whitespace). It returns
// false when b is not exactly one valid object, or a member name has an
// escape, or member returns false.
func scanObject(b []byte, member func(name, raw []byte) bool) bool {
	i := skipSpace(b, 0)
	end, ok := scanObjectAt(b, i, member)
	return ok && skipSpace(b, end) == len(b)
}

// scanArray calls item for each raw element of the JSON array that is the
// whole of b.
func scanArray(b []byte, item func(raw []byte) bool) bool {
	end, ok := scanArrayAt(b, skipSpace(b, 0), item)
	return ok && skipSpace(b, end) == len(b)
}

// scanArrayAt returns the end of the array starting at b[i], calling item
// (when not nil) for each element.
func scanArrayAt(b []byte, i int, item func(raw []byte) bool) (int, bool) {
	return scanList(b, i, '[', ']', func(i int) (int, bool) {
		end, ok := scanValue(b, i)
		if !ok || item != nil && !item(b[i:end]) {
			return 0, false
		}
		return end, true
	})
}

// scanObjectAt returns the end of the object starting at b[i], calling
// member (when not nil) for each name and raw value.
func scanObjectAt(b []byte, i int, member func(name, raw []byte) bool) (int, bool) {
	return scanList(b, i, '{', '}', func(i int) (int, bool) {
		nameEnd, ok := scanString(b, i)
		if !ok {
			return 0, false
		}
		name := b[i+1 : nameEnd-1]
		if member != nil && bytes.IndexByte(name, '\\') >= 0 {
			return 0, false // rare: let encoding/json decode the name
		}
		i = skipSpace(b, nameEnd)
		if i >= len(b) || b[i] != ':' {
			return 0, false
		}
		i = skipSpace(b, i+1)
		end, ok := scanValue(b, i)
		if !ok || member != nil && !member(name, b[i:end]) {
			return 0, false
		}
		return end, true
	})
}

// scanList walks the comma-separated elements between open and close that
// start at b[i]; elem scans one element starting at its argument and returns
// its end.
func scanList(b []byte, i int, open, close byte, elem func(int) (int, bool)) (int, bool) {
	if i >= len(b) || b[i] != open {
		return 0, false
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == close {
		return i + 1, true
	}
	for {
		end, ok := elem(i)
		if !ok {
			return 0, false
		}
		i = skipSpace(b, end)
		switch {
		case i >= len(b):
			return 0, false
		case b[i] == ',':
			i = skipSpace(b, i+1)
		case b[i] == close:
			return i + 1, true
		default:
			return 0, false
		}
	}
}

// scanValue returns the end of the JSON value starting at b[i].
func scanValue(b []byte, i int) (int, bool) {
	if i >= len(b) {
		return 0, false
	}
	switch c := b[i]; {
	case c == '"':
		return scanString(b, i)
	case c == '{':
		return scanObjectAt(b, i, nil)
	case c == '[':
		return scanArrayAt(b, i, nil)
	case c == 't':
		return literal(b, i, "true")
	case c == 'f':
		return literal(b, i, "false")
	case c == 'n':
		return literal(b, i, "null")
	case c == '-' || c >= '0' && c <= '9':
		return scanNumber(b, i)
	}
	return 0, false
}

func literal(b []byte, i int, lit string) (int, bool) {
	if len(b)-i >= len(lit) && string(b[i:i+len(lit)]) == lit {
		return i + len(lit), true
	}
	return 0, false
}

// scanString returns the end (after the closing quote) of the string that
// starts at b[i]: no raw control characters, only JSON's escapes.
func scanString(b []byte, i int) (int, bool) {
	if i >= len(b) || b[i] != '"' {
		return 0, false
	}
	for i++; i < len(b); i++ {
		switch c := b[i]; {
		case c == '"':
			return i + 1, true
		case c < 0x20:
			return 0, false
		case c == '\\':
			i++
			if i >= len(b) {
				return 0, false
			}
			switch b[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if len(b)-i <= 4 {
					return 0, false
				}
				for _, h := range b[i+1 : i+5] {
					if !unicode.Is(unicode.ASCII_Hex_Digit, rune(h)) {
						return 0, false
					}
				}
				i += 4
			default:
				return 0, false
			}
		}
	}
	return 0, false
}

// scanNumber follows JSON's number grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
func scanNumber(b []byte, i int) (int, bool) {
	if b[i] == '-' {
		i++
	}
	digits := func() bool {
		start := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		return i > start
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case !digits():
		return 0, false
	}
	if i < len(b) && b[i] == '.' {
		i++
		if !digits() {
			return 0, false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if !digits() {
			return 0, false
		}
	}
	return i, true
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && isJSONSpace(b[i]) {
		i++
	}
	return i
}

// scanEnvelope fills env from line the way decodeEnvelope would (member
// names matched as encoding/json matches them, the last of a repeated name
// wins), or reports false, also for a name that is not an envelope field:
// decodeEnvelope words that error.
func scanEnvelope(line []byte, env *envelopeJSON) bool {
	return scanObject(line, func(name, raw []byte) bool {
		i := fieldIndex(envelopeFields[:], name)
		if i >= 0 {
			env[i] = raw
		}
		return i >= 0
	})
}

// scanHeaders reads the headers array as decodeHeaders would, or reports
// false (also for null or non-object items and unknown names, whose errors
// the slow path words).
func scanHeaders(raw []byte, items *[]headerJSON) bool {
	return scanArray(raw, func(item []byte) bool {
		var h headerJSON
		if !scanObject(item, func(name, raw []byte) bool {
			i := fieldIndex(headerFields[:], name)
			if i >= 0 {
				h[i] = raw
			}
			return i >= 0
		}) {
			return false
		}
		*items = append(*items, h)
		return true
	})
}

// The slow path: encoding/json's decoder walks what the scanner did not
// take (escaped member names, invalid JSON, errors), member by member in
// order, and words the error.

// decodeEnvelope fills env from line, or says what is wrong with it.
func decodeEnvelope(line []byte, env *envelopeJSON) error {
	return decodeObject(line, func(name string, raw json.RawMessage) error {
		i := fieldIndex(envelopeFields[:], []byte(name))
		if i < 0 {
			return unknownField(envelopeFields[:], "", name)
		}
		env[i] = raw
		return nil
	})
}

// decodeHeaders reads the headers array, naming the item that is wrong.
func decodeHeaders(raw []byte) ([]headerJSON, error) {
	var elems []json.RawMessage
	if err := json.Unmarshal(raw, &elems); err != nil {
		return nil, &fieldError{"headers", err}
	}
	items := make([]headerJSON, len(elems))
	for i, elem := range elems {
		where := fmt.Sprintf("headers[%d]", i)
		switch k := jsonKind(elem); k {
		case "null":
			continue // a header without a key: ParseEnvelope says so
		case "object":
		default:
			return nil, fieldErrorf(where, `want an object {"key":..,"value":..}, got %s`, k)
		}
		h := &items[i]
		err := decodeObject(elem, func(name string, raw json.RawMessage) error {
			i := fieldIndex(headerFields[:], []byte(name))
			if i < 0 {
				return unknownField(headerFields[:], where, name)
			}
			h[i] = raw
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return items, nil
}

// decodeObject calls member for each name and raw value of the JSON object
// that is the whole of b, in order.
func decodeObject(b []byte, member func(name string, raw json.RawMessage) error) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return invalidJSON(b, err)
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return invalidJSON(b, err)
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return invalidJSON(b, err)
		}
		if err := member(tok.(string), raw); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return invalidJSON(b, err)
	}
	if rest := b[dec.InputOffset():]; len(bytes.TrimLeft(rest, " \t\r\n")) > 0 {
		return invalidJSON(b, fmt.Errorf("unexpected %q after the object", bytes.TrimSpace(rest)))
	}
	return nil
}

// invalidJSON words a syntax error as encoding/json's Unmarshal would.
func invalidJSON(b []byte, err error) error {
	if uerr := json.Unmarshal(b, new(json.RawMessage)); uerr != nil {
		err = uerr
	}
	if err == nil {
		err = errors.New("want an object")
	}
	return fmt.Errorf("invalid JSON: %w", err)
}
