package reset

import (
	"fmt"
	"os"
	"time"

	"github.com/streamctl/streamctl/internal/admin"
	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/position"
)

// Request is a reset as asked for (`group reset`'s flags): one strategy
// and a scope.
type Request struct {
	Group      string
	ToEarliest bool
	ToLatest   bool
	ToCurrent  bool
	ToOffset   int64
	ShiftBy    int64
	ToDatetime string
	ByDuration string
	FromFile   string
	ToGroup    string
	AllTopics  bool
	Topics     []string // TOPIC or TOPIC:0,2
}

// strategyFlags are the flags of which a reset takes exactly one.
var strategyFlags = []string{"to-earliest", "to-latest", "to-current", "to-offset", "shift-by", "to-datetime", "by-duration", "from-file", "to-group"}

// Plan checks the request (changed says whether a flag was given; --to-offset
// 0 is a choice) and resolves its strategy, as of now, and its scope. A
// --from-file plan is read here; the rest are usage errors.
func (o *Request) Plan(now time.Time, changed func(flag string) bool) (Strategy, Scope, error) {
	var chosen []string
	for _, name := range strategyFlags {
		if changed(name) {
			chosen = append(chosen, "--"+name)
		}
	}
	if len(chosen) != 1 {
		return Strategy{}, Scope{}, exitcode.UsageError("choose exactly one strategy (--to-earliest, --to-latest, --to-current, --to-offset, --shift-by, --to-datetime, --by-duration, --from-file, --to-group); got %d", len(chosen))
	}
	st := Strategy{}
	switch {
	case o.ToEarliest:
		st.Kind = "earliest"
	case o.ToLatest:
		st.Kind = "latest"
	case o.ToCurrent:
		st.Kind = "current"
	case changed("to-offset"):
		st.Kind, st.N = "offset", o.ToOffset
	case changed("shift-by"):
		st.Kind, st.N = "shift", o.ShiftBy
	case o.ToDatetime != "":
		t, err := ParseDatetime(o.ToDatetime, now)
		if err != nil {
			return Strategy{}, Scope{}, exitcode.WithCode(exitcode.Usage, err)
		}
		st.Kind, st.Time = "datetime", t
	case o.ByDuration != "":
		d, err := position.ParseDuration(o.ByDuration)
		if err != nil {
			return Strategy{}, Scope{}, exitcode.WithCode(exitcode.Usage, fmt.Errorf("--by-duration: %w", err))
		}
		st.Kind, st.Time = "datetime", now.Add(-d)
	case o.FromFile != "":
		file, err := os.Open(o.FromFile)
		if err != nil {
			return Strategy{}, Scope{}, err
		}
		defer file.Close()
		if st.File, err = ReadPlan(file, o.Group); err != nil {
			return Strategy{}, Scope{}, fmt.Errorf("%s: %w", o.FromFile, err)
		}
		st.Kind = "file"
	case o.ToGroup != "":
		st.Kind, st.Group = "group", o.ToGroup
	}
	scope := Scope{AllTopics: o.AllTopics}
	for _, t := range o.Topics {
		ts, err := admin.ParseTopicScope("--topic", t)
		if err != nil {
			return Strategy{}, Scope{}, exitcode.WithCode(exitcode.Usage, err)
		}
		scope.Topics = append(scope.Topics, ts)
	}
	// A plan file and another group's commits name their partitions.
	if st.Kind != "file" && st.Kind != "group" && !o.AllTopics && len(o.Topics) == 0 {
		return Strategy{}, Scope{}, exitcode.UsageError("choose the scope: --all-topics or --topic T[:P,...]")
	}
	if o.AllTopics && len(o.Topics) > 0 {
		return Strategy{}, Scope{}, exitcode.UsageError("--all-topics and --topic exclude each other")
	}
	return st, scope, nil
}
