package group

import (
	"strings"
	"testing"

	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/kafka"
)

// group list keeps groups by name, state and type, in any case; a type
// Kafka does not have is a usage error.
func TestListFilter(t *testing.T) {
	if err := (&ListFilter{Types: []string{"queue"}}).Check(); !exitcode.IsUsage(err) || !strings.Contains(err.Error(), `--type "queue": use classic, consumer, share, streams`) {
		t.Errorf("--type queue: %v", err)
	}
	f := ListFilter{Match: func(id string) bool { return strings.HasPrefix(id, "billing") }, States: []string{"stable"}, Types: []string{"Share"}}
	if err := f.Check(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		g    kafka.GroupListing
		want bool
	}{
		{kafka.GroupListing{ID: "billing-1", State: "Stable", Type: "share"}, true},
		{kafka.GroupListing{ID: "orders", State: "Stable", Type: "share"}, false},
		{kafka.GroupListing{ID: "billing-2", State: "Empty", Type: "share"}, false},
		{kafka.GroupListing{ID: "billing-3", State: "Stable", Type: "classic"}, false},
	} {
		if got := f.Keep(c.g); got != c.want {
			t.Errorf("%+v: kept %v, want %v", c.g, got, c.want)
		}
	}
	if !(&ListFilter{}).Keep(kafka.GroupListing{ID: "x"}) {
		t.Error("an empty filter left a group out")
	}
	if g := ListGrid(nil); g.Empty != "No groups found." {
		t.Errorf("empty table says %q", g.Empty)
	}
}
