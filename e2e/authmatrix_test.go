//go:build e2e

package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// matrix is what the auth matrix ran: for each way to authenticate, each
// command and whether it passed. TestAuthMatrix prints it at the end.
type matrix struct {
	mu    sync.Mutex
	rows  []string
	cols  []string
	cells map[[2]string]string
}

func (m *matrix) record(row, col, cell string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.cells == nil {
		m.cells = map[[2]string]string{}
	}
	if !slices.Contains(m.rows, row) {
		m.rows = append(m.rows, row)
	}
	if !slices.Contains(m.cols, col) {
		m.cols = append(m.cols, col)
	}
	m.cells[[2]string{row, col}] = cell
}

// String is the matrix as a table: a line per command, a column per row.
func (m *matrix) String() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	rows := slices.Clone(m.rows)
	slices.Sort(rows)
	var b strings.Builder
	fmt.Fprintf(&b, "%-44s", "command \\ auth")
	for _, r := range rows {
		fmt.Fprintf(&b, " %-*s", max(4, len(r)), r)
	}
	b.WriteString("\n")
	for _, c := range m.cols {
		fmt.Fprintf(&b, "%-44s", c)
		for _, r := range rows {
			cell := m.cells[[2]string{r, c}]
			if cell == "" {
				cell = "-"
			}
			fmt.Fprintf(&b, " %-*s", max(4, len(r)), cell)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// everyCommandGroup runs one read and one harmless write of every command
// group over profile p, those that connect through franz-go included
// (version --cluster, topic sizes, the cluster-wide configs, reassign
// --export/--verify). Each step is one cell of the matrix: "ok", or
// "FAIL" with the test failed and the run shown.
func everyCommandGroup(t *testing.T, u *user, p authProfile, tr *transcript, m *matrix) {
	row := p.row
	topic := uniqueName(t, "")
	group := topic + "-g"
	step := func(name string, stdin string, check func(r result) string, args ...string) result {
		t.Helper()
		r := tr.add(u.runIn(stdin, append(args, "--profile", p.name)...))
		why := ""
		switch {
		case r.code != 0:
			why = fmt.Sprintf("exit %d", r.code)
		case strings.Contains(r.stderr, "franz-go"), strings.Contains(r.stderr, "unknown:"), strings.Contains(r.stderr, "not supported"):
			why = "a warning or refusal on stderr"
		case check != nil:
			why = check(r)
		}
		if why != "" {
			t.Errorf("%s over %s: %s\n%s", name, row, why, r)
			m.record(row, name, "FAIL")
		} else {
			m.record(row, name, "ok")
		}
		return r
	}
	// readBack is a checked read that follows a write the broker applies
	// from its metadata log (ACLs, quotas, client metrics, group configs):
	// the write returns once the controller has committed it, and the
	// broker answering the read may show it a moment later, so the read is
	// retried for a while before its step counts.
	readBack := func(name string, check func(r result) string, args ...string) {
		t.Helper()
		for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
			if r := u.run(append(args, "--profile", p.name)...); r.code == 0 && check(r) == "" {
				break
			}
		}
		step(name, "", check, args...)
	}
	jsonOf := func(r result, v any) string {
		if err := json.Unmarshal([]byte(r.stdout), v); err != nil {
			return "stdout is not JSON: " + err.Error()
		}
		return ""
	}

	// topic: create (write), then records in it for sizes and groups.
	step("topic create", "", nil, "topic", "create", topic, "--partitions", "2")
	step("produce", "k1 one\nk2 two\nk3 three\n", nil, "produce", topic, "--parse-key", "--key-separator", " ")
	step("consume -g", "", func(r result) string {
		if n := len(lines(r.stdout)); n != 3 {
			return fmt.Sprintf("%d records, want 3", n)
		}
		return ""
	}, "consume", topic, "-e", "-g", group, "-o", "raw")
	step("topic config set", "", nil, "topic", "config", "set", topic, "retention.ms=604800000", "--execute")
	step("topic describe (sizes: franz-go)", "", func(r result) string {
		var ts []struct {
			SizeBytes *int64 `json:"size_bytes"`
		}
		if why := jsonOf(r, &ts); why != "" {
			return why
		}
		if len(ts) != 1 || ts[0].SizeBytes == nil || *ts[0].SizeBytes == 0 {
			return "no size (DescribeLogDirs)"
		}
		return ""
	}, "topic", "describe", topic, "-o", "json")
	step("topic list (sizes: franz-go)", "", func(r result) string {
		var ts []struct {
			Name      string `json:"name"`
			SizeBytes *int64 `json:"size_bytes"`
		}
		if why := jsonOf(r, &ts); why != "" {
			return why
		}
		i := slices.IndexFunc(ts, func(x struct {
			Name      string `json:"name"`
			SizeBytes *int64 `json:"size_bytes"`
		}) bool {
			return x.Name == topic
		})
		if i < 0 || ts[i].SizeBytes == nil {
			return "the topic or its size is missing"
		}
		return ""
	}, "topic", "list", "-o", "json")
	step("topic reassign --export (franz-go)", "", func(r result) string {
		if !strings.Contains(r.stdout, `"partitions"`) {
			return "no reassignment JSON"
		}
		u.writeFile("plan.json", []byte(r.stdout), 0o600)
		return ""
	}, "topic", "reassign", topic, "--broker-ids", "1", "--export")
	step("topic reassign --verify (franz-go)", "", nil, "topic", "reassign", "--reassignment-json-file", filepath.Join(u.home, "plan.json"), "--verify")

	// version and cluster: the brokers' versions and the cluster-wide
	// default configs go through franz-go.
	step("version --cluster (franz-go)", "", func(r result) string {
		if !strings.Contains(r.stdout, "v4.") {
			return "no broker version"
		}
		return ""
	}, "version", "--cluster")
	step("cluster describe", "", nil, "cluster", "describe")
	step("cluster config get (default: franz-go)", "", nil, "cluster", "config", "get")
	step("cluster config get --broker 1", "", nil, "cluster", "config", "get", "--broker", "1", "log.retention.hours")
	// -1 is log.retention.bytes' default: setting and deleting it changes
	// nothing for other tests.
	step("cluster config set (default: franz-go)", "", nil, "cluster", "config", "set", "log.retention.bytes=-1", "--execute")
	step("cluster config delete (default: franz-go)", "", nil, "cluster", "config", "delete", "log.retention.bytes", "--execute")

	// group
	step("group list", "", func(r result) string {
		if !strings.Contains(r.stdout, group) {
			return "the group is missing"
		}
		return ""
	}, "group", "list")
	step("group describe", "", nil, "group", "describe", group)
	// trace: a windowed read by offsets for times, and every group's
	// progress, share and streams groups listed through franz-go.
	step("trace (share/streams groups: franz-go)", "", func(r result) string {
		var res struct {
			Timeline []struct {
				Groups []struct {
					Group  string `json:"group"`
					Status string `json:"status"`
				} `json:"groups"`
			} `json:"timeline"`
		}
		if why := jsonOf(r, &res); why != "" {
			return why
		}
		if len(res.Timeline) != 1 || len(res.Timeline[0].Groups) != 1 || res.Timeline[0].Groups[0].Group != group || res.Timeline[0].Groups[0].Status != "consumed" {
			return fmt.Sprintf("want k2's record, consumed by %s: %+v", group, res.Timeline)
		}
		return ""
	}, "trace", "k2", "--topics", "^"+topic+"$", "--since", "1h", "-o", "json")
	step("group reset --execute", "", nil, "group", "reset", group, "--to-earliest", "--topic", topic, "--execute")

	// Kafka 4's group types (KIP-848, KIP-932): a consumer-protocol group
	// (librdkafka), and a share group with its config, a member (franz-go's
	// share consumer) and its offsets (franz-go's requests).
	step("consume -g -X group.protocol=consumer", "", func(r result) string {
		if n := len(lines(r.stdout)); n != 3 {
			return fmt.Sprintf("%d records, want 3", n)
		}
		return ""
	}, "consume", topic, "-e", "-g", group+"-848", "-X", "group.protocol=consumer", "-o", "raw")
	step("group describe (consumer group)", "", func(r result) string {
		var gs []struct {
			Type string `json:"type"`
		}
		if why := jsonOf(r, &gs); why != "" {
			return why
		}
		if len(gs) != 1 || gs[0].Type != "consumer" {
			return fmt.Sprintf("%+v, want one group of type consumer", gs)
		}
		return ""
	}, "group", "describe", group+"-848", "-o", "json")
	share := group + "-share"
	step("group config set --execute (share group)", "", nil, "group", "config", "set", share, "share.auto.offset.reset=earliest", "--execute")
	readBack("group config get", func(r result) string {
		if !strings.Contains(r.stdout, "earliest") {
			return "share.auto.offset.reset is not earliest"
		}
		return ""
	}, "group", "config", "get", share, "share.auto.offset.reset")
	step("consume --share-group", "", func(r result) string {
		if n := len(lines(r.stdout)); n != 3 {
			return fmt.Sprintf("%d records, want 3", n)
		}
		return ""
	}, "consume", topic, "--share-group", share, "--idle-timeout", "3s", "-o", "raw")
	step("group list --type share", "", func(r result) string {
		if !strings.Contains(r.stdout, share) {
			return "the share group is missing"
		}
		return ""
	}, "group", "list", "--type", "share")
	step("group describe (share group)", "", func(r result) string {
		var gs []struct {
			Type     string `json:"type"`
			TotalLag int64  `json:"total_lag"`
		}
		if why := jsonOf(r, &gs); why != "" {
			return why
		}
		if len(gs) != 1 || gs[0].Type != "share" || gs[0].TotalLag != 0 {
			return fmt.Sprintf("%+v, want one share group without lag", gs)
		}
		return ""
	}, "group", "describe", share, "-o", "json")
	step("group lag --fail-above (share group)", "", nil, "group", "lag", share, "--fail-above", "0")
	step("group reset --execute (share group)", "", nil, "group", "reset", share, "--to-earliest", "--topic", topic, "--execute")
	step("group delete-offsets (share group)", "", nil, "group", "delete-offsets", share, "--topic", topic, "--execute", "--yes")
	step("group delete (share group)", "", nil, "group", "delete", share, "--execute", "--yes")

	// acl: on a topic of its own, so the row's own topic stays open to it
	step("acl create", "", nil, "acl", "create", "--principal", "User:nobody", "--operation", "read", "--topic", topic+"-acl", "--execute")
	readBack("acl list", func(r result) string {
		if !strings.Contains(r.stdout, "nobody") {
			return "the ACL is missing"
		}
		return ""
	}, "acl", "list", "--topic", topic+"-acl")
	step("acl delete", "", nil, "acl", "delete", "--topic", topic+"-acl", "--execute", "--yes")

	// user (SCRAM credentials)
	scramUser := strings.ReplaceAll(topic, "e2e-", "u-")
	u.setenv("E2E_MATRIX_PASSWORD", "matrix-"+topic)
	step("user create", "", nil, "user", "create", scramUser, "--password-env", "E2E_MATRIX_PASSWORD", "--iterations", "4096", "--execute")
	step("user list", "", nil, "user", "list")
	step("user delete", "", nil, "user", "delete", scramUser, "--execute", "--yes")

	// transactions, quotas, client metrics, feature levels, the quorum:
	// franz-go requests all. A transactional producer killed -9 inside its
	// transaction on partition 0 leaves it open: shown, marked in the lag
	// of a group held behind it, and aborted.
	txid := topic + "-tx"
	producer := u.start("produce", topic, "--partition", "0", "--transactional-id", txid, "-X", "transaction.timeout.ms=900000", "--profile", p.name)
	if _, err := producer.stdin.Write([]byte("in-txn\n")); err != nil {
		t.Fatal(err)
	}
	eventually(t, time.Minute, func() (bool, string) {
		r := u.run("txn", "describe", txid, "-o", "json", "--profile", p.name)
		return r.code == 0 && strings.Contains(r.stdout, `"state": "Ongoing"`) && strings.Contains(r.stdout, `"partition": 0`), r.String()
	})
	eventually(t, time.Minute, func() (bool, string) {
		r := u.run("txn", "producers", topic+":0", "-o", "json", "--profile", p.name)
		return r.code == 0 && regexp.MustCompile(`"txn_start_offset": \d`).MatchString(r.stdout), r.String()
	})
	_ = producer.cmd.Process.Signal(syscall.SIGKILL)
	producer.wait(t)
	tr.add(result{args: []string{"produce (killed -9 inside its transaction)"}, stderr: producer.stderr.String()})
	step("txn list", "", func(r result) string {
		if !strings.Contains(r.stdout, txid) {
			return "the open transaction is not listed"
		}
		return ""
	}, "txn", "list", "--state", "ongoing", "--transactional-id-pattern", txid)
	step("txn describe", "", nil, "txn", "describe", txid)
	step("txn producers", "", nil, "txn", "producers", topic+":0")
	step("txn find-hanging", "", func(r result) string {
		if !strings.Contains(r.stdout, txid) {
			return "the killed producer's transaction is not found"
		}
		return ""
	}, "txn", "find-hanging", topic, "--max-transaction-timeout", "1ns")
	step("consume -g (read_committed, held)", "", nil, "consume", topic, "-p", "0", "-e", "-g", group+"-held", "-o", "raw")
	step("group lag (held behind the transaction)", "", func(r result) string {
		if !strings.Contains(r.stderr, "is held at offset") || !strings.Contains(r.stderr, txid) {
			return "the held partition is not marked"
		}
		return ""
	}, "group", "lag", group+"-held", "--held-after", "1ns")
	step("txn abort --execute", "", func(r result) string {
		if !strings.Contains(r.stderr, "Aborted the transaction of") {
			return "not aborted"
		}
		return ""
	}, "txn", "abort", "--transactional-id", txid, "--max-transaction-timeout", "1ns", "--execute", "--yes")
	step("quota alter", "", nil, "quota", "alter", "--name", "client-id="+topic, "--add", "producer_byte_rate=1048576", "--execute")
	readBack("quota list", func(r result) string {
		if !strings.Contains(r.stdout, topic) {
			return "the quota just set is not listed"
		}
		return ""
	}, "quota", "list", "--name", "client-id="+topic)
	readBack("quota describe", func(r result) string {
		if !strings.Contains(r.stdout, "1048576") {
			return "the quota that applies is not shown"
		}
		return ""
	}, "quota", "describe", "--name", "client-id="+topic)
	step("quota alter --delete", "", nil, "quota", "alter", "--name", "client-id="+topic, "--delete", "producer_byte_rate", "--execute")
	step("client-metrics create", "", nil, "client-metrics", "create", topic, "--metrics", "org.apache.kafka.producer.", "--execute")
	step("client-metrics alter", "", nil, "client-metrics", "alter", topic, "--interval", "1m", "--execute")
	readBack("client-metrics list", func(r result) string {
		if !strings.Contains(r.stdout, topic) {
			return "the subscription is not listed"
		}
		return ""
	}, "client-metrics", "list")
	step("client-metrics describe", "", nil, "client-metrics", "describe", topic)
	step("client-metrics delete", "", nil, "client-metrics", "delete", topic, "--execute", "--yes")
	step("cluster features describe", "", nil, "cluster", "features", "describe")
	step("cluster features downgrade (validate only)", "", nil, "cluster", "features", "downgrade", "--feature", "eligible.leader.replicas.version=0")
	step("cluster quorum", "", nil, "cluster", "quorum")
	step("topic reassign --throttle (dry run)", "", nil, "topic", "reassign", topic, "--broker-ids", "1", "--throttle", "1048576")

	// dlq and replay: record pipelines of their own
	// Its own topics only: dlq list fails when a topic it lists is deleted
	// before it reads its offsets, which the other rows' cleanup does.
	step("dlq list", "", nil, "dlq", "list", "--pattern", topic+"*")
	tr.add(u.run("topic", "create", topic+"-archive", "--profile", p.name)).ok(t)
	step("dlq drain --to-topic", "", nil, "dlq", "drain", topic, "--to-topic", topic+"-archive")
	step("replay --to-topic", "", nil, "replay", topic, "--to-topic", topic+"-copy", "--create")
	step("topic delete", "", nil, "topic", "delete", topic+"-copy", topic+"-archive", "--execute", "--yes")
}

// printMatrix logs the matrix as it ran (go test -v shows it, and a failed
// run), and writes it to $STREAMCTL_E2E_MATRIX when set.
func printMatrix(t *testing.T, m *matrix) {
	if len(m.rows) == 0 {
		return
	}
	t.Logf("the auth matrix as it ran:\n%s", m)
	if path := os.Getenv("STREAMCTL_E2E_MATRIX"); path != "" {
		_ = os.WriteFile(path, []byte(m.String()), 0o644)
	}
}
