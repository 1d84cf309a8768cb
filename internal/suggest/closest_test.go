package suggest

import (
	"reflect"
	"testing"
)

func TestClosestRules(t *testing.T) {
	names := []string{"order-events", "Order-Archive", "payments", "pay", "customer-state", "orders"}
	tests := []struct {
		name string
		max  int
		want []string
	}{
		// An exact name is the nearest of all.
		{"orders", 3, []string{"orders", "order-events", "Order-Archive"}},
		// Case does not matter, but suggestions keep their own case.
		{"ORDER-ARCHIVE", 3, []string{"Order-Archive", "order-events", "orders"}},
		// max caps the list.
		{"orders", 1, []string{"orders"}},
		// Short names do not match by containment ("pa" is in "payments").
		{"pa", 3, []string{"pay"}},
		// A shared prefix of four or more characters is a hint.
		{"custom", 3, []string{"customer-state"}},
		{"xyzzy", 3, nil},
	}
	for _, tt := range tests {
		if got := Closest(tt.name, names, tt.max); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Closest(%q, %d) = %q, want %q", tt.name, tt.max, got, tt.want)
		}
	}
	if got := Closest("orders", nil, 3); got != nil {
		t.Errorf("no candidates, got %q", got)
	}
}

func TestHintEmpty(t *testing.T) {
	if got := Hint(nil); got != "" {
		t.Errorf("Hint(nil) = %q, want empty", got)
	}
	if got := Hint([]string{"order-events"}); got != `did you mean "order-events"?` {
		t.Errorf("Hint = %q", got)
	}
}

func TestDistance(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"abc", "", 3}, {"", "abc", 3}, {"kitten", "sitting", 3}, {"paymnets", "payments", 2}, {"ordér", "order", 1},
	} {
		if got := distance(tt.a, tt.b); got != tt.want {
			t.Errorf("distance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}
