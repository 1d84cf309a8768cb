package cmd_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kversion"

	"github.com/streamctl/streamctl/cmd"
	"github.com/streamctl/streamctl/internal/config"
	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/output"
	"github.com/streamctl/streamctl/internal/playground"
)

// shareSummary matches consume --share-group's summary line.
var shareSummary = regexp.MustCompile(`Share group "[^"]+": (\d+) records? written and accepted(?:, (\d+) skipped by filters \(accepted\))?, (\d+) released, (\d+) rejected`)

// json decodes stdout into v.
func (r result) json(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(r.out), v); err != nil {
		t.Fatalf("stdout is not the JSON expected: %v\n%s", err, r.out)
	}
}

func shareCounts(t *testing.T, errOut string) (written, released, rejected int) {
	t.Helper()
	m := shareSummary.FindStringSubmatch(errOut)
	if m == nil {
		t.Fatalf("no share-group summary in:\n%s", errOut)
	}
	fmt.Sscan(m[1], &written)
	fmt.Sscan(m[3], &released)
	fmt.Sscan(m[4], &rejected)
	return written, released, rejected
}

// The demo's share group reads what it had not accepted yet, each record
// once, and is caught up after; a share group read by two members at once
// splits the records between them with none written twice.
func TestShareGroupConsume(t *testing.T) {
	t.Parallel()
	b := startDemo(t)
	r := run(t, b.args("consume", "order-events", "--share-group", "order-workers", "--idle-timeout", "2s", "-o", "json")...).ok(t)
	lines := strings.Split(strings.TrimSpace(r.out), "\n")
	if w, _, _ := shareCounts(t, r.errOut); len(lines) != 188 || w != 188 {
		t.Fatalf("order-workers read %d records (summary %d), want its lag of 188:\n%s", len(lines), w, r.errOut)
	}
	seen := map[string]bool{}
	for _, l := range lines {
		var env struct {
			Partition int   `json:"partition"`
			Offset    int64 `json:"offset"`
		}
		if err := json.Unmarshal([]byte(l), &env); err != nil {
			t.Fatalf("not an envelope: %s", l)
		}
		k := fmt.Sprint(env.Partition, "/", env.Offset)
		if seen[k] {
			t.Errorf("record %s written twice", k)
		}
		seen[k] = true
	}
	var lag []struct {
		TotalLag int64 `json:"total_lag"`
	}
	run(t, b.args("group", "describe", "order-workers", "--no-time-lag", "-o", "json")...).ok(t).json(t, &lag)
	if lag[0].TotalLag != 0 {
		t.Errorf("order-workers lags %d after reading everything", lag[0].TotalLag)
	}

	// A new share group starts at the log end unless told otherwise; the
	// note says how to have it read what is there, and the command it
	// prints works.
	r = run(t, b.args("consume", "order-events", "--share-group", "pair", "--idle-timeout", "1s")...).ok(t)
	const hint = "streamctl group reset pair --to-earliest --topic order-events --execute"
	if !strings.Contains(r.errOut, hint) || r.out != "" {
		t.Fatalf("no hint for a new share group, or records read from the end:\n%s%s", r.out, r.errOut)
	}
	r = run(t, b.args(strings.Fields(hint)[1:]...)...).ok(t)
	// Its undo runs as printed (back to the log end); then the reset
	// again, for the two members below.
	b.runHint(t, r.errOut, "to undo:").ok(t)
	run(t, b.args(strings.Fields(hint)[1:]...)...).ok(t)

	var wg sync.WaitGroup
	outs := make([]string, 2)
	for i := range outs {
		wg.Go(func() {
			// Each record by its place: the demo's story has two records with
			// one value (a dead letter reprocessed).
			r := execute("", b.args("consume", "order-events", "--share-group", "pair", "--idle-timeout", "2s", "-f", "%p/%o\\n"))
			if r.code != 0 {
				t.Errorf("member %d: exit %d: %s", i, r.code, r.errOut)
			}
			outs[i] = r.out
		})
	}
	wg.Wait()
	var all []string
	for _, o := range outs {
		all = append(all, strings.Split(strings.TrimSpace(o), "\n")...)
	}
	all = slices.DeleteFunc(all, func(s string) bool { return s == "" })
	slices.Sort(all)
	if len(all) != 288 || len(slices.Compact(slices.Clone(all))) != 288 {
		t.Errorf("two members wrote %d records, %d distinct; want the 288 records once each", len(all), len(slices.Compact(all)))
	}
}

