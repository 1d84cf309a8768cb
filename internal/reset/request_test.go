package reset

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/streamctl/streamctl/internal/exitcode"
)

// given says which flags were set on the command line.
func given(names ...string) func(string) bool {
	return func(n string) bool {
		for _, g := range names {
			if g == n {
				return true
			}
		}
		return false
	}
}

// A reset takes exactly one strategy and a scope; what is wrong is a usage
// error.
func TestRequestPlanRefusesWhatDoesNotGoTogether(t *testing.T) {
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		r       Request
		changed []string
		want    string
	}{
		{Request{AllTopics: true}, nil, "choose exactly one strategy (--to-earliest, --to-latest, --to-current, --to-offset, --shift-by, --to-datetime, --by-duration, --from-file, --to-group); got 0"},
		{Request{ToEarliest: true, ToLatest: true, AllTopics: true}, []string{"to-earliest", "to-latest"}, "got 2"},
		{Request{ToEarliest: true}, []string{"to-earliest"}, "choose the scope: --all-topics or --topic T[:P,...]"},
		{Request{ToEarliest: true, AllTopics: true, Topics: []string{"t"}}, []string{"to-earliest"}, "--all-topics and --topic exclude each other"},
		{Request{ToEarliest: true, Topics: []string{"orders:x"}}, []string{"to-earliest"}, "orders:x"},
		{Request{ToDatetime: "noon", AllTopics: true}, []string{"to-datetime"}, "noon"},
		{Request{ByDuration: "a week", AllTopics: true}, []string{"by-duration"}, "--by-duration: "},
	} {
		_, _, err := c.r.Plan(now, given(c.changed...))
		if err == nil || !strings.Contains(err.Error(), c.want) || !exitcode.IsUsage(err) {
			t.Errorf("%+v: want a usage error with %q, got %v", c.r, c.want, err)
		}
	}
}

// Each strategy resolves to its kind: --to-offset 0 is a choice, a
// duration is a time that long ago, a plan file and another group need
// no scope, and --topic t:0,2 names partitions.
func TestRequestPlanResolvesTheStrategy(t *testing.T) {
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	st, scope, err := (&Request{Topics: []string{"orders:0,2", "payments"}}).Plan(now, given("to-offset"))
	if err != nil || st.Kind != "offset" || st.N != 0 {
		t.Fatalf("--to-offset 0: %+v, %v", st, err)
	}
	if len(scope.Topics) != 2 || scope.Topics[0].Topic != "orders" || len(scope.Topics[0].Partitions) != 2 || scope.Topics[0].Partitions[1] != 2 || scope.Topics[1].Partitions != nil {
		t.Errorf("scope %+v", scope)
	}
	st, _, err = (&Request{ByDuration: "7d", AllTopics: true}).Plan(now, given("by-duration"))
	if err != nil || st.Kind != "datetime" || !st.Time.Equal(now.Add(-7*24*time.Hour)) {
		t.Errorf("--by-duration 7d: %+v, %v", st, err)
	}
	st, _, err = (&Request{ToGroup: "other"}).Plan(now, given("to-group"))
	if err != nil || st.Kind != "group" || st.Group != "other" {
		t.Errorf("--to-group: %+v, %v", st, err)
	}
	path := filepath.Join(t.TempDir(), "plan.csv")
	if err := os.WriteFile(path, []byte("orders,1,42\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	st, _, err = (&Request{Group: "g", FromFile: path}).Plan(now, given("from-file"))
	if err != nil || st.Kind != "file" || len(st.File) != 1 || st.File[0].Offset != 42 {
		t.Errorf("--from-file: %+v, %v", st, err)
	}
}
