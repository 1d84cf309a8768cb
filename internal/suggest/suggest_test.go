package suggest

import (
	"reflect"
	"testing"
)

func TestClosest(t *testing.T) {
	topics := []string{"order-events", "customer-state", "order-events-dlt", "payments"}
	tests := []struct {
		name string
		want []string
	}{
		{"orders", []string{"order-events", "order-events-dlt"}},
		{"order-event", []string{"order-events", "order-events-dlt"}},
		{"paymnets", []string{"payments"}},
		{"zzz", nil},
	}
	for _, tt := range tests {
		if got := Closest(tt.name, topics, 3); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Closest(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
	if got := Hint([]string{"a", "b"}); got != `did you mean "a" or "b"?` {
		t.Errorf("Hint = %q", got)
	}
}

func TestAmong(t *testing.T) {
	for _, c := range []struct {
		existing []string
		want     string
	}{
		{nil, "(0 groups exist)"},
		{[]string{"payments"}, "(1 group exists)"},
		{[]string{"orders-v2", "payments"}, `(2 groups exist; did you mean "orders-v2"?)`},
	} {
		if got := Among("orders", c.existing, "group", "groups"); got != c.want {
			t.Errorf("Among(%q) = %s, want %s", c.existing, got, c.want)
		}
	}
}
