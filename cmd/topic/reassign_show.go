package topic

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/admin"
	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/output"
)

// verdict is --verify's exit code: 0 all complete, 3 still moving, 1 some
// neither at their target nor moving.
func verdict(plan *admin.ReassignPlan) error {
	switch {
	case plan.Count(admin.NotStarted) > 0:
		return fmt.Errorf("%s neither on the target replicas nor moving: the plan was not executed, or the replicas changed since", partitionsAre(plan, admin.NotStarted))
	case plan.Count(admin.InProgress) > 0:
		return exitcode.WithCode(exitcode.CheckFailed, fmt.Errorf("%s still moving", partitionsAre(plan, admin.InProgress)))
	}
	return nil
}

func printReassign(f *cmdutil.Factory, plan *admin.ReassignPlan) error {
	return output.Print(f.IO, f.Output(), plan, func(wide bool) []*output.Grid {
		g := output.NewGrid("TOPIC", "PARTITION", "CURRENT-REPLICAS", "TARGET-REPLICAS", "STATE")
		if wide {
			g.Header = append(g.Header, "ADDING", "REMOVING")
		}
		for _, r := range plan.Partitions {
			state := r.State
			if !plan.Executed && r.State == admin.NotStarted {
				state = "would move"
			}
			row := []string{r.Topic, strconv.Itoa(int(r.Partition)), output.Int32s(r.Current), output.Int32s(r.Target), state}
			if wide {
				row = append(row, orNone(r.Adding), orNone(r.Removing))
			}
			g.Row(row...)
		}
		return append(append([]*output.Grid{g}, logDirGrid(plan)...), throttleGrid(plan.Throttle)...)
	})
}

func orNone(ids []int32) string {
	if len(ids) == 0 {
		return "-"
	}
	return strings.Trim(output.Int32s(ids), " ")
}

// partitionsAre counts what of the plan is in the state: "1 partition
// is", "2 partitions and 1 replica (between log dirs) are".
func partitionsAre(plan *admin.ReassignPlan, state string) string {
	var parts, dirs int
	for _, r := range plan.Partitions {
		if r.State == state {
			parts++
		}
	}
	for _, m := range plan.LogDirMoves {
		if m.State == state {
			dirs++
		}
	}
	var what []string
	if parts > 0 {
		what = append(what, output.Count(int64(parts), "partition"))
	}
	if dirs > 0 {
		what = append(what, output.Count(int64(dirs), "replica")+" (between log dirs)")
	}
	verb := " are"
	if parts+dirs == 1 {
		verb = " is"
	}
	return strings.Join(what, " and ") + verb
}

// logDirGrid lists the plan's moves between log dirs, none without.
func logDirGrid(plan *admin.ReassignPlan) []*output.Grid {
	if len(plan.LogDirMoves) == 0 {
		return nil
	}
	g := output.NewGrid("TOPIC", "PARTITION", "BROKER", "CURRENT-LOG-DIR", "TARGET-LOG-DIR", "STATE")
	for _, m := range plan.LogDirMoves {
		state, cur := m.State, m.CurrentDir
		if !plan.Executed && m.State == admin.NotStarted {
			state = "would move"
		}
		if cur == "" {
			cur = "-"
		}
		g.Row(m.Topic, strconv.Itoa(int(m.Partition)), strconv.Itoa(int(m.Broker)), cur, m.TargetDir, state)
	}
	return []*output.Grid{g}
}

// movesStarted says what --execute started: "moving 2 partitions",
// "moving 1 replica between log dirs", or both.
func movesStarted(plan *admin.ReassignPlan) string {
	var parts []string
	if n := len(plan.Moves()); n > 0 {
		parts = append(parts, output.Count(int64(n), "partition"))
	}
	if n := len(plan.DirMoves()); n > 0 {
		parts = append(parts, output.Count(int64(n), "replica")+" between log dirs")
	}
	return "moving " + strings.Join(parts, " and ")
}
