package trace

import (
	"strings"
	"testing"
	"time"

	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/selection"
)

// What trace refuses before it connects is a usage error that says what
// to give instead.
func TestRequestOptionsRefusesWhatDoesNotGoTogether(t *testing.T) {
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	key := selection.Spec{Key: []byte("order-1"), KeySet: true}
	for _, c := range []struct {
		r    Request
		want string
	}{
		{Request{}, "say what to trace: a KEY, --header k=v or --where EXPR"},
		{Request{Select: key, Since: "1h", From: "start"}, "--since and --from both set the window's start: give one"},
		{Request{Select: key, Since: "1h", To: "end"}, "--since runs to now"},
		{Request{Select: key, MaxRecords: -1}, "--max-records must not be negative"},
		{Request{Select: key, Follow: true, To: "end"}, "--follow reads on past the end: leave out --to"},
		{Request{Select: key, Since: "yesterday"}, `invalid --since "yesterday"`},
		{Request{Select: key, Topics: "[a-"}, `--topics "[a-" is not a valid regular expression`},
		{Request{Select: selection.Spec{Where: ".["}}, `jq expression ".["`},
	} {
		_, err := c.r.Options(now)
		if err == nil || !strings.Contains(err.Error(), c.want) || !exitcode.IsUsage(err) {
			t.Errorf("%+v: want a usage error with %q, got %v", c.r, c.want, err)
		}
	}
}

// The query echoed in the result names the key only when one was given:
// --key "" asks for the empty key, which is not the same as no key.
func TestRequestOptionsEchoesTheQuery(t *testing.T) {
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	o, err := (&Request{Select: selection.Spec{KeySet: true}, Topics: "^orders"}).Options(now)
	if err != nil {
		t.Fatal(err)
	}
	if o.Query.Key == nil || *o.Query.Key != "" || !o.Topics.MatchString("orders-dl") || o.Topics.MatchString("x-orders") {
		t.Errorf("query %+v, topics %v", o.Query, o.Topics)
	}
	if !o.Range.From.Time.Equal(now.Add(-24 * time.Hour)) {
		t.Errorf("the default window starts at %+v, want 24h ago", o.Range.From)
	}
	o, err = (&Request{Select: selection.Spec{Headers: []string{"traceparent=x"}}}).Options(now)
	if err != nil || o.Query.Key != nil || len(o.Query.Headers) != 1 {
		t.Errorf("a header trace: query %+v, err %v", o.Query, err)
	}
}
