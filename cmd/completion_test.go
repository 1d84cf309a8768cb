package cmd_test

import (
	"strings"
	"testing"
	"time"
)

// Dynamic completion prints only candidates and cobra's directive on stdout.
// (The word being completed is the last argument, so flags go first.)
func TestCompleteTopicNames(t *testing.T) {
	t.Parallel()
	b := startDemo(t)
	r := run(t, "__complete", "--brokers", b.addr, "topic", "describe", "order-e").ok(t)
	lines := strings.Split(strings.TrimSpace(r.out), "\n")
	if strings.Join(lines, " ") != "order-events order-events-avro order-events-dlt order-events-retry :4" {
		t.Errorf("stdout = %q, want the four order-e* topics and :4 (no file completion)", r.out)
	}
}

// An unreachable cluster must not stall the shell for the full timeout, and
// must not print anything but the directive on stdout.
func TestCompleteTopicNamesUnreachable(t *testing.T) {
	t.Parallel()
	start := time.Now()
	r := run(t, "__complete", "--brokers", closedPort(t), "--timeout", "60s", "topic", "describe", "").ok(t)
	if elapsed := time.Since(start); elapsed > hangGuard {
		t.Errorf("completion took %s; it should give up after a couple of seconds", elapsed)
	}
	if strings.TrimSpace(r.out) != ":4" {
		t.Errorf("stdout = %q, want only the directive", r.out)
	}
}

func TestCompleteProfiles(t *testing.T) {
	cfg := isolate(t)
	run(t, "profile", "create", "prod", "--brokers", "p:9092").ok(t)
	run(t, "profile", "create", "preprod", "--brokers", "pp:9092").ok(t)
	run(t, "profile", "create", "dev", "--brokers", "d:9092").ok(t)
	r := run(t, "__complete", "profile", "use", "pr").ok(t)
	if got := strings.Join(strings.Split(strings.TrimSpace(r.out), "\n"), " "); got != "preprod prod :4" {
		t.Errorf("stdout = %q", r.out)
	}
	r = run(t, "__complete", "--config", cfg, "topic", "list", "--profile", "d").ok(t)
	if got := strings.Join(strings.Split(strings.TrimSpace(r.out), "\n"), " "); got != "dev :4" {
		t.Errorf("--profile completion: stdout = %q", r.out)
	}
}

// The admin commands' flags complete from the cluster: topics for
// --topic, broker ids for --broker and each id of --broker-ids. (Users
// complete too, but kfake lists none: the e2e suite checks them.)
func TestCompleteAdminFlags(t *testing.T) {
	t.Parallel()
	b := startDemo(t)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"acl", "list", "--topic", "order-events-"}, "order-events-avro order-events-dlt order-events-retry :4"},
		{[]string{"acl", "create", "--group", "analytics"}, "analytics-group :4"},
		{[]string{"cluster", "config", "get", "--broker", ""}, "0 :4"},
		{[]string{"topic", "reassign", "order-events", "--broker-ids", "0,"}, ":4"},
		{[]string{"topic", "reassign", "order-events", "--broker-ids", ""}, "0 :4"},
		{[]string{"topic", "delete-records", "customer-"}, "customer-state :4"},
	} {
		r := run(t, append([]string{"__complete", "--brokers", b.addr}, c.args...)...).ok(t)
		if got := strings.Join(strings.Split(strings.TrimSpace(r.out), "\n"), " "); got != c.want {
			t.Errorf("%v: %q, want %q", c.args, got, c.want)
		}
	}
}

// profile create's authentication flags complete: the SASL mechanisms, the
// names of environment variables for the flags that name one, files for
// the ones that take a path.
func TestCompleteAuthFlags(t *testing.T) {
	isolate(t)
	t.Setenv("SC_TEST_OIDC_SECRET", "x")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--sasl-mechanism", ""}, "PLAIN SCRAM-SHA-256 SCRAM-SHA-512 OAUTHBEARER :4"},
		{[]string{"--oidc-client-secret-env", "SC_TEST_OI"}, "SC_TEST_OIDC_SECRET :4"},
		{[]string{"--oauth-token-env", "SC_TEST_OI"}, "SC_TEST_OIDC_SECRET :4"},
		{[]string{"--oidc-token-endpoint", ""}, ":4"},
		{[]string{"--oidc-client-secret-file", ""}, ":0"},
		{[]string{"--oidc-"}, ""}, // flag names: checked below
	} {
		r := run(t, append([]string{"__complete", "profile", "create", "p"}, c.args...)...).ok(t)
		got := strings.Join(strings.Fields(r.out), " ")
		if c.want == "" {
			for _, f := range []string{"--oidc-token-endpoint", "--oidc-client-id", "--oidc-client-secret-env", "--oidc-client-secret-file", "--oidc-scope", "--oidc-extension"} {
				if !strings.Contains(got, f) {
					t.Errorf("completing --oidc- lacks %s: %q", f, r.out)
				}
			}
			continue
		}
		if got != c.want {
			t.Errorf("%v: stdout = %q, want %q", c.args, got, c.want)
		}
	}
}

// The transaction, quota and client metrics commands complete from the
// cluster and from Kafka's names: transactional ids, states, broker ids,
// quota entity types, subscription names.
func TestCompleteTxnQuotaAndClientMetrics(t *testing.T) {
	t.Parallel()
	b := startBroker(t)
	run(t, b.args("topic", "create", "payments")...).ok(t)
	b.openTransaction(t, "payments-tx", "payments", 0, "held")
	run(t, b.args("client-metrics", "create", "producers-1m", "--metrics", "org.apache.kafka.producer.", "--execute")...).ok(t)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"txn", "describe", "pay"}, "payments-tx :4"},
		{[]string{"txn", "abort", "--transactional-id", ""}, "payments-tx :4"},
		{[]string{"txn", "find-hanging", "--broker", ""}, "0 :4"},
		{[]string{"txn", "producers", "pay"}, "payments :4"},
		{[]string{"quota", "alter", "--default", ""}, "user client-id ip :4"},
		{[]string{"client-metrics", "describe", ""}, "producers-1m :4"},
	} {
		r := run(t, append([]string{"__complete", "--brokers", b.addr}, c.args...)...).ok(t)
		if got := strings.Join(strings.Split(strings.TrimSpace(r.out), "\n"), " "); got != c.want {
			t.Errorf("%v: %q, want %q", c.args, got, c.want)
		}
	}
	r := run(t, "__complete", "--brokers", b.addr, "txn", "list", "--state", "").ok(t)
	if !strings.Contains(r.out, "Ongoing\n") || !strings.Contains(r.out, "PrepareCommit\n") {
		t.Errorf("txn list --state completes %q", r.out)
	}
}
