package trace

import (
	"regexp"
	"time"

	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/pipeline"
	"github.com/streamctl/streamctl/internal/selection"
)

// Request is a trace as asked for (`streamctl trace`'s flags): what to
// find (Select: a key, headers, --where), where (--topics, a regular
// expression) and when (--since, or --from/--to).
type Request struct {
	Select     selection.Spec
	Topics     string
	Since      string
	From, To   string
	Group      string
	TypeField  string
	Follow     bool
	Decode     bool
	MaxRecords int
}

// Options checks the request, as of now, and builds the trace's options;
// what does not go together is a usage error. --where compiles here,
// before any connection.
func (r *Request) Options(now time.Time) (Options, error) {
	if !r.Select.Any() {
		return Options{}, exitcode.UsageError("say what to trace: a KEY, --header k=v or --where EXPR")
	}
	if r.Since != "" && r.From != "" {
		return Options{}, exitcode.UsageError("--since and --from both set the window's start: give one")
	}
	if r.Since != "" && r.To != "" {
		return Options{}, exitcode.UsageError("--since runs to now: use --from with --to for a window in the past")
	}
	if r.MaxRecords < 0 {
		return Options{}, exitcode.UsageError("--max-records must not be negative")
	}
	if r.Follow && r.To != "" {
		return Options{}, exitcode.UsageError("--follow reads on past the end: leave out --to")
	}
	rng, err := Window(r.Since, r.From, r.To, now)
	if err != nil {
		return Options{}, err
	}
	sel, err := selection.New(r.Select)
	if err != nil {
		return Options{}, err
	}
	// The selection's steps keep no state: the trace's readers share them.
	filters := func() ([]pipeline.Step, pipeline.Step, error) { return sel.Match(), sel.WhereStep(), nil }
	o := Options{Range: rng, Filters: filters, Group: r.Group, TypeField: r.TypeField,
		Decode: r.Decode, MaxRecords: r.MaxRecords, Follow: r.Follow}
	if r.Topics != "" {
		if o.Topics, err = regexp.Compile(r.Topics); err != nil {
			return Options{}, exitcode.UsageError("--topics %q is not a valid regular expression: %v", r.Topics, err)
		}
	}
	o.Query = Query{Headers: r.Select.Headers, Where: r.Select.Where}
	if r.Select.KeySet {
		key := string(r.Select.Key)
		o.Query.Key = &key
	}
	return o, nil
}
