package reset

import (
	"strconv"

	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/output"
)

// Grid is a reset plan as a table: per partition the committed offset, the
// new one, and what the move does.
func (p *Plan) Grid() *output.Grid {
	g := output.NewGrid("TOPIC", "PARTITION", "CURRENT-OFFSET", "NEW-OFFSET", "DELTA", "EFFECT")
	if p.Type == kafka.GroupShare {
		// Where its delivery starts, as group describe names it.
		g.Header[2], g.Header[3] = "START-OFFSET", "NEW-START-OFFSET"
	}
	for _, r := range p.Rows {
		cur := "-"
		if r.Current != nil {
			cur = output.Int(*r.Current)
		}
		g.Row(r.Topic, strconv.Itoa(int(r.Partition)), cur, output.Int(r.New), signed(r.Delta), effect(r))
	}
	return g
}

func signed(n int64) string {
	if n > 0 {
		return "+" + output.Int(n)
	}
	return output.Int(n)
}

// effect says what the move does to the group's reading; without a commit
// the delta is counted from the log end, so the group reads (not re-reads)
// what lies between.
func effect(r Row) string {
	switch delta := r.Delta; {
	case delta < 0 && r.Current == nil:
		return "reads " + output.Count(-delta, "record")
	case delta < 0:
		return "re-reads " + output.Count(-delta, "record")
	case delta > 0:
		return "skips " + output.Count(delta, "record")
	}
	return "unchanged"
}