// consume --share-group on a group of another type is refused, and -g on
// a share group, each with the command that reads it, which runs.
func TestShareGroupConsumeRefusesOtherTypes(t *testing.T) {
	t.Parallel()
	b := startDemo(t)
	r := run(t, b.args("consume", "order-events", "--share-group", "shipping-group", "-n", "1")...).exit(t, 1)
	m := regexp.MustCompile(`streamctl (consume order-events -g shipping-group -X group.protocol=consumer)$`).FindStringSubmatch(strings.TrimSpace(r.errOut))
	if m == nil {
		t.Fatalf("no hint: %s", r.errOut)
	}
	// It follows the topic until interrupted: -n 1 ends it here.
	r = run(t, b.args(append(strings.Fields(m[1]), "-n", "1", "-o", "raw")...)...).ok(t)
	if !strings.Contains(r.out, "orderId") {
		t.Errorf("the hint's command read nothing: %q", r.out)
	}

	// And the other way round: -g on a share group (which would wait for
	// ever for an assignment) is refused with the command that reads it.
	r = run(t, b.args("consume", "order-events", "-g", "order-workers", "-n", "1")...).exit(t, 1)
	m = regexp.MustCompile(`streamctl (consume order-events --share-group order-workers)$`).FindStringSubmatch(strings.TrimSpace(r.errOut))
	if m == nil {
		t.Fatalf("no hint: %s", r.errOut)
	}
	r = run(t, b.args(append(strings.Fields(m[1]), "-n", "1", "-o", "raw")...)...).ok(t)
	if !strings.Contains(r.out, "orderId") {
		t.Errorf("the hint's command read nothing: %q", r.out)
	}
}

// REJECT archives: a second run gets nothing of what the first rejected.
// RELEASE delivers again, until the broker archives the record after
// share.delivery.count.limit (5) deliveries.
func TestShareGroupRejectAndRelease(t *testing.T) {
	t.Parallel()
	b := startDemo(t)
	for _, g := range []string{"rej", "rel"} {
		run(t, b.args("group", "config", "set", g, "share.auto.offset.reset=earliest", "--execute")...).ok(t)
	}
	r := run(t, b.args("consume", "order-events", "--share-group", "rej", "--idle-timeout", "1s", "--reject-where", `.type == "OrderShipped"`, "-o", "raw")...).ok(t)
	w, rel, rej := shareCounts(t, r.errOut)
	if w+rej != 288 || rej == 0 || rel != 0 || strings.Contains(r.out, "OrderShipped") {
		t.Fatalf("first run: %d written, %d released, %d rejected:\n%s", w, rel, rej, r.errOut)
	}
	r = run(t, b.args("consume", "order-events", "--share-group", "rej", "--idle-timeout", "1s", "-o", "raw")...).ok(t)
	if w, _, _ := shareCounts(t, r.errOut); w != 0 || r.out != "" {
		t.Errorf("rejected records were delivered again: %d written\n%s", w, r.out)
	}

	r = run(t, b.args("consume", "order-events", "--share-group", "rel", "--idle-timeout", "1s", "--release-where", `.type == "OrderPaid"`, "-o", "raw")...).ok(t)
	w, rel, rej = shareCounts(t, r.errOut)
	paid := 288 - w
	if paid == 0 || rel != 5*paid || rej != 0 {
		t.Errorf("%d written, %d released, %d rejected: want each of the %d OrderPaid records released 5 times (the delivery count limit)", w, rel, rej, paid)
	}
}

