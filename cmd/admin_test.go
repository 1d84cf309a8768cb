package cmd_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The admin commands' output for people and for scripts, on the
// in-process broker: ACLs, SCRAM users, broker configs, delete-records.
// Each changing command is a dry run without --execute.
func TestAdminCommandsGolden(t *testing.T) {
	t.Parallel()
	b := startDemo(t)
	acl := []string{"acl", "create", "--principal", "User:alice", "--operation", "read,describe", "--topic", "order-events", "--group", "analytics-group"}
	golden(t, "acl_create_dry_run.table", run(t, b.args(acl...)...).ok(t).out)
	run(t, b.args(append(acl, "--execute")...)...).ok(t)
	run(t, b.args("acl", "create", "--principal", "User:etl", "--operation", "write", "--topic", "order-", "--pattern-type", "prefixed", "--execute")...).ok(t)
	golden(t, "acl_list.table", run(t, b.args("acl", "list")...).ok(t).out)
	golden(t, "acl_list_principal.json", run(t, b.args("acl", "list", "--principal", "User:etl", "-o", "json")...).ok(t).out)
	golden(t, "acl_delete_dry_run.yaml", run(t, b.args("acl", "delete", "--topic", "order-events", "-o", "yaml")...).ok(t).out)

	r := runIn(t, "s3cret-pw\n", b.args("user", "create", "etl", "--password-stdin", "--execute")...).ok(t)
	if strings.Contains(r.out+r.errOut, "s3cret-pw") {
		t.Errorf("the password is in the output:\n%s%s", r.out, r.errOut)
	}
	golden(t, "user_create.table", r.out)
	golden(t, "user_list.json", run(t, b.args("user", "list", "etl", "-o", "json")...).ok(t).out)
	golden(t, "user_delete_dry_run.table", run(t, b.args("user", "delete", "etl", "--mechanism", "SCRAM-SHA-256")...).ok(t).out)

	golden(t, "cluster_config_set_dry_run.json", run(t, b.args("cluster", "config", "set", "--broker", "0", "log.retention.ms=86400000", "-o", "json")...).ok(t).out)
	golden(t, "delete_records_dry_run.table", run(t, b.args("topic", "delete-records", "order-events:0,1", "--before", "10")...).ok(t).out)
}

// Dry runs change nothing; --execute does; the irreversible ones refuse
// in a script without --yes (exit 2, nothing changed).
func TestAdminDryRunsAndExecute(t *testing.T) {
	t.Parallel()
	b := startDemo(t)
	count := func(args ...string) int {
		t.Helper()
		var v []json.RawMessage
		if err := json.Unmarshal([]byte(run(t, b.args(append(args, "-o", "json")...)...).ok(t).out), &v); err != nil {
			t.Fatal(err)
		}
		return len(v)
	}
	create := []string{"acl", "create", "--principal", "User:alice", "--operation", "read", "--topic", "order-events"}
	r := run(t, b.args(create...)...).ok(t)
	if !strings.Contains(r.errOut, "Dry run") || count("acl", "list") != 0 {
		t.Fatalf("acl create without --execute created something:\n%s%s", r.out, r.errOut)
	}
	run(t, b.args(append(create, "--execute")...)...).ok(t)
	if n := count("acl", "list"); n != 1 {
		t.Fatalf("acl create --execute: %d ACLs", n)
	}
	r = run(t, b.args("acl", "delete", "--topic", "order-events", "--execute")...).exit(t, 2)
	if !strings.Contains(r.errOut, "--yes") || count("acl", "list") != 1 {
		t.Fatalf("acl delete --execute without --yes off a terminal:\n%s", r.errOut)
	}
	run(t, b.args("acl", "delete", "--topic", "order-events", "--execute", "--yes")...).ok(t)
	if n := count("acl", "list"); n != 0 {
		t.Fatalf("acl delete --execute --yes left %d ACLs", n)
	}

	before := describeTopic(t, b, "order-events").PartitionDetails[0].LogStartOffset
	run(t, b.args("topic", "delete-records", "order-events:0", "--before", "5")...).ok(t)
	run(t, b.args("topic", "delete-records", "order-events:0", "--before", "5", "--execute")...).exit(t, 2)
	if got := describeTopic(t, b, "order-events").PartitionDetails[0].LogStartOffset; got != before {
		t.Fatalf("a dry run moved the log start from %d to %d", before, got)
	}
	run(t, b.args("topic", "delete-records", "order-events:0", "--before", "5", "--execute", "--yes")...).ok(t)
	if got := describeTopic(t, b, "order-events").PartitionDetails[0].LogStartOffset; got != 5 {
		t.Fatalf("delete-records --execute --yes: log start %d, want 5", got)
	}
}

