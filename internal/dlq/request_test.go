package dlq

import (
	"strings"
	"testing"
	"time"

	"github.com/streamctl/streamctl/internal/exitcode"
)

// The dlq commands' flag values and combinations that are wrong are usage
// errors.
func TestRequestsRefuseBadValues(t *testing.T) {
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	all := SelectRequest{From: "start", To: "end"}
	filtered := SelectRequest{From: "start", To: "end", Exceptions: []string{"DataException"}}
	selAll, err := all.Selection(now)
	if err != nil {
		t.Fatal(err)
	}
	selFiltered, err := filtered.Selection(now)
	if err != nil {
		t.Fatal(err)
	}
	check := func(what string, err error, want string) {
		t.Helper()
		if err == nil || !strings.Contains(err.Error(), want) || !exitcode.IsUsage(err) {
			t.Errorf("%s: want a usage error with %q, got %v", what, want, err)
		}
	}
	_, err = (&SelectRequest{From: "nowhere", To: "end"}).Selection(now)
	check("--from nowhere", err, "invalid --from: ")
	_, err = (&SelectRequest{From: "start", To: "soon"}).Selection(now)
	check("--to soon", err, "invalid --to: ")
	_, err = (&SelectRequest{From: "start", To: "end", Offsets: "x"}).Selection(now)
	check("--offsets x", err, "x")
	check("--timestamp later", (&RedriveRequest{Timestamp: "later"}).Check(), `--timestamp "later": use keep or now`)
	check("--max-attempts -1", (&RedriveRequest{Timestamp: "keep", MaxAttempts: -1}).Check(), "--max-attempts must not be negative")
	check("--rate -1", (&RedriveRequest{Timestamp: "now", Rate: -1}).Check(), "--rate must not be negative")
	check("no target", CheckDrain("", "", false, selAll, 0), "choose one target: --to-file F or --to-topic T")
	check("two targets", CheckDrain("f", "t", false, selAll, 0), "choose one target")
	check("--purge with a filter", CheckDrain("f", "", true, selFiltered, 0), "--purge cannot be combined with filters")
	if err := CheckDrain("f", "", true, selAll, 0); err != nil {
		t.Errorf("--purge of the whole DLQ: %v", err)
	}
	if r := (&RedriveRequest{Timestamp: "now", ToTopic: "retry-1"}).Route(); !r.TimestampNow || r.To != "retry-1" {
		t.Errorf("route %+v", r)
	}
}

// The drain's lines name what the counts mean, and where each purged
// partition starts now.
func TestDrainSummaryLines(t *testing.T) {
	s := &DrainSummary{Source: "dlq", Group: "g", Target: "file:a.jsonl", Read: 5, Drained: 4, SkippedByFilter: 1}
	if got, want := s.Line(), "dlq: 5 read, 4 drained to file:a.jsonl, 1 skipped by filters, 0 failed; group g."; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got := s.PurgeLine(); got != "Purged nothing: the group has no committed offsets on dlq." {
		t.Errorf("got %q", got)
	}
	s.Purged = []Purged{{Partition: 0, LogStartOffset: 4}, {Partition: 1, LogStartOffset: 12000}}
	if got, want := s.PurgeLine(), "Purged dlq: partition 0 now starts at 4, 1 now starts at 12000."; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// dlq list's table shows a dash for an age it does not know, and -o wide
// the tracking group.
func TestListGrid(t *testing.T) {
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	old := now.Add(-2 * time.Hour)
	topics := []Topic{{Topic: "orders-dlt", Records: 3, Oldest: &old, Conventions: []string{"spring"}, Group: "streamctl-dlq-orders-dlt"}}
	g := ListGrid(topics, true, now, false)
	row := g.Rows[0]
	if row[3] == "-" || row[4] != "-" || row[5] != "spring" || row[6] != "-" || row[9] != "streamctl-dlq-orders-dlt" {
		t.Errorf("row %q", row)
	}
	if g := ListGrid(nil, false, now, false); len(g.Header) != 7 || g.Empty == "" {
		t.Errorf("narrow empty table %+v", g)
	}
}