// Groups of each type kfake has, through every output format: the table
// names the type and what each type adds (epochs, start offsets), and the
// JSON is pinned.
func TestGroupTypesDescribe(t *testing.T) {
	t.Parallel()
	b := startDemo(t)
	r := run(t, b.args("group", "describe", "shipping-group", "order-workers", "-o", "json", "--no-time-lag")...).ok(t)
	golden(t, "group_describe_types.json", contract(r.out, nil))
	r = run(t, b.args("group", "describe", "shipping-group", "order-workers", "-o", "yaml", "--no-time-lag")...).ok(t)
	for _, want := range []string{"type: consumer", "type: share", "start_offset: ", "lag_basis: broker"} {
		if !strings.Contains(r.out, want) {
			t.Errorf("yaml lacks %q:\n%s", want, r.out)
		}
	}
	r = run(t, b.args("group", "describe", "order-workers", "--no-time-lag")...).ok(t)
	for _, want := range []string{"order-workers\tshare\tEmpty", "START-OFFSET\tLOG-END-OFFSET", "order-events\t0\t34\t101\t67\t"} {
		if !strings.Contains(r.out, want) {
			t.Errorf("table lacks %q:\n%s", want, r.out)
		}
	}
	r = run(t, b.args("group", "describe", "shipping-group", "-o", "wide", "--no-time-lag")...).ok(t)
	if !strings.Contains(r.out, "GROUP-EPOCH\tASSIGNMENT-EPOCH") || !strings.Contains(r.out, "shipping-group\tconsumer\tEmpty") {
		t.Errorf("wide table:\n%s", r.out)
	}
	r = run(t, b.args("group", "list", "--type", "share,consumer")...).ok(t)
	if !strings.Contains(r.out, "order-workers\tshare\tshare\tEmpty") || !strings.Contains(r.out, "shipping-group\tconsumer\tconsumer\tEmpty") || strings.Contains(r.out, "analytics-group") {
		t.Errorf("group list --type share,consumer:\n%s", r.out)
	}
	// The lag gates and --watch take consumer and share groups.
	run(t, b.args("group", "lag", "shipping-group", "--fail-above", "59")...).ok(t)
	run(t, b.args("group", "lag", "order-workers", "--fail-above", "100")...).exit(t, 3)
	watch := func(group string) (sample struct {
		Type      string `json:"type"`
		Lag       int64  `json:"lag"`
		Committed int64  `json:"committed"`
		Status    string `json:"status"`
	}) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		time.AfterFunc(1500*time.Millisecond, cancel)
		ios, _, out, errOut := output.Test()
		if code := cmd.Run(ctx, ios, b.args("group", "lag", group, "--watch", "--interval", "500ms", "--no-time-lag")); code != 130 {
			t.Fatalf("--watch: exit %d, want 130: %s", code, errOut)
		}
		if err := json.Unmarshal([]byte(strings.Split(out.String(), "\n")[0]), &sample); err != nil {
			t.Fatalf("--watch line %q: %v", out.String(), err)
		}
		return sample
	}
	if s := watch("order-workers"); s.Type != "share" || s.Lag != 188 || s.Committed != 100 || s.Status == "" {
		t.Errorf("--watch sample of order-workers %+v: want a share group with lag 188 and its start offsets' sum, 100", s)
	}
	if s := watch("shipping-group"); s.Type != "consumer" || s.Lag != 59 || s.Committed != 229 || s.Status == "" {
		t.Errorf("--watch sample of shipping-group %+v: want a consumer group with lag 59 and its commits' sum, 229", s)
	}
}

