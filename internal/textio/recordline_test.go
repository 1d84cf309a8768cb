package textio_test

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/streamctl/streamctl/internal/record"
	"github.com/streamctl/streamctl/internal/textio"
)

// consume's table on a terminal: every line, header included, has its
// columns at the same places and ends at the terminal's edge; a long key
// and value are cut with an ellipsis, tabs and newlines escaped.
func TestRecordTableAlignsAndCuts(t *testing.T) {
	ts := time.Date(2026, 11, 26, 15, 4, 5, 0, time.Local)
	tab := textio.NewRecordTable([]string{"order-events", "customer-state"}, 2, 1234, 100)
	out := tab.Header()
	for _, r := range []record.Record{
		{Topic: "customer-state", Partition: 0, Offset: 7, Timestamp: ts, Key: []byte("customer-1"), Value: []byte(`{"a":1}`)},
		{Topic: "order-events", Partition: 2, Offset: 1234, Timestamp: ts, Key: []byte(strings.Repeat("k", 30)), Value: []byte(strings.Repeat("é", 200))},
		{Topic: "order-events", Partition: 1, Offset: 12, Timestamp: ts, Key: nil, Value: []byte("two\tcolumns\nand lines")},
	} {
		out = string(tab.Append([]byte(out), &r))
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 4 {
		t.Fatalf("%d lines:\n%s", len(lines), out)
	}
	valueAt := strings.Index(lines[0], "VALUE")
	for _, l := range lines {
		if n := utf8.RuneCountInString(l); n > 100 {
			t.Errorf("line of %d runes, wider than the terminal: %q", n, l)
		}
		if r := []rune(l); len(r) <= valueAt || r[valueAt-1] != ' ' || r[valueAt] == ' ' {
			t.Errorf("the value does not start at column %d: %q", valueAt, l)
		}
	}
	for _, want := range []string{
		"customer-state           0        7   2026-11-26 15:04:05.000   customer-1             {\"a\":1}",
		"order-events             2     1234   2026-11-26 15:04:05.000   kkkkkkkkkkkkkkkkkkk…   ééé",
		"<null>                 two\\tcolumns…",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	if !strings.HasSuffix(lines[2], "é…") || utf8.RuneCountInString(lines[2]) != 100 {
		t.Errorf("the long value is not cut at the edge: %q", lines[2])
	}
}
