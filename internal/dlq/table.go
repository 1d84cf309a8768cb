package dlq

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/streamctl/streamctl/internal/output"
)

// How DLQ records and their counts show in tables and cards.

// shortClass drops the package of a Java class name: the simple name reads
// better in a table; wide and json keep the full name.
func shortClass(fqcn string) string {
	if i := strings.LastIndexByte(fqcn, '.'); i >= 0 && i < len(fqcn)-1 {
		return fqcn[i+1:]
	}
	return fqcn
}

// Original renders where a record came from: "topic[partition]@offset", as
// much of it as the headers say, or "-".
func (m *Metadata) Original() string {
	if m.OriginalTopic == "" {
		return "-"
	}
	s := m.OriginalTopic
	if m.OriginalPartition != nil {
		s += "[" + strconv.Itoa(int(*m.OriginalPartition)) + "]"
	}
	if m.OriginalOffset != nil {
		s += "@" + strconv.FormatInt(*m.OriginalOffset, 10)
	}
	return s
}

// Ago renders how long ago t was for people on a terminal, and RFC 3339
// for pipes.
func Ago(t time.Time, now time.Time, tty bool) string {
	if t.IsZero() {
		return "-"
	}
	if !tty {
		return t.UTC().Format(time.RFC3339Nano)
	}
	return Age(now.Sub(t)) + " ago"
}

// Age renders a duration as people say it: to the second under an hour
// ("35m12s"), to the minute under a day ("1h28m"), then to the hour.
func Age(d time.Duration) string {
	unit := time.Second
	switch {
	case d >= 24*time.Hour:
		unit = time.Hour
	case d >= time.Hour:
		unit = time.Minute
	}
	return output.Millis(max(0, d.Truncate(unit).Milliseconds()))
}

// nestedException finds "java.lang.IllegalStateException: " inside a
// message, as frameworks write wrapped exceptions.
var nestedException = regexp.MustCompile(`(?:[a-zA-Z_$][\w$]*\.)+[A-Z][\w$]*(?:Exception|Error): `)

// innermost keeps what follows the last nested exception class in a
// message ("Listener method threw exception: java.lang.IllegalStateException:
// customer 7 not found" reads "customer 7 not found"): in a table cell that
// is the part that says what went wrong. Wide and json output keep it whole.
func innermost(msg string) string {
	locs := nestedException.FindAllStringIndex(msg, -1)
	if len(locs) == 0 || locs[len(locs)-1][1] == len(msg) {
		return msg
	}
	return msg[locs[len(locs)-1][1]:]
}

// ErrorClass is the class a table shows for a failure: the root cause when
// the headers name one (the exception is often a framework's wrapper),
// else the exception, without its package.
func ErrorClass(exception, rootCause string) string {
	if rootCause != "" {
		return shortClass(rootCause)
	}
	return shortClass(exception)
}

// oneLine keeps the first line of a message, for table cells.
func oneLine(s string) string {
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		return s[:i] + " …"
	}
	return s
}

// InspectGrid is dlq inspect's table; wide shows every header, whole.
func InspectGrid(entries []Entry, wide, stacktrace bool) *output.Grid {
	g := output.NewGrid("PARTITION", "OFFSET", "IN-DLQ", "ORIGINAL", "ERROR", "MESSAGE", "KEY")
	if wide {
		g.Header = []string{"PARTITION", "OFFSET", "IN-DLQ", "ORIGINAL", "EXCEPTION", "MESSAGE", "KEY",
			"ROOT-CAUSE", "CONVENTION", "STAGE", "CONNECTOR", "ORIGINAL-TIME", "GROUP", "ATTEMPTS", "REPROCESSED"}
	}
	if stacktrace {
		g.Header = append(g.Header, "STACKTRACE")
	}
	g.Empty = "No records."
	for _, e := range entries {
		m := &e.DLQ
		exc, msg := output.OrDash(ErrorClass(m.ExceptionClass, m.RootCauseClass)), innermost(m.ExceptionMessage)
		if wide {
			exc, msg = output.OrDash(m.ExceptionClass), m.ExceptionMessage
		}
		if m.FailedPart == "key" {
			exc += " (key)"
		}
		attempts := "-"
		if m.Attempts != nil {
			attempts = strconv.Itoa(int(*m.Attempts))
		}
		key := "null"
		if e.Record.Key != nil {
			key = *e.Record.Key
		}
		row := []string{strconv.Itoa(int(e.Record.Partition)), output.Int(e.Record.Offset), Age(time.Duration(e.InDLQSeconds * float64(time.Second))),
			m.Original(), exc, output.OrDash(oneLine(msg)), key}
		if wide {
			stage := m.Stage
			if m.Task != nil {
				stage += " (task " + strconv.Itoa(int(*m.Task)) + ")"
			}
			origTime := "-"
			if m.OriginalTimestamp != nil {
				origTime = m.OriginalTimestamp.Format(time.RFC3339Nano)
			}
			row = append(row, output.OrDash(m.RootCauseClass), m.Convention, output.OrDash(stage), output.OrDash(m.Connector), origTime, output.OrDash(m.ConsumerGroup), attempts, strconv.Itoa(m.ReprocessAttempts))
		}
		if stacktrace {
			row = append(row, strings.ReplaceAll(strings.TrimSpace(m.Stacktrace), "\n", "\\n"))
		}
		g.Row(row...)
	}
	return g
}