// A share group's reset moves its start offsets (refused --shift-by), with
// an undo; its offsets are deleted per topic only.
func TestShareGroupResetAndDeleteOffsets(t *testing.T) {
	t.Parallel()
	b := startDemo(t)
	undo := t.TempDir()
	r := run(t, b.args("group", "reset", "order-workers", "--shift-by", "-1", "--all-topics")...).exit(t, 1)
	if !strings.Contains(r.errOut, `group "order-workers" is a share group, and Kafka has no --shift-by reset for share groups`) {
		t.Errorf("--shift-by on a share group: %s", r.errOut)
	}
	r = run(t, b.args("group", "reset", "order-workers", "--to-earliest", "--topic", "order-events")...).ok(t)
	if !strings.Contains(r.out, "TOPIC\tPARTITION\tSTART-OFFSET\tNEW-START-OFFSET\tDELTA\tEFFECT") || !strings.Contains(r.out, "order-events\t0\t34\t0\t-34\t") {
		t.Errorf("a share group's reset plan:\n%s", r.out)
	}
	r = run(t, b.args("group", "reset", "order-workers", "--to-earliest", "--topic", "order-events", "--execute", "--undo-dir", undo, "-o", "json")...).ok(t)
	var plan struct {
		Type       string `json:"type"`
		Executed   bool   `json:"executed"`
		Partitions []struct {
			New int64 `json:"new_offset"`
		} `json:"partitions"`
	}
	r.json(t, &plan)
	if plan.Type != "share" || !plan.Executed || len(plan.Partitions) != 3 {
		t.Fatalf("reset plan %+v", plan)
	}
	var lag []struct {
		TotalLag int64 `json:"total_lag"`
	}
	run(t, b.args("group", "describe", "order-workers", "--no-time-lag", "-o", "json")...).ok(t).json(t, &lag)
	if lag[0].TotalLag != 288 {
		t.Errorf("after --to-earliest order-workers lags %d, want 288", lag[0].TotalLag)
	}
	m := regexp.MustCompile(`streamctl (group reset order-workers --from-file \S+ --execute)`).FindStringSubmatch(r.errOut)
	if m == nil {
		t.Fatalf("no undo command printed:\n%s", r.errOut)
	}
	run(t, b.args(strings.Fields(m[1])...)...).ok(t)
	run(t, b.args("group", "describe", "order-workers", "--no-time-lag", "-o", "json")...).ok(t).json(t, &lag)
	if lag[0].TotalLag != 188 {
		t.Errorf("after the undo order-workers lags %d, want 188 again", lag[0].TotalLag)
	}

	// replay --to-group cannot move a share group; the reset it offers runs.
	r = run(t, b.args("replay", "order-events", "--from", "start", "--to-group", "order-workers")...).exit(t, 1)
	m = regexp.MustCompile(`streamctl (group reset order-workers [^;]*)$`).FindStringSubmatch(strings.TrimSpace(r.errOut))
	if m == nil {
		t.Fatalf("no reset hint for replay --to-group: %s", r.errOut)
	}
	run(t, b.args(strings.Fields(m[1])...)...).ok(t)

	// The hint of consume --share-group --offset runs as printed.
	r = run(t, b.args("consume", "order-events", "--share-group", "order-workers", "--offset", "start")...).exit(t, 2)
	m = regexp.MustCompile(`streamctl (group reset order-workers [^)]*)\)`).FindStringSubmatch(r.errOut)
	if m == nil {
		t.Fatalf("no reset hint: %s", r.errOut)
	}
	run(t, b.args(strings.Fields(m[1])...)...).ok(t)
	run(t, b.args("group", "describe", "order-workers", "--no-time-lag", "-o", "json")...).ok(t).json(t, &lag)
	if lag[0].TotalLag != 288 {
		t.Errorf("after the hint's reset order-workers lags %d, want 288", lag[0].TotalLag)
	}

	r = run(t, b.args("group", "delete-offsets", "order-workers", "--topic", "order-events:0", "--execute", "--yes")...).exit(t, 1)
	if !strings.Contains(r.errOut, "use --topic order-events") {
		t.Errorf("per-partition delete on a share group: %s", r.errOut)
	}
	r = run(t, b.args("group", "delete-offsets", "order-workers", "--topic", "order-events", "--execute", "--yes", "--undo-dir", undo)...).ok(t)
	if !strings.Contains(r.out, "deleted") {
		t.Errorf("delete-offsets:\n%s", r.out)
	}
	if entries, _ := os.ReadDir(undo); len(entries) < 2 {
		t.Errorf("the deletion saved no undo file")
	}
}

// group config set and delete show the change next to the current value
// and apply it only with --execute; the JSON of the plan is pinned.
func TestGroupConfigPlanFirst(t *testing.T) {
	t.Parallel()
	b := startDemo(t)
	nonDefault := func() string {
		return run(t, b.args("group", "config", "get", "order-workers", "--non-default")...).ok(t).out
	}
	r := run(t, b.args("group", "config", "set", "order-workers", "share.record.lock.duration.ms=60000")...).ok(t)
	// (kfake gives a default's value as empty.)
	if !strings.Contains(r.out, "order-workers\tshare.record.lock.duration.ms\t\tDEFAULT_CONFIG\tset to 60000 (1m)") ||
		!strings.Contains(r.errOut, "Dry run: nothing changed. Add --execute to apply.") {
		t.Errorf("the dry run's plan:\n%s%s", r.out, r.errOut)
	}
	if strings.Contains(nonDefault(), "share.record.lock.duration.ms") {
		t.Fatalf("a dry run changed the config:\n%s", nonDefault())
	}
	r = run(t, b.args("group", "config", "set", "order-workers", "share.record.lock.duration.ms=60000", "--execute", "-o", "json")...).ok(t)
	golden(t, "group_config_set.json", r.out)
	if !strings.Contains(nonDefault(), "share.record.lock.duration.ms\t60000 (1m)") {
		t.Errorf("--execute did not set the config:\n%s", nonDefault())
	}
	r = run(t, b.args("group", "config", "delete", "order-workers", "share.auto.offset.reset")...).ok(t)
	if !strings.Contains(r.out, "order-workers\tshare.auto.offset.reset\tearliest\tGROUP_CONFIG\tdelete: the next level's value applies") || !strings.Contains(nonDefault(), "share.auto.offset.reset") {
		t.Errorf("delete's dry run:\n%s%s", r.out, nonDefault())
	}
	run(t, b.args("group", "config", "delete", "order-workers", "share.auto.offset.reset", "--execute")...).ok(t)
	if strings.Contains(nonDefault(), "share.auto.offset.reset") {
		t.Errorf("delete --execute left the config:\n%s", nonDefault())
	}

	// consume --share-group --isolation's hint sets the group's own
	// isolation level, as printed.
	r = run(t, b.args("consume", "order-events", "--share-group", "order-workers", "--isolation", "read_committed")...).exit(t, 2)
	m := regexp.MustCompile(`streamctl (group config set [^)]*)\)`).FindStringSubmatch(r.errOut)
	if m == nil {
		t.Fatalf("no config hint: %s", r.errOut)
	}
	run(t, b.args(strings.Fields(m[1])...)...).ok(t)
	if !strings.Contains(nonDefault(), "share.isolation.level\tread_committed") {
		t.Errorf("the hint's command did not set share.isolation.level:\n%s", nonDefault())
	}
}

