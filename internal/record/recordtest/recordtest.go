// Package recordtest helps tests compare records: the envelope and the text
// formats each check their round trips with the same comparison.
package recordtest

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"github.com/streamctl/streamctl/internal/record"
)

// Diff describes how got differs from want, "" when they are the same,
// telling null from empty and comparing times to the instant.
func Diff(got, want *record.Record) string {
	var d []string
	if got.Topic != want.Topic {
		d = append(d, fmt.Sprintf("topic %q, want %q", got.Topic, want.Topic))
	}
	if got.Partition != want.Partition {
		d = append(d, fmt.Sprintf("partition %d, want %d", got.Partition, want.Partition))
	}
	if got.Offset != want.Offset {
		d = append(d, fmt.Sprintf("offset %d, want %d", got.Offset, want.Offset))
	}
	if !got.Timestamp.Equal(want.Timestamp) {
		d = append(d, fmt.Sprintf("timestamp %v, want %v", got.Timestamp, want.Timestamp))
	}
	if got.TimestampType != want.TimestampType {
		d = append(d, fmt.Sprintf("timestamp type %q, want %q", got.TimestampType, want.TimestampType))
	}
	if !SameBytes(got.Key, want.Key) {
		d = append(d, fmt.Sprintf("key %s, want %s", ShowBytes(got.Key), ShowBytes(want.Key)))
	}
	if !SameBytes(got.Value, want.Value) {
		d = append(d, fmt.Sprintf("value %s, want %s", ShowBytes(got.Value), ShowBytes(want.Value)))
	}
	if len(got.Headers) != len(want.Headers) {
		d = append(d, fmt.Sprintf("%d headers, want %d", len(got.Headers), len(want.Headers)))
	} else {
		for i := range got.Headers {
			g, w := got.Headers[i], want.Headers[i]
			if g.Key != w.Key || !SameBytes(g.Value, w.Value) {
				d = append(d, fmt.Sprintf("header %d: %q=%s, want %q=%s", i, g.Key, ShowBytes(g.Value), w.Key, ShowBytes(w.Value)))
			}
		}
	}
	return strings.Join(d, "; ")
}

// SameBytes reports whether a and b are equal, null differing from empty.
func SameBytes(a, b []byte) bool { return (a == nil) == (b == nil) && bytes.Equal(a, b) }

// ShowBytes prints a key, value or header value for a test message: null,
// or the quoted bytes.
func ShowBytes(b []byte) string {
	if b == nil {
		return "null"
	}
	return fmt.Sprintf("%q", b)
}

// Typical is a typical record for benchmarks: a short key, a 100-byte JSON
// value and two headers.
func Typical() record.Record {
	value := bytes.Repeat([]byte(`{"orderId":17,"status":"PAID"}`), 4)[:100]
	return record.Record{
		Topic: "order-events", Partition: 1, Offset: 4242424,
		Timestamp: time.Date(2026, 11, 26, 15, 4, 5, 123_456_789, time.UTC), TimestampType: "CreateTime",
		Key: []byte("order-17"), Value: value,
		Headers: []record.Header{{Key: "source", Value: []byte("web")}, {Key: "trace-id", Value: []byte("4bf92f3577b34da6a3ce929d0e0e4736")}},
	}
}
