package admin

// What a reassignment plan shows and what --verify exits with, shared by
// every form of topic reassign.

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/output"
)

// Verdict is --verify's exit code: 0 all complete, 3 still moving, 1 some
// neither at their target nor moving.
func (plan *ReassignPlan) Verdict() error {
	switch {
	case plan.Count(NotStarted) > 0:
		return fmt.Errorf("%s neither on the target replicas nor moving: the plan was not executed, or the replicas changed since", partitionsAre(plan, NotStarted))
	case plan.Count(InProgress) > 0:
		return exitcode.WithCode(exitcode.CheckFailed, fmt.Errorf("%s still moving", partitionsAre(plan, InProgress)))
	}
	return nil
}

// Grids are the plan's tables: the partitions, the moves between log dirs
// and the throttle.
func (plan *ReassignPlan) Grids(wide bool) []*output.Grid {
	g := output.NewGrid("TOPIC", "PARTITION", "CURRENT-REPLICAS", "TARGET-REPLICAS", "STATE")
	if wide {
		g.Header = append(g.Header, "ADDING", "REMOVING")
	}
	for _, r := range plan.Partitions {
		state := r.State
		if !plan.Executed && r.State == NotStarted {
			state = "would move"
		}
		row := []string{r.Topic, strconv.Itoa(int(r.Partition)), output.Int32s(r.Current), output.Int32s(r.Target), state}
		if wide {
			row = append(row, orNone(r.Adding), orNone(r.Removing))
		}
		g.Row(row...)
	}
	return append(append([]*output.Grid{g}, logDirGrid(plan)...), throttleGrid(plan.Throttle)...)
}

func orNone(ids []int32) string {
	if len(ids) == 0 {
		return "-"
	}
	return strings.Trim(output.Int32s(ids), " ")
}

// partitionsAre counts what of the plan is in the state: "1 partition
// is", "2 partitions and 1 replica (between log dirs) are".
func partitionsAre(plan *ReassignPlan, state string) string {
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
func logDirGrid(plan *ReassignPlan) []*output.Grid {
	if len(plan.LogDirMoves) == 0 {
		return nil
	}
	g := output.NewGrid("TOPIC", "PARTITION", "BROKER", "CURRENT-LOG-DIR", "TARGET-LOG-DIR", "STATE")
	for _, m := range plan.LogDirMoves {
		state, cur := m.State, m.CurrentDir
		if !plan.Executed && m.State == NotStarted {
			state = "would move"
		}
		if cur == "" {
			cur = "-"
		}
		g.Row(m.Topic, strconv.Itoa(int(m.Partition)), strconv.Itoa(int(m.Broker)), cur, m.TargetDir, state)
	}
	return []*output.Grid{g}
}

// MovesStarted says what --execute started: "moving 2 partitions",
// "moving 1 replica between log dirs", or both.
func (plan *ReassignPlan) MovesStarted() string {
	var parts []string
	if n := len(plan.Moves()); n > 0 {
		parts = append(parts, output.Count(int64(n), "partition"))
	}
	if n := len(plan.DirMoves()); n > 0 {
		parts = append(parts, output.Count(int64(n), "replica")+" between log dirs")
	}
	return "moving " + strings.Join(parts, " and ")
}

// Rate says each rate and where it is set: "976.6 KiB/s between
// brokers on brokers 1,2,3".
func (t *Throttle) Rate() string {
	var parts []string
	if t.RateBytesPerSecond > 0 {
		parts = append(parts, output.Bytes(t.RateBytesPerSecond)+"/s between brokers on "+brokersList(t.Brokers))
	}
	if t.LogDirsRateBytesPerSecond > 0 {
		parts = append(parts, output.Bytes(t.LogDirsRateBytesPerSecond)+"/s between log dirs on "+brokersList(t.LogDirsBrokers))
	}
	return strings.Join(parts, ", and ")
}

func brokersList(ids []int32) string {
	if len(ids) == 1 {
		return "broker " + strconv.Itoa(int(ids[0]))
	}
	return "brokers " + strings.Trim(output.Int32s(ids), " ")
}

func throttleGrid(t *Throttle) []*output.Grid {
	if t == nil {
		return nil
	}
	g := output.NewGrid("THROTTLE", "RATE", "BROKERS", "STATE")
	if t.RateBytesPerSecond > 0 {
		g.Row("between brokers", strconv.FormatInt(t.RateBytesPerSecond, 10)+" ("+output.Bytes(t.RateBytesPerSecond)+"/s)", strings.Trim(output.Int32s(t.Brokers), " "), t.State)
	}
	if t.LogDirsRateBytesPerSecond > 0 {
		g.Row("between log dirs", strconv.FormatInt(t.LogDirsRateBytesPerSecond, 10)+" ("+output.Bytes(t.LogDirsRateBytesPerSecond)+"/s)", strings.Trim(output.Int32s(t.LogDirsBrokers), " "), t.State)
	}
	if len(g.Rows) == 0 { // rates gone, throttled replicas left on topics
		g.Row("throttled replicas only", "-", "-", t.State)
	}
	return []*output.Grid{g}
}