// WriteCards shows each record as a block, for reading stack traces on a
// terminal.
func WriteCards(io *output.IOStreams, entries []Entry) {
	if len(entries) == 0 {
		fmt.Fprintln(io.ErrOut, "No records.")
		return
	}
	for i, e := range entries {
		m := &e.DLQ
		if i > 0 {
			fmt.Fprintln(io.Out)
		}
		fmt.Fprintf(io.Out, "%s[%d]@%d   in DLQ %s   %s -> %s\n", e.Record.Topic, e.Record.Partition, e.Record.Offset,
			Age(time.Duration(e.InDLQSeconds*float64(time.Second))), m.Convention, m.Original())
		line := func(label, v string) {
			if v != "" {
				fmt.Fprintf(io.Out, "  %-11s %s\n", label, v)
			}
		}
		key := "null"
		if e.Record.Key != nil {
			key = *e.Record.Key
		}
		line("key", key)
		line("exception", m.ExceptionClass)
		line("message", m.ExceptionMessage)
		line("cause", strings.TrimSpace(m.RootCauseClass+" "+m.RootCauseMessage))
		stage := m.Stage
		if m.Task != nil {
			stage += " (task " + strconv.Itoa(int(*m.Task)) + ")"
		}
		line("stage", stage)
		line("connector", m.Connector)
		if m.Attempts != nil {
			line("attempts", strconv.Itoa(int(*m.Attempts)))
		}
		if m.ReprocessAttempts > 0 {
			line("reprocessed", strconv.Itoa(m.ReprocessAttempts)+" times")
		}
		if m.Stacktrace != "" {
			fmt.Fprintln(io.Out, "  stacktrace")
			for _, l := range strings.Split(strings.TrimRight(m.Stacktrace, "\n"), "\n") {
				fmt.Fprintf(io.Out, "    %s\n", l)
			}
		}
	}
}