// Bad input is a usage error (exit 2) with a message that says what to
// give instead; what only the cluster can tell is exit 1.
func TestAdminBadInput(t *testing.T) {
	t.Parallel()
	b := startDemo(t)
	plan := filepath.Join(t.TempDir(), "plan.json")
	if err := os.WriteFile(plan, []byte(`{"version":1,"partitions":[{"topic":"order-events","partition":0,"replicas":[0],"log_dirs":["/data/a"]}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"acl", "create", "--principal", "alice", "--operation", "read", "--topic", "t"}, 2, "want TYPE:NAME"},
		{[]string{"acl", "create", "--principal", "User:a", "--operation", "read", "--transactional-id", "x", "--topic", "t", "--operation", "alter"}, 2, "does not apply to a TRANSACTIONAL_ID"},
		{[]string{"acl", "create", "--principal", "User:a", "--operation", "read", "--cluster", "--pattern-type", "prefixed"}, 2, "one name (kafka-cluster)"},
		{[]string{"acl", "list", "--permission", "maybe"}, 2, `unknown permission "maybe"`},
		{[]string{"user", "create", "x", "--password-stdin", "--password-env", "HOME"}, 2, "one way"},
		{[]string{"user", "delete", "nobody"}, 1, `user "nobody" has no SCRAM credentials`},
		{[]string{"cluster", "config", "get", "--broker", "7"}, 1, "broker 7 is not in cluster"},
		{[]string{"cluster", "config", "delete"}, 2, "KEY..."},
		{[]string{"topic", "delete-records", "order-events", "--before", "@yesterday"}, 2, "--before"},
		{[]string{"topic", "delete-records", "order-events", "--before", "5", "--offset-json-file", plan}, 2, "without TOPIC or --before"},
		{[]string{"topic", "delete-records", "order-events:5", "--before", "1"}, 1, `topic "order-events" has no partition 5`},
		{[]string{"topic", "delete-records", "order-evnts", "--before", "1"}, 1, `did you mean "order-events"`},
		{[]string{"topic", "elect-leaders"}, 2, "--all-topics"},
		{[]string{"topic", "elect-leaders", "order-events", "--type", "dirty"}, 2, "preferred or unclean"},
		{[]string{"topic", "reassign", "order-events"}, 2, "--broker-ids"},
		{[]string{"topic", "reassign", "order-events", "--broker-ids", "0", "--wait"}, 2, "--wait goes with"},
		{[]string{"topic", "reassign", "order-events", "--broker-ids", "5"}, 1, "broker 5 is not in cluster"},
		{[]string{"topic", "reassign", "--reassignment-json-file", plan}, 1, `broker 0 has no log dir "/data/a" (its log dirs: /mem/kfake)`},
		{[]string{"version", "extra"}, 2, "takes no arguments"},
	} {
		r := run(t, b.args(c.args...)...)
		if r.code != c.code || !strings.Contains(r.errOut, c.want) {
			t.Errorf("streamctl %s: exit %d, want %d with %q:\n%s", strings.Join(c.args, " "), r.code, c.code, c.want, r.errOut)
		}
	}
}

// With nothing to elect, elect-leaders says so once (it said it on stderr
// and again as the table's empty text).
func TestElectLeadersWithNothingToElectSaysSoOnce(t *testing.T) {
	t.Parallel()
	b := startDemo(t)
	for _, args := range [][]string{{"--all-topics"}, {"--all-topics", "--type", "unclean"}} {
		r := run(t, b.args(append([]string{"topic", "elect-leaders"}, args...)...)...).ok(t)
		if n := len(regexp.MustCompile(`election is needed|needs an election`).FindAllString(r.out+r.errOut, -1)); n != 1 {
			t.Errorf("elect-leaders %s says it %d times:\n%s%s", strings.Join(args, " "), n, r.out, r.errOut)
		}
	}
}

// A dry run's "Add --execute to apply" is what to do next: on a terminal,
// where stdout and stderr interleave, it comes under the plan, not above it.
func TestDryRunNoteComesBelowThePlan(t *testing.T) {
	t.Parallel()
	b := startDemo(t)
	for _, args := range [][]string{
		{"group", "reset", "analytics-group", "--to-earliest", "--all-topics"},
		{"acl", "create", "--principal", "User:alice", "--operation", "read", "--topic", "order-events"},
	} {
		ios := testStreams("")
		ios.ErrOut = ios.Out // one terminal
		out := executeOn(ios, b.args(args...)).ok(t).out
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if last := lines[len(lines)-1]; !strings.HasPrefix(last, "Dry run: nothing changed. Add --execute to apply") || len(lines) < 3 {
			t.Errorf("streamctl %s: the dry-run note is not the last line under the plan:\n%s", strings.Join(args, " "), out)
		}
	}
}
