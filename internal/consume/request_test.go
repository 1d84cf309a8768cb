package consume

import (
	"strings"
	"testing"
	"time"

	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/output"
	"github.com/streamctl/streamctl/internal/record"
	"github.com/streamctl/streamctl/internal/selection"
)

func request(change func(*Request)) *Request {
	r := &Request{Topics: []string{"t"}, Offset: "start", Isolation: "read_committed"}
	if change != nil {
		change(r)
	}
	return r
}

// What consume refuses before it connects is a usage error naming the
// flag.
func TestRequestCheckRefusesBadValues(t *testing.T) {
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		change func(*Request)
		want   string
	}{
		{func(r *Request) { r.Offset = "garbage" }, `invalid --offset: position "garbage"`},
		{func(r *Request) { r.Offset = "10:5" }, `invalid --offset: range "10:5" selects nothing`},
		{func(r *Request) { r.Isolation = "dirty" }, `--isolation "dirty": use read_committed or read_uncommitted`},
		{func(r *Request) { r.FromTime = "yesterday" }, `invalid time "yesterday"`},
		{func(r *Request) { r.ToTime = "soon" }, `invalid time "soon"`},
		{func(r *Request) { r.MaxMessages = -1 }, `--max-messages must not be negative`},
	} {
		err := request(c.change).Check(now)
		if err == nil || !strings.Contains(err.Error(), c.want) || !exitcode.IsUsage(err) {
			t.Errorf("want a usage error with %q, got %v", c.want, err)
		}
	}
}

// The options carry the range and the isolation; the pipeline adds the
// time window of --from-time/--to-time as a step and writes the form the
// output asks for.
func TestRequestPipeline(t *testing.T) {
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	r := request(func(r *Request) { r.Isolation, r.FromTime = "read_uncommitted", "2026-12-07T11:00:00Z" })
	if err := r.Check(now); err != nil {
		t.Fatal(err)
	}
	if o := r.Options(); o.ReadCommitted || o.Offset != "start" || len(o.Topics) != 1 {
		t.Errorf("options %+v", o)
	}
	steps, encode, err := r.Pipeline(output.Raw, selection.Spec{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(steps) != 1 {
		t.Fatalf("%d steps, want the time window alone", len(steps))
	}
	old := &record.Record{Value: []byte("v"), Timestamp: now.Add(-2 * time.Hour)}
	if keep, _ := steps[0](old); keep {
		t.Errorf("a record from before --from-time passed the window")
	}
	if got := string(encode(nil, old)); got != "v\n" {
		t.Errorf("-o raw wrote %q, want the value and a newline", got)
	}
	r.Template = "%k=%s\\n"
	if _, encode, err = r.Pipeline(output.Table, selection.Spec{}, nil); err != nil {
		t.Fatal(err)
	}
	if got := string(encode(nil, &record.Record{Key: []byte("k"), Value: []byte("v")})); got != "k=v\n" {
		t.Errorf("-f wrote %q", got)
	}
	r.Template = "%z"
	if _, _, err := r.Pipeline(output.Table, selection.Spec{}, nil); !exitcode.IsUsage(err) {
		t.Errorf("-f %%z: %v, want a usage error", err)
	}
}

// Only raw values with nothing filtering them leave headers unread: a
// header filter, --where, a template or any other output reads them.
func TestRequestHeadersUnused(t *testing.T) {
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name   string
		out    output.Format
		change func(*Request)
		spec   selection.Spec
		want   bool
	}{
		{"raw values", output.Raw, nil, selection.Spec{}, true},
		{"raw with a header filter", output.Raw, nil, selection.Spec{Headers: []string{"type=order"}}, false},
		{"raw with --where", output.Raw, nil, selection.Spec{Where: `.headers.type == "order"`}, false},
		{"raw with a template", output.Raw, func(r *Request) { r.Template = "%h %s\\n" }, selection.Spec{}, false},
		{"json", output.JSON, nil, selection.Spec{}, false},
		{"table", output.Table, nil, selection.Spec{}, false},
	} {
		r := request(c.change)
		if err := r.Check(now); err != nil {
			t.Fatal(err)
		}
		steps, _, err := r.Pipeline(c.out, c.spec, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := r.HeadersUnused(c.out, steps); got != c.want {
			t.Errorf("%s: headers unused %v, want %v", c.name, got, c.want)
		}
	}
}
