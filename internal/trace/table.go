package trace

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/streamctl/streamctl/internal/format"
)

// Header is the table's columns; wide adds the key and the value.
func Header(wide bool) []string {
	h := []string{"#", "TIME", "TOPIC", "PARTITION", "OFFSET", "EVENT", "HOP", "ERROR", "GROUPS"}
	if wide {
		h = append(h, "KEY", "VALUE")
	}
	return h
}

// Row is an entry as a table row for people.
func Row(e *Entry, wide bool) []string {
	r := []string{strconv.Itoa(e.ID), e.ts.Local().Format(time.DateTime + ".000"), e.Record.Topic,
		strconv.Itoa(int(e.Record.Partition)), strconv.FormatInt(e.Record.Offset, 10),
		orDash(e.EventType), hopCell(e), orDash(errorCell(e)), orDash(groupsCell(e.Groups))}
	if wide {
		key := "<null>"
		if e.Record.Key != nil {
			key = *e.Record.Key
		}
		r = append(r, key, e.summary)
	}
	return r
}

// Grids is the timeline as one table.
func (r *Result) Grids(wide bool) []*format.Grid {
	g := format.NewGrid(Header(wide)...)
	for i := range r.Timeline {
		g.Row(Row(&r.Timeline[i], wide)...)
	}
	return []*format.Grid{g}
}

// Summary is one line on what the trace found, for stderr.
func (r *Result) Summary() string {
	topics := map[string]bool{}
	for _, e := range r.Timeline {
		topics[e.Record.Topic] = true
	}
	read := fmt.Sprintf("read %s of %s in %s, %s", format.Count(r.Scanned.Records, "record"),
		format.Count(int64(r.Scanned.Partitions), "partition"), format.Count(int64(len(r.Scanned.Topics)), "topic"), r.span)
	if len(r.Timeline) == 0 {
		return "no record matches; " + read
	}
	msg := fmt.Sprintf("%s in %s, %s; %s", format.Count(int64(len(r.Timeline)), "record"), format.Count(int64(len(topics)), "topic"),
		format.Count(int64(len(r.Chains)), "chain"), read)
	if r.Truncated {
		msg += "; stopped at --max-records: narrow the filters or the window, or raise it"
	}
	return msg
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
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
	return class + ": " + strings.ReplaceAll(m.ExceptionMessage, "\n", " ")
}

// groupsCell is "notification-group consumed, analytics-group not yet
// (21m4s behind)".
func groupsCell(hs []Handling) string {
	parts := make([]string, 0, len(hs))
	for _, h := range hs {
		s := h.Group + " consumed"
		if h.Status != "consumed" {
			s = h.Group + " not yet"
			if h.TimeLagSeconds != nil {
				s += " (" + format.Millis(int64(*h.TimeLagSeconds)*1000) + " behind)"
			}
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ", ")
}
