package cmdutil

import (
	"strings"
	"testing"
)

var topicNames = []string{
	"order-events", "order-events-dlt", "order-sink-dlq", "customer-state",
	"orders.v1", "legacy-orders", "__consumer_offsets",
}

func TestNamePattern(t *testing.T) {
	tests := []struct {
		pattern string
		want    []string
	}{
		{"", topicNames},
		// Globs match the whole name.
		{"order-*", []string{"order-events", "order-events-dlt", "order-sink-dlq"}},
		{"order-events", []string{"order-events"}},
		{"order", nil},
		{"*-dl?", []string{"order-events-dlt", "order-sink-dlq"}},
		{"order-events-dl[qt]", []string{"order-events-dlt"}},
		{"__*", []string{"__consumer_offsets"}},
		{"*state", []string{"customer-state"}},
		// Regular expressions match anywhere unless anchored.
		{"^order", []string{"order-events", "order-events-dlt", "order-sink-dlq", "orders.v1"}},
		{"state$", []string{"customer-state"}},
		{"dlt|dlq", []string{"order-events-dlt", "order-sink-dlq"}},
		{`^orders?\.`, []string{"orders.v1"}},
		{"^order-events(-dlt)?$", []string{"order-events", "order-events-dlt"}},
		{"c.*state", []string{"customer-state"}},
		{"[0-9]+$", []string{"orders.v1"}},
	}
	for _, tt := range tests {
		t.Run(tt.pattern, func(t *testing.T) {
			match, err := NamePattern(tt.pattern)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, n := range topicNames {
				if match(n) {
					got = append(got, n)
				}
			}
			if strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Errorf("pattern %q matched %q, want %q", tt.pattern, got, tt.want)
			}
		})
	}
}

func TestNamePatternErrors(t *testing.T) {
	tests := []struct{ pattern, want string }{
		{"(order", "regular expression"},
		{"^order[", "regular expression"},
		{"order-[", "glob"},
	}
	for _, tt := range tests {
		_, err := NamePattern(tt.pattern)
		if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), tt.pattern) {
			t.Errorf("NamePattern(%q) error = %v, want a %s error naming the pattern", tt.pattern, err, tt.want)
		}
	}
}

func TestWithPrefix(t *testing.T) {
	got := withPrefix([]string{"order-events", "order-sink-dlq", "customer-state"}, "order", []string{"order-events"})
	if strings.Join(got, " ") != "order-sink-dlq" {
		t.Errorf("withPrefix = %q: want candidates with the prefix, minus those already given", got)
	}
}
