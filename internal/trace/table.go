package trace

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/output"
)

// Header is the table's columns; wide adds the chain's number.
func Header(wide bool) []string {
	h := []string{"#", "TIME", "TOPIC", "PARTITION", "OFFSET", "KEY", "EVENT", "HOP", "ERROR", "GROUPS", "VALUE"}
	if wide {
		h = append(h, "CHAIN")
	}
	return h
}

// Row is an entry as a table row for people.
func Row(e *Entry, wide bool) []string {
	r := []string{strconv.Itoa(e.ID), e.ts.Local().Format(time.DateTime + ".000"), e.Record.Topic,
		strconv.Itoa(int(e.Record.Partition)), strconv.FormatInt(e.Record.Offset, 10), keyCell(e),
		output.OrDash(e.EventType), hopCell(e), output.OrDash(errorCell(e)), output.OrDash(groupsCell(e.Groups)), e.summary}
	if wide {
		r = append(r, output.OrDash(chainCell(e.Chain)))
	}
	return r
}

func keyCell(e *Entry) string {
	if e.Record.Key == nil {
		return "<null>"
	}
	return *e.Record.Key
}

func chainCell(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

// Grids is the timeline as one table.
func (r *Result) Grids(wide bool) []*output.Grid {
	g := output.NewGrid(Header(wide)...)
	for i := range r.Timeline {
		g.Row(Row(&r.Timeline[i], wide)...)
	}
	return []*output.Grid{g}
}

// Summary is one line on what the trace found, for stderr.
func (r *Result) Summary() string {
	topics := map[string]bool{}
	for _, e := range r.Timeline {
		topics[e.Record.Topic] = true
	}
	read := fmt.Sprintf("read %s of %s in %s, %s", output.Count(r.Scanned.Records, "record"),
		output.Count(int64(r.Scanned.Partitions), "partition"), output.Count(int64(len(r.Scanned.Topics)), "topic"), r.span)
	if len(r.Timeline) == 0 {
		return "no record matches; " + read
	}
	msg := fmt.Sprintf("%s in %s, %s; %s", output.Count(int64(len(r.Timeline)), "record"), output.Count(int64(len(topics)), "topic"),
		output.Count(int64(len(r.Chains)), "chain"), read)
	if r.Truncated {
		msg += "; stopped at --max-records: narrow the filters or the window, or raise it"
	}
	return msg
}

// hopCell is "retry 2 from #3": the hop, its attempt, and where from.
func hopCell(e *Entry) string {
	s := e.Hop
	switch {
	case e.Hop == "reprocess":
		s += " " + strconv.Itoa(e.ReprocessAttempt)
	case e.attempts > 0 && e.Hop == "retry":
		s += " " + strconv.Itoa(int(e.attempts))
	}
	if f := e.From; f != nil {
		if f.ID != nil {
			s += " from #" + strconv.Itoa(*f.ID)
		} else {
			s += " from " + f.Topic
			if f.Partition != nil && f.Offset != nil {
				s += fmt.Sprintf("[%d]@%d", *f.Partition, *f.Offset)
			}
		}
	}
	return s
}

// errorCell is the dead letter's exception: its class without the package,
// and its message.
func errorCell(e *Entry) string {
	m := e.DeadLetter
	if m == nil || m.ExceptionClass == "" && m.ExceptionMessage == "" {
		return ""
	}
	class := m.ExceptionClass[strings.LastIndex(m.ExceptionClass, ".")+1:]
	if m.RootCauseClass != "" && m.RootCauseClass != m.ExceptionClass {
		class += " (" + m.RootCauseClass[strings.LastIndex(m.RootCauseClass, ".")+1:] + ")"
	}
	if m.ExceptionMessage == "" {
		return class
	}
	return class + ": " + strings.Join(strings.Fields(m.ExceptionMessage), " ")
}

// groupsCell is "notification-group consumed, analytics-group not yet
// (21m4s behind)"; a share or streams group says so ("share group
// order-workers consumed").
func groupsCell(hs []Handling) string {
	parts := make([]string, 0, len(hs))
	for _, h := range hs {
		name := h.Group
		if h.Type == kafka.GroupShare || h.Type == kafka.GroupStreams {
			name = h.Type + " group " + name
		}
		s := name + " consumed"
		if h.Status != "consumed" {
			s = name + " not yet"
			if h.TimeLagSeconds != nil {
				s += " (" + output.Millis(int64(*h.TimeLagSeconds)*1000) + " behind)"
			}
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ", ")
}

// Timeline writes entries for people on a terminal: one line a record
// (number, time, topic[partition]@offset, key, event type, hop), and under
// it, indented, the value, the dead letter's error and the groups'
// progress, each cut at the terminal's edge.
type Timeline struct {
	w                  io.Writer
	width              int // of the terminal; 0: no cut
	bold               func(string) string
	recW, keyW, eventW int
	started            bool
}

// NewTimeline sizes the columns for entries (those known in advance; a
// longer one later pushes its line out of line). bold styles the header.
func NewTimeline(w io.Writer, width int, bold func(string) string, entries []Entry) *Timeline {
	t := &Timeline{w: w, width: width, bold: bold, recW: len("RECORD"), keyW: len("KEY"), eventW: len("EVENT")}
	for i := range entries {
		t.recW = max(t.recW, utf8.RuneCountInString(recordCell(&entries[i])))
		t.keyW = max(t.keyW, min(keyMax, utf8.RuneCountInString(keyCell(&entries[i]))))
		t.eventW = max(t.eventW, utf8.RuneCountInString(entries[i].EventType))
	}
	if len(entries) == 0 { // following: room for typical names
		t.recW, t.keyW, t.eventW = 28, 12, 14
	}
	return t
}

const timeW = len(time.DateTime + ".000")

// keyMax is the widest the key column grows; a longer key is cut.
const keyMax = 36

// Write writes one entry, after the header the first time.
func (t *Timeline) Write(e *Entry) error {
	var b strings.Builder
	if !t.started {
		t.started = true
		b.WriteString(t.bold(t.line("#", "TIME", "RECORD", "KEY", "EVENT", "HOP")) + "\n")
	}
	key := keyCell(e)
	if r := []rune(key); len(r) > keyMax {
		key = string(r[:keyMax-1]) + "…"
	}
	b.WriteString(t.line(strconv.Itoa(e.ID), e.ts.Local().Format(time.DateTime+".000"), recordCell(e), key, output.OrDash(e.EventType), hopCell(e)) + "\n")
	b.WriteString(t.cut("      value: "+e.summary) + "\n")
	if s := errorCell(e); s != "" {
		b.WriteString(t.cut("      error: "+s) + "\n")
	}
	if s := groupsCell(e.Groups); s != "" {
		b.WriteString(t.cut("      groups: "+s) + "\n")
	}
	_, err := io.WriteString(t.w, b.String())
	return err
}

func (t *Timeline) line(id, ts, rec, key, event, hop string) string {
	return t.cut(fmt.Sprintf("%4s  %-*s  %-*s  %-*s  %-*s  %s", id, timeW, ts, t.recW, rec, t.keyW, key, t.eventW, event, hop))
}

func (t *Timeline) cut(s string) string {
	if t.width <= 0 || utf8.RuneCountInString(s) <= t.width {
		return s
	}
	r := []rune(s)
	return string(r[:t.width-1]) + "…"
}

// recordCell is "topic[partition]@offset".
func recordCell(e *Entry) string {
	return fmt.Sprintf("%s[%d]@%d", e.Record.Topic, e.Record.Partition, e.Record.Offset)
}