// StatsGrids are dlq stats' tables: by exception, by original topic and
// by time entered; tty shows times for people (local, "3m ago").
func StatsGrids(st Stats, wide, tty bool, now time.Time) []*output.Grid {
	tally := func(t Tally) []string {
		return []string{output.Int(t.Count), Ago(t.FirstSeen, now, tty), Ago(t.LastSeen, now, tty), fmt.Sprintf("%d:%d", t.ExamplePartition, t.ExampleOffset)}
	}
	exc := output.NewGrid("ERROR", "MESSAGE", "COUNT", "FIRST-SEEN", "LAST-SEEN", "EXAMPLE")
	if wide {
		exc.Header = []string{"EXCEPTION", "ROOT-CAUSE", "MESSAGE", "COUNT", "FIRST-SEEN", "LAST-SEEN", "EXAMPLE"}
	}
	exc.Title = fmt.Sprintf("%s: %s by exception", st.Topic, output.Count(st.Records, "record"))
	exc.Empty = "No records."
	for _, e := range st.ByException {
		row := []string{output.OrDash(ErrorClass(e.Exception, e.RootCause)), output.OrDash(oneLine(innermost(e.Message)))}
		if wide {
			row = []string{output.OrDash(e.Exception), output.OrDash(e.RootCause), output.OrDash(oneLine(e.Message))}
		}
		exc.Row(append(row, tally(e.Tally)...)...)
	}
	if st.Records == 0 {
		return []*output.Grid{exc}
	}
	top := output.NewGrid("ORIGINAL-TOPIC", "COUNT", "FIRST-SEEN", "LAST-SEEN", "EXAMPLE")
	top.Title = "By original topic"
	for _, t := range st.ByOriginalTopic {
		top.Row(append([]string{output.OrDash(t.OriginalTopic)}, tally(t.Tally)...)...)
	}
	bucket := time.Duration(st.BucketSeconds) * time.Second
	tm := output.NewGrid("BUCKET", "COUNT", "", "FIRST-SEEN", "LAST-SEEN", "EXAMPLE")
	tm.Title = "By time entered, " + Age(bucket) + " buckets"
	var most int64
	for _, b := range st.ByTime {
		most = max(most, b.Count)
	}
	for _, b := range st.ByTime {
		start := b.Start.UTC().Format(time.RFC3339)
		if tty {
			start = b.Start.Local().Format("2006-01-02 15:04")
		}
		t := tally(b.Tally)
		tm.Row(start, t[0], strings.Repeat("█", int(max(1, b.Count*30/most))), t[1], t[2], t[3])
	}
	return []*output.Grid{exc, top, tm}
}

// RoutesGrid is a redrive's dry run: every record and where it would go.
func (s RedriveSummary) RoutesGrid(wide bool) []*output.Grid {
	g := output.NewGrid("PARTITION", "OFFSET", "KEY", "ERROR", "ACTION", "TARGET", "TARGET-PARTITION", "ATTEMPT")
	if wide {
		g.Header = []string{"PARTITION", "OFFSET", "KEY", "EXCEPTION", "ACTION", "TARGET", "TARGET-PARTITION", "ATTEMPT", "ROOT-CAUSE", "PROBLEM"}
	}
	g.Empty = "No records to reprocess."
	for _, r := range s.Routes {
		tp := "-"
		switch {
		case r.TargetPartition != nil:
			tp = strconv.Itoa(int(*r.TargetPartition))
		case r.Action == "send":
			tp = "any" // a null key: the partitioner picks one
		}
		action := r.Action
		if !wide && r.Problem != "" {
			action += ": " + r.Problem
		}
		exc := ErrorClass(r.Exception, r.RootCause)
		if wide {
			exc = r.Exception
		}
		row := []string{strconv.Itoa(int(r.Partition)), output.Int(r.Offset), r.Key, output.OrDash(exc), action, output.OrDash(r.Target), tp, strconv.Itoa(r.Attempt)}
		if wide {
			row = append(row, output.OrDash(r.RootCause), output.OrDash(r.Problem))
		}
		g.Row(row...)
	}
	return []*output.Grid{g}
}

// ListGrid is `dlq list`'s table: each DLQ's records, pending records,
// the age of its oldest and newest (tty: as a person reads it), and what
// its headers say; -o wide adds partitions, detection and the tracking
// group.
func ListGrid(topics []Topic, wide bool, now time.Time, tty bool) *output.Grid {
	g := output.NewGrid("TOPIC", "RECORDS", "PENDING", "OLDEST", "NEWEST", "CONVENTION", "ORIGINAL-TOPIC")
	if wide {
		g.Header = append(g.Header, "PARTITIONS", "DETECTED-BY", "GROUP", "GROUP-STATE")
	}
	g.Empty = "No topic looks like a dead-letter queue."
	ago := func(t *time.Time) string {
		if t == nil {
			return "-"
		}
		return Ago(*t, now, tty)
	}
	for _, t := range topics {
		row := []string{t.Topic, output.Int(t.Records), output.Int(t.Pending), ago(t.Oldest), ago(t.Newest),
			output.OrDash(strings.Join(t.Conventions, ",")), output.OrDash(strings.Join(t.OriginalTopics, ","))}
		if wide {
			row = append(row, strconv.Itoa(t.Partitions), t.DetectedBy, t.Group, t.GroupState)
		}
		g.Row(row...)
	}
	return g
}