// A broker that does not count a share group's lag (DescribeShareGroupOffsets
// v0, before KIP-1226) gets it computed from the start offsets, and the
// output says so: lag_basis start-offset, and ~ with a note in the table.
func TestShareGroupLagComputedOnOlderBrokers(t *testing.T) {
	t.Parallel()
	vs := kversion.Stable()
	vs.SetMaxKeyVersion(90, 0) // DescribeShareGroupOffsets
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.Ports(0), kfake.DefaultNumPartitions(3), kfake.MaxVersions(vs))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cluster.Close)
	addr := cluster.ListenAddrs()[0]
	c, err := kafka.Connect(&config.Cluster{Brokers: []string{addr}, Timeout: 30 * time.Second}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := playground.Seed(context.Background(), c, time.Now()); err != nil {
		t.Fatalf("seeding the demo data: %v", err)
	}
	b := broker{addr: addr}
	var lags []struct {
		TotalLag   int64 `json:"total_lag"`
		Partitions []struct {
			Lag      int64  `json:"lag"`
			LagBasis string `json:"lag_basis"`
		} `json:"partitions"`
	}
	run(t, b.args("group", "describe", "order-workers", "--no-time-lag", "-o", "json")...).ok(t).json(t, &lags)
	if len(lags) != 1 || lags[0].TotalLag != 188 || len(lags[0].Partitions) != 3 {
		t.Fatalf("order-workers: %+v, want a lag of 188 on 3 partitions", lags)
	}
	for _, p := range lags[0].Partitions {
		if p.LagBasis != "start-offset" {
			t.Errorf("lag_basis %q, want start-offset", p.LagBasis)
		}
	}
	r := run(t, b.args("group", "describe", "order-workers", "--no-time-lag")...).ok(t)
	if !strings.Contains(r.out, "order-events\t0\t34\t101\t~67\t") || !strings.Contains(r.out, "~ log end minus start offset: this broker does not report a share group's lag") {
		t.Errorf("the table does not mark the computed lag:\n%s", r.out)
	}
}

// A consumer-protocol group with a live member on the playground: its
// member, epoch and assignment by topic name (kfake's describe gives topic
// IDs only), and a reset refused while it runs.
func TestConsumerProtocolGroupLive(t *testing.T) {
	t.Parallel()
	b := startDemo(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		ios, _, _, _ := output.Test()
		cmd.Run(ctx, ios, b.args("consume", "order-events", "-g", "shipping-group", "-X", "group.protocol=consumer", "-X", "client.id=shipper", "-o", "raw"))
	}()
	t.Cleanup(func() { cancel(); <-done })
	var r result
	deadline := time.Now().Add(30 * time.Second)
	for {
		r = execute("", b.args("group", "describe", "shipping-group", "--no-time-lag"))
		if r.code == 0 && strings.Contains(r.out, "shipping-group\tconsumer\tStable") && strings.Contains(r.out, "\tshipper\t") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("shipping-group has no member yet: exit %d\n%s%s", r.code, r.out, r.errOut)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if !regexp.MustCompile(`(?m)^\S+\tshipper\t\S+\torder-events:0,1,2\t\d+\t\(same\)$`).MatchString(r.out) {
		t.Errorf("the members table lacks shipper with order-events:0,1,2:\n%s", r.out)
	}
	r = run(t, b.args("group", "reset", "shipping-group", "--to-earliest", "--all-topics", "--execute")...).exit(t, 1)
	if !strings.Contains(r.errOut, `consumer group "shipping-group" is Stable: stop its members before resetting offsets`) {
		t.Errorf("reset with a live member: %s", r.errOut)
	}
}
