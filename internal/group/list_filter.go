package group

import (
	"slices"
	"strconv"
	"strings"

	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/output"
)

// ListFilter is what `group list` keeps: names match says yes to (nil:
// all), and groups in one of States and of one of Types (any case; none
// given: all).
type ListFilter struct {
	Match         func(string) bool
	States, Types []string
}

// Check refuses a group type Kafka does not have.
func (f *ListFilter) Check() error {
	for _, t := range f.Types {
		if !slices.Contains(kafka.GroupTypes, strings.ToLower(t)) {
			return exitcode.UsageError("--type %q: use %s", t, strings.Join(kafka.GroupTypes, ", "))
		}
	}
	return nil
}

// Keep reports whether the filter keeps a listed group.
func (f *ListFilter) Keep(g kafka.GroupListing) bool {
	return (f.Match == nil || f.Match(g.ID)) && matchesAny(f.States, g.State) && matchesAny(f.Types, g.Type)
}

// matchesAny reports whether v is one of want (any case), or want is empty.
func matchesAny(want []string, v string) bool {
	return len(want) == 0 || slices.ContainsFunc(want, func(s string) bool { return strings.EqualFold(s, v) })
}

// ListGrid is `group list`'s table.
func ListGrid(groups []Summary) *output.Grid {
	g := output.NewGrid("GROUP", "TYPE", "PROTOCOL", "STATE", "ASSIGNOR", "MEMBERS", "TOPICS", "LAG")
	g.Empty = "No groups found."
	for _, s := range groups {
		g.Row(s.Group, s.Type, output.OrDash(s.Protocol), s.State, output.OrDash(s.Assignor), strconv.Itoa(s.Members), output.OrDash(strings.Join(s.Topics, ",")), output.Int(s.TotalLag))
	}
	return g
}
