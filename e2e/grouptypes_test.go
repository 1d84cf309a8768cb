//go:build e2e

package e2e

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// Kafka 4's group types against the real broker, their members run by
// Kafka's own Java clients, every answer compared with kafka-consumer-groups,
// kafka-share-groups and kafka-streams-groups on the same state.

// stTyped is what `group describe -o json` prints of a group of any type.
type stTyped struct {
	Group           string `json:"group"`
	Type            string `json:"type"`
	State           string `json:"state"`
	Assignor        string `json:"assignor"`
	Members         int    `json:"members"`
	GroupEpoch      *int32 `json:"group_epoch"`
	AssignmentEpoch *int32 `json:"assignment_epoch"`
	TotalLag        int64  `json:"total_lag"`
	Partitions      []struct {
		Topic           string `json:"topic"`
		Partition       int32  `json:"partition"`
		CommittedOffset *int64 `json:"committed_offset"`
		StartOffset     *int64 `json:"start_offset"`
		LogEndOffset    int64  `json:"log_end_offset"`
		Lag             int64  `json:"lag"`
		LagBasis        string `json:"lag_basis"`
	} `json:"partitions"`
	MemberList []stMember `json:"member_list"`
	Topology   *struct {
		Epoch         int32 `json:"epoch"`
		Subtopologies []struct {
			ID                   string   `json:"id"`
			SourceTopics         []string `json:"source_topics"`
			StateChangelogTopics []string `json:"state_changelog_topics"`
		} `json:"subtopologies"`
	} `json:"topology"`
}

type stMember struct {
	MemberID             string           `json:"member_id"`
	ClientID             string           `json:"client_id"`
	Host                 string           `json:"host"`
	MemberEpoch          *int32           `json:"member_epoch"`
	SubscribedTopics     []string         `json:"subscribed_topics"`
	SubscribedTopicRegex string           `json:"subscribed_topic_regex"`
	Assignment           []stTopicPart    `json:"assignment"`
	TargetAssignment     []stTopicPart    `json:"target_assignment"`
	Reconciling          bool             `json:"reconciling"`
	Streams              *stStreamsMember `json:"streams"`
}

type stTopicPart struct {
	Topic     string `json:"topic"`
	Partition int32  `json:"partition"`
}

type stStreamsMember struct {
	ProcessID     string `json:"process_id"`
	TopologyEpoch int32  `json:"topology_epoch"`
	Tasks         struct {
		Active []string `json:"active"`
	} `json:"tasks"`
}

func (u *user) describeTyped(group string) stTyped {
	u.t.Helper()
	var gs []stTyped
	u.run("group", "describe", group, "--no-time-lag", "-o", "json").ok(u.t).json(u.t, &gs)
	if len(gs) != 1 {
		u.t.Fatalf("group describe %s: %d groups", group, len(gs))
	}
	return gs[0]
}

// assignmentString writes an assignment as Kafka's tools do: topic:0,1,2.
func assignmentString(tps []stTopicPart) string {
	var parts []string
	for i := 0; i < len(tps); {
		j := i
		var ps []string
		for ; j < len(tps) && tps[j].Topic == tps[i].Topic; j++ {
			ps = append(ps, strconv.Itoa(int(tps[j].Partition)))
		}
		parts = append(parts, tps[i].Topic+":"+strings.Join(ps, ","))
		i = j
	}
	return strings.Join(parts, ";")
}

// oracleRows parses a table of Kafka's group tools: the rows of group,
// each a map from the header's words to the row's (a header such as
// "COORDINATOR (ID)" and its value "host:port (1)" both take two words).
// Output without a table (the tool saying a group has no offsets) has no
// rows.
func oracleRows(t testing.TB, out, group string) []map[string]string {
	t.Helper()
	var header []string
	var rows []map[string]string
	for _, l := range lines(out) {
		f := strings.Fields(l)
		if len(f) > 0 && f[0] == "GROUP" {
			header = f
			continue
		}
		if header == nil || len(f) == 0 || f[0] != group {
			continue
		}
		row := map[string]string{}
		for i, h := range header {
			if i < len(f) {
				row[h] = f[i]
			}
		}
		if len(f) > len(header) { // a last column with spaces (ASSIGNMENTS)
			row[header[len(header)-1]] = strings.Join(f[len(header)-1:], " ")
		}
		rows = append(rows, row)
	}
	if header == nil {
		t.Logf("no table in:\n%s", out)
	}
	return rows
}

// javaMember is a group member run by Kafka's own Java clients, in its
// own process group, counting the lines it writes.
type javaMember struct {
	cmd    *exec.Cmd
	mu     sync.Mutex
	lines  []string
	stderr bytes.Buffer
	done   chan struct{}
}

// startJava runs a Kafka tool (scripts/kafka-tool ARGS) or, with
// tool == "", a java command line, as a background member.
func startJava(t *testing.T, name string, args ...string) *javaMember {
	t.Helper()
	var cmd *exec.Cmd
	if name == "kafka-tool" {
		cmd = exec.Command(filepath.Join(repoDir, "scripts", "kafka-tool"), args...)
	} else {
		cmd = exec.Command("java", args...)
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	m := &javaMember{cmd: cmd, done: make(chan struct{})}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = &syncWriter{mu: &m.mu, w: &m.stderr}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Logf("$ %s %s &", name, shellJoin(args))
	go func() {
		defer close(m.done)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			m.mu.Lock()
			m.lines = append(m.lines, sc.Text())
			m.mu.Unlock()
		}
		_ = cmd.Wait()
	}()
	t.Cleanup(func() { m.stop() })
	return m
}

type syncWriter struct {
	mu *sync.Mutex
	w  *bytes.Buffer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

// await waits until the member wrote n lines.
func (m *javaMember) await(t *testing.T, n int) {
	t.Helper()
	eventually(t, 2*time.Minute, func() (bool, string) {
		m.mu.Lock()
		defer m.mu.Unlock()
		return len(m.lines) >= n, fmt.Sprintf("the Java member wrote %d lines, want %d; stderr:\n%s", len(m.lines), n, m.stderr.String())
	})
}

// stop ends the member as Ctrl-C would (SIGTERM: it leaves its group) and
// waits for it.
func (m *javaMember) stop() {
	if m.cmd.Process == nil {
		return
	}
	_ = syscall.Kill(-m.cmd.Process.Pid, syscall.SIGTERM)
	select {
	case <-m.done:
	case <-time.After(30 * time.Second):
		_ = syscall.Kill(-m.cmd.Process.Pid, syscall.SIGKILL)
		<-m.done
	}
}

// produceNumbers writes the values from..to-1 to topic, keyed by value.
func produceNumbers(t *testing.T, u *user, topic string, from, to int) {
	t.Helper()
	var in strings.Builder
	for i := from; i < to; i++ {
		fmt.Fprintf(&in, "k%d\t%d\n", i, i)
	}
	u.runIn(in.String(), "produce", topic, "--parse-key").ok(t)
}

// A consumer group on KIP-848's protocol with a Java member: type, state,
// epochs, assignor and each member's epoch and assignment as
// kafka-consumer-groups --describe --state/--members --verbose show them; a
// reset while the member runs is refused and changes nothing; once it left,
// the reset plans what Kafka's tool plans and executes.
func TestConsumerProtocolGroupParity(t *testing.T) {
	t.Parallel()
	u := newUser(t)
	boot := k(t, "KAFKA_BOOTSTRAP")
	topic, grp := uniqueName(t, ""), uniqueName(t, "g")
	u.run("topic", "create", topic, "--partitions", "3").ok(t)
	produceNumbers(t, u, topic, 0, 60)
	m := startJava(t, "kafka-tool", "console-consumer", "--bootstrap-server", boot, "--topic", topic, "--group", grp,
		"--consumer-property", "group.protocol=consumer", "--from-beginning")
	m.await(t, 60)

	var listed []struct{ Group, Type, Protocol, State string }
	eventually(t, time.Minute, func() (bool, string) {
		u.run("group", "list", "--type", "consumer", "-o", "json").ok(t).json(t, &listed)
		for _, g := range listed {
			if g.Group == grp {
				return g.Type == "consumer" && g.Protocol == "consumer" && g.State == "Stable", fmt.Sprintf("%+v", g)
			}
		}
		return false, fmt.Sprintf("%s not listed: %+v", grp, listed)
	})

	var d stTyped
	var state, member map[string]string
	eventually(t, time.Minute, func() (bool, string) {
		// Both views of the same settled state: the member caught up, its
		// epoch equal to the group's.
		d = u.describeTyped(grp)
		srows := oracleRows(t, kafkaTool(t, "consumer-groups", "--bootstrap-server", boot, "--describe", "--group", grp, "--state", "--verbose"), grp)
		if len(srows) != 1 {
			return false, "no state row"
		}
		state = srows[0]
		mrows := oracleRows(t, kafkaTool(t, "consumer-groups", "--bootstrap-server", boot, "--describe", "--group", grp, "--members", "--verbose"), grp)
		if len(mrows) != 1 || len(d.MemberList) != 1 || d.GroupEpoch == nil {
			return false, fmt.Sprintf("members: oracle %v, streamctl %+v", mrows, d.MemberList)
		}
		member = mrows[0]
		return strconv.Itoa(int(*d.GroupEpoch)) == state["GROUP-EPOCH"] && d.TotalLag == 0, fmt.Sprintf("streamctl %+v, oracle %v", d, state)
	})
	if d.Type != "consumer" || d.State != state["STATE"] || d.Assignor != state["ASSIGNMENT-STRATEGY"] ||
		strconv.Itoa(int(*d.AssignmentEpoch)) != state["TARGET-ASSIGNMENT-EPOCH"] || strconv.Itoa(d.Members) != state["#MEMBERS"] {
		t.Errorf("group: streamctl %s %s assignor %s epochs %d/%d %d members; kafka-consumer-groups %v", d.Type, d.State, d.Assignor, *d.GroupEpoch, *d.AssignmentEpoch, d.Members, state)
	}
	dm := d.MemberList[0]
	if dm.MemberID != member["CONSUMER-ID"] || dm.ClientID != member["CLIENT-ID"] || dm.Host != member["HOST"] ||
		strconv.Itoa(int(*dm.MemberEpoch)) != member["CURRENT-EPOCH"] || assignmentString(dm.Assignment) != member["CURRENT-ASSIGNMENT"] ||
		assignmentString(dm.TargetAssignment) != member["TARGET-ASSIGNMENT"] || !slices.Equal(dm.SubscribedTopics, []string{topic}) {
		t.Errorf("member: streamctl %+v; kafka-consumer-groups %v", dm, member)
	}

	// The member commits what it read every few seconds (auto commit): the
	// offsets before the refused reset are those of all 60 records, or its
	// own first commit would read as the reset's doing.
	var before map[int32]int64
	eventually(t, time.Minute, func() (bool, string) {
		before, _ = oracleCommitted(t, grp, topic)
		var sum int64
		for _, o := range before {
			sum += o
		}
		return len(before) == 3 && sum == 60, fmt.Sprintf("committed: %v", before)
	})
	r := u.run("group", "reset", grp, "--to-earliest", "--all-topics", "--execute").exit(t, 1)
	r.errContains(t, fmt.Sprintf(`consumer group %q is Stable: stop its members before resetting offsets`, grp), "nothing changed")
	if after, _ := oracleCommitted(t, grp, topic); !mapsEqual(before, after) {
		t.Errorf("a refused reset moved the offsets: %v -> %v", before, after)
	}

	m.stop()
	eventually(t, time.Minute, func() (bool, string) {
		d = u.describeTyped(grp)
		return d.State == "Empty", d.State
	})
	want := oracleResetDryRun(t, grp, topic, "--to-earliest")
	var plan stResetPlan
	u.run("group", "reset", grp, "--to-earliest", "--topic", topic, "--execute", "-o", "json").ok(t).json(t, &plan)
	got := map[int32]int64{}
	for _, p := range plan.Partitions {
		got[p.Partition] = p.NewOffset
	}
	if !mapsEqual(got, want) || !plan.Executed {
		t.Errorf("reset plan %v, kafka-consumer-groups --dry-run %v", got, want)
	}
	waitCommitted(t, grp, topic, want)

	// Its offsets of one partition deleted, then the group, as
	// kafka-consumer-groups sees them.
	u.run("group", "delete-offsets", grp, "--topic", topic+":0", "--execute", "--yes").ok(t)
	delete(want, 0)
	waitCommitted(t, grp, topic, want)
	u.run("group", "delete", grp, "--execute", "--yes").ok(t)
	if out := kafkaTool(t, "consumer-groups", "--bootstrap-server", boot, "--list"); strings.Contains(out, grp) {
		t.Errorf("kafka-consumer-groups --list still has %s:\n%s", grp, out)
	}
}

func mapsEqual(a, b map[int32]int64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// A share group with Java's console share consumer as its member, against
// kafka-share-groups: members, state and epochs while it runs; start
// offsets and lag after; a reset refused while it runs, then planned as
// Kafka's tool plans it and executed; its offsets deleted; the group
// deleted. Its config set by streamctl is the one kafka-configs reads.
func TestShareGroupParity(t *testing.T) {
	t.Parallel()
	u := newUser(t)
	boot := k(t, "KAFKA_BOOTSTRAP")
	topic, grp := uniqueName(t, ""), uniqueName(t, "sg")
	u.run("topic", "create", topic, "--partitions", "3").ok(t)
	produceNumbers(t, u, topic, 0, 300)
	u.run("group", "config", "set", grp, "share.auto.offset.reset=earliest", "--execute").ok(t)
	cfg := kafkaTool(t, "configs", "--bootstrap-server", boot, "--describe", "--entity-type", "groups", "--entity-name", grp)
	if !strings.Contains(cfg, "share.auto.offset.reset=earliest") {
		t.Errorf("kafka-configs does not see the group config streamctl set:\n%s", cfg)
	}

	m := startJava(t, "kafka-tool", "console-share-consumer", "--bootstrap-server", boot, "--topic", topic, "--group", grp)
	m.await(t, 300)
	var d stTyped
	var state, member map[string]string
	eventually(t, time.Minute, func() (bool, string) {
		d = u.describeTyped(grp)
		srows := oracleRows(t, kafkaTool(t, "share-groups", "--bootstrap-server", boot, "--describe", "--group", grp, "--state", "--verbose"), grp)
		if len(srows) != 1 {
			return false, "no state row"
		}
		state = srows[0]
		mrows := oracleRows(t, kafkaTool(t, "share-groups", "--bootstrap-server", boot, "--describe", "--group", grp, "--members", "--verbose"), grp)
		if len(mrows) != 1 || len(d.MemberList) != 1 || d.GroupEpoch == nil {
			return false, fmt.Sprintf("members: oracle %v, streamctl %+v", mrows, d.MemberList)
		}
		member = mrows[0]
		return d.State == "Stable" && strconv.Itoa(int(*d.GroupEpoch)) == state["GROUP-EPOCH"], fmt.Sprintf("streamctl %+v, oracle %v", d, state)
	})
	if d.Type != "share" || d.State != state["STATE"] || strconv.Itoa(int(*d.AssignmentEpoch)) != state["ASSIGNMENT-EPOCH"] || strconv.Itoa(d.Members) != state["#MEMBERS"] {
		t.Errorf("group: streamctl %+v; kafka-share-groups %v", d, state)
	}
	dm := d.MemberList[0]
	if dm.MemberID != member["CONSUMER-ID"] || dm.ClientID != member["CLIENT-ID"] || dm.Host != member["HOST"] ||
		strconv.Itoa(int(*dm.MemberEpoch)) != member["MEMBER-EPOCH"] || assignmentString(dm.Assignment) != member["ASSIGNMENT"] {
		t.Errorf("member: streamctl %+v; kafka-share-groups %v", dm, member)
	}

	// Resetting, or deleting the offsets of, a share group with a member.
	offsets := func() map[int32][2]int64 {
		out := map[int32][2]int64{}
		for _, r := range oracleRows(t, kafkaTool(t, "share-groups", "--bootstrap-server", boot, "--describe", "--group", grp, "--offsets"), grp) {
			if r["TOPIC"] == topic && r["START-OFFSET"] != "-" {
				out[int32(atoi(t, r["PARTITION"]))] = [2]int64{int64(atoi(t, r["START-OFFSET"])), dashInt(t, r["LAG"])}
			}
		}
		return out
	}
	before := offsets()
	u.run("group", "reset", grp, "--to-earliest", "--all-topics", "--execute").exit(t, 1).
		errContains(t, fmt.Sprintf(`share group %q is Stable: stop its members before resetting offsets`, grp), "nothing changed")
	u.run("group", "delete-offsets", grp, "--topic", topic, "--execute", "--yes").exit(t, 1).
		errContains(t, fmt.Sprintf(`share group %q is Stable: stop its members before deleting its offsets`, grp))
	if after := offsets(); fmt.Sprint(before) != fmt.Sprint(after) {
		t.Errorf("refused operations changed the offsets: %v -> %v", before, after)
	}

	m.stop()
	produceNumbers(t, u, topic, 300, 350)
	eventually(t, time.Minute, func() (bool, string) {
		d = u.describeTyped(grp)
		return d.State == "Empty" && d.TotalLag == 50, fmt.Sprintf("%s, lag %d", d.State, d.TotalLag)
	})
	oracle := offsets()
	for _, p := range d.Partitions {
		o := oracle[p.Partition]
		if p.StartOffset == nil || *p.StartOffset != o[0] || p.Lag != o[1] || p.LagBasis != "broker" {
			t.Errorf("%s[%d]: streamctl start %v lag %d (%s), kafka-share-groups %v", p.Topic, p.Partition, p.StartOffset, p.Lag, p.LagBasis, o)
		}
	}
	u.run("group", "lag", grp, "--fail-above", "49").exit(t, 3)
	u.run("group", "lag", grp, "--fail-above", "50").ok(t)

	// The reset: streamctl's plan is Kafka's.
	dry := kafkaTool(t, "share-groups", "--bootstrap-server", boot, "--reset-offsets", "--group", grp, "--topic", topic, "--to-earliest", "--dry-run")
	want := map[int32]int64{}
	for _, r := range oracleRows(t, dry, grp) {
		want[int32(atoi(t, r["PARTITION"]))] = int64(atoi(t, r["NEW-OFFSET"]))
	}
	var plan stResetPlan
	r := u.run("group", "reset", grp, "--to-earliest", "--topic", topic, "--execute", "-o", "json").ok(t)
	r.json(t, &plan)
	got := map[int32]int64{}
	for _, p := range plan.Partitions {
		got[p.Partition] = p.NewOffset
	}
	if !mapsEqual(got, want) || len(want) != 3 {
		t.Errorf("reset plan %v, kafka-share-groups --dry-run %v", got, want)
	}
	for p, o := range offsets() {
		if o[0] != 0 {
			t.Errorf("after the reset partition %d starts at %d, want 0", p, o[0])
		}
	}
	// Its undo puts the start offsets back.
	undo := regexp.MustCompile(`streamctl (group reset \S+ --from-file \S+ --execute)`).FindStringSubmatch(r.stderr)
	if undo == nil {
		t.Fatalf("no undo command:\n%s", r)
	}
	u.run(strings.Fields(undo[1])...).ok(t)
	for p, o := range offsets() {
		if o[0] != oracle[p][0] {
			t.Errorf("after the undo partition %d starts at %d, want %d", p, o[0], oracle[p][0])
		}
	}

	u.run("group", "delete-offsets", grp, "--topic", topic, "--execute", "--yes").ok(t)
	if o := offsets(); len(o) != 0 {
		t.Errorf("kafka-share-groups still shows offsets after delete-offsets: %v", o)
	}
	u.run("group", "delete", grp, "--execute", "--yes").ok(t)
	if out := kafkaTool(t, "share-groups", "--bootstrap-server", boot, "--list"); strings.Contains(out, grp) {
		t.Errorf("kafka-share-groups --list still has %s:\n%s", grp, out)
	}
}

// Two streamctl processes on one share group at once: each record is
// accepted by one of them only, both get some, REJECTed records are
// never delivered again. Then Ctrl-C in the middle of a read: what one
// member had fetched and not written goes to the next, so the two outputs
// hold every record exactly once.
func TestShareGroupTwoStreamctlMembers(t *testing.T) {
	t.Parallel()
	u := newUser(t)
	topic, grp := uniqueName(t, ""), uniqueName(t, "sg")
	u.run("topic", "create", topic, "--partitions", "3").ok(t)
	const n = 6000
	produceNumbers(t, u, topic, 0, n)
	u.run("group", "config", "set", grp, "share.auto.offset.reset=earliest", "--execute").ok(t)

	type run struct {
		out, errOut string
		code        int
	}
	runs := make([]run, 2)
	var wg sync.WaitGroup
	for i := range runs {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
			defer cancel()
			cmd := u.command(ctx, "consume", topic, "--share-group", grp, "--idle-timeout", "5s", "--reject-where", ". % 10 == 0", "-o", "raw")
			var o, e bytes.Buffer
			cmd.Stdout, cmd.Stderr = &o, &e
			err := cmd.Run()
			runs[i] = run{o.String(), e.String(), cmd.ProcessState.ExitCode()}
			if err != nil && runs[i].code == 0 {
				runs[i].code = -1
			}
		})
	}
	wg.Wait()
	seen := map[string]int{}
	written, rejected := 0, 0
	for i, r := range runs {
		if r.code != 0 {
			t.Fatalf("member %d exited %d:\n%s", i, r.code, r.errOut)
		}
		vals := lines(r.out)
		if len(vals) == 0 {
			t.Errorf("member %d got no records: the share group did not share", i)
		}
		for _, v := range vals {
			seen[v]++
		}
		w, rej := shareSummaryCounts(t, r.errOut)
		written, rejected = written+w, rejected+rej
		t.Logf("member %d: %d written, %d rejected", i, w, rej)
	}
	for v, c := range seen {
		if c != 1 {
			t.Errorf("record %s written %d times", v, c)
		}
		if x, _ := strconv.Atoi(v); x%10 == 0 {
			t.Errorf("rejected record %s written", v)
		}
	}
	if len(seen) != n*9/10 || written != n*9/10 || rejected != n/10 {
		t.Errorf("%d distinct records written (summaries: %d written, %d rejected), want %d and %d", len(seen), written, rejected, n*9/10, n/10)
	}
	r := u.run("consume", topic, "--share-group", grp, "--idle-timeout", "3s", "-o", "raw").ok(t)
	if r.stdout != "" {
		t.Errorf("a third member got records after all were accepted or rejected: %d lines", len(lines(r.stdout)))
	}

	// Ctrl-C while reading: nothing lost, nothing twice. The records are
	// large enough that the member blocks on a full pipe while the test
	// has not read: it is interrupted with records fetched and unwritten.
	topic2, grp2 := uniqueName(t, "big"), uniqueName(t, "sg2")
	u.run("topic", "create", topic2, "--partitions", "3").ok(t)
	const big = 3000
	var in strings.Builder
	for i := range big {
		fmt.Fprintf(&in, "%d %s\n", i, strings.Repeat("x", 1000))
	}
	u.runIn(in.String(), "produce", topic2).ok(t)
	u.run("group", "config", "set", grp2, "share.auto.offset.reset=earliest", "--execute").ok(t)
	bg := u.start("consume", topic2, "--share-group", grp2, "-o", "raw")
	bg.stdin.Close()
	first := bufio.NewScanner(bg.stdout)
	first.Buffer(make([]byte, 1<<16), 1<<20)
	var firstVals []string
	for first.Scan() {
		firstVals = append(firstVals, first.Text())
		if len(firstVals) == 500 {
			break
		}
	}
	if err := bg.cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	for first.Scan() {
		firstVals = append(firstVals, first.Text())
	}
	if code := bg.wait(t); code != 130 {
		t.Fatalf("after Ctrl-C: exit %d, want 130\n%s", code, bg.stderr.String())
	}
	t.Logf("interrupted after %d records: %s", len(firstVals), strings.TrimSpace(bg.stderr.String()))
	r = u.run("consume", topic2, "--share-group", grp2, "--idle-timeout", "5s", "-o", "raw").ok(t)
	all := append(firstVals, lines(r.stdout)...)
	sort.Strings(all)
	if len(firstVals) >= big || len(all) != big || len(slices.Compact(all)) != big {
		t.Errorf("interrupted member wrote %d, the next %d: %d records, %d distinct; want each of %d once, split between them\nfirst's stderr:\n%s",
			len(firstVals), len(lines(r.stdout)), len(all), len(slices.Compact(all)), big, bg.stderr.String())
	}
}

var stShareSummary = regexp.MustCompile(`Share group "[^"]+": (\d+) records? written and accepted.*?, (\d+) released, (\d+) rejected`)

func shareSummaryCounts(t *testing.T, stderr string) (written, rejected int) {
	t.Helper()
	m := stShareSummary.FindStringSubmatch(stderr)
	if m == nil {
		t.Fatalf("no share-group summary in:\n%s", stderr)
	}
	return atoi(t, m[1]), atoi(t, m[3])
}

// wordCountJava is a Kafka Streams application on the streams rebalance
// protocol (KIP-1071): it counts the values of its input topic, which
// makes a repartition and a changelog topic.
const wordCountJava = `import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;

public class WordCount {
  public static void main(String[] args) throws Exception {
    Properties p = new Properties();
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, args[1]);
    p.put(StreamsConfig.STATE_DIR_CONFIG, args[4]);
    p.put("group.protocol", "streams");
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "100");
    p.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
    p.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
    StreamsBuilder b = new StreamsBuilder();
    b.<String, String>stream(args[2]).groupBy((k, v) -> v).count().toStream().mapValues(Object::toString).to(args[3]);
    KafkaStreams s = new KafkaStreams(b.build(), p);
    CountDownLatch done = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> { s.close(); done.countDown(); }));
    s.start();
    done.await();
  }
}
`

// startWordCount compiles and starts the Kafka Streams application as
// application (group) id app.
func startWordCount(t *testing.T, app, in, out string) *javaMember {
	t.Helper()
	dir := t.TempDir()
	src := filepath.Join(dir, "WordCount.java")
	if err := os.WriteFile(src, []byte(wordCountJava), 0o644); err != nil {
		t.Fatal(err)
	}
	cp := k(t, "KAFKA_LIB") + "/*"
	if b, err := exec.Command("javac", "-cp", cp, "-d", dir, src).CombinedOutput(); err != nil {
		t.Fatalf("javac: %v\n%s", err, b)
	}
	log4j := filepath.Join(dir, "log4j2.properties")
	if err := os.WriteFile(log4j, []byte("status = error\nappender.err.type = Console\nappender.err.name = STDERR\nappender.err.target = SYSTEM_ERR\n"+
		"appender.err.layout.type = PatternLayout\nappender.err.layout.pattern = [%d] %p %m (%c)%n\nrootLogger.level = WARN\nrootLogger.appenderRef.err.ref = STDERR\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return startJava(t, "java", "-Xmx256m", "-XX:TieredStopAtLevel=1", "-Dlog4j2.configurationFile="+log4j,
		"-cp", cp+":"+dir, "WordCount", k(t, "KAFKA_BOOTSTRAP"), app, in, out, filepath.Join(dir, "state"))
}

// A Kafka Streams application on the streams protocol is a streams group:
// its members, tasks, topology and epochs as kafka-streams-groups shows
// them; the lag of its topics; a reset refused while it runs; then the
// reset kafka-streams-groups plans, executed, its internal topics deleted
// only when asked.
func TestStreamsGroupParity(t *testing.T) {
	t.Parallel()
	u := newUser(t)
	boot := k(t, "KAFKA_BOOTSTRAP")
	in, out, app := uniqueName(t, "in"), uniqueName(t, "out"), uniqueName(t, "app")
	u.run("topic", "create", in, "--partitions", "2").ok(t)
	u.run("topic", "create", out, "--partitions", "2").ok(t)
	produceNumbers(t, u, in, 0, 40)
	m := startWordCount(t, app, in, out)

	var d stTyped
	var state, member map[string]string
	eventually(t, 2*time.Minute, func() (bool, string) {
		var listed []struct{ Group, Type, State string }
		u.run("group", "list", "--type", "streams", "-o", "json").ok(t).json(t, &listed)
		if !slices.ContainsFunc(listed, func(g struct{ Group, Type, State string }) bool { return g.Group == app && g.State == "Stable" }) {
			return false, fmt.Sprintf("%s not Stable in group list --type streams: %+v; app stderr:\n%s", app, listed, m.stderr.String())
		}
		d = u.describeTyped(app)
		srows := oracleRows(t, kafkaTool(t, "streams-groups", "--bootstrap-server", boot, "--describe", "--group", app, "--state", "--verbose"), app)
		if len(srows) != 1 {
			return false, "no state row"
		}
		state = srows[0]
		mrows := oracleRows(t, kafkaTool(t, "streams-groups", "--bootstrap-server", boot, "--describe", "--group", app, "--members", "--verbose"), app)
		if len(mrows) != 1 || len(d.MemberList) != 1 || d.GroupEpoch == nil {
			return false, fmt.Sprintf("members: oracle %v, streamctl %+v", mrows, d.MemberList)
		}
		member = mrows[0]
		return d.TotalLag == 0 && strconv.Itoa(int(*d.GroupEpoch)) == state["GROUP-EPOCH"], fmt.Sprintf("lag %d, streamctl %+v, oracle %v", d.TotalLag, d, state)
	})
	if d.Type != "streams" || d.State != state["STATE"] || d.Assignor != state["ASSIGNOR"] || strconv.Itoa(int(*d.AssignmentEpoch)) != state["TARGET-ASSIGNMENT-EPOCH"] {
		t.Errorf("group: streamctl %+v; kafka-streams-groups %v", d, state)
	}
	dm := d.MemberList[0]
	if dm.MemberID != member["MEMBER"] || dm.ClientID != member["CLIENT-ID"] || dm.Streams == nil || dm.Streams.ProcessID != member["PROCESS"] ||
		strconv.Itoa(int(*dm.MemberEpoch)) != member["MEMBER-EPOCH"] || strconv.Itoa(int(dm.Streams.TopologyEpoch)) != member["TOPOLOGY-EPOCH"] {
		t.Errorf("member: streamctl %+v; kafka-streams-groups %v", dm, member)
	}
	// Kafka's "ACTIVE: 0:[0,1]; 1:[0,1];" is streamctl's tasks 0_0,0_1,1_0,1_1.
	var tasks []string
	for _, m := range regexp.MustCompile(`(\d+):\[([\d,]+)\]`).FindAllStringSubmatch(strings.Split(member["ASSIGNMENTS"], "TARGET-")[0], -1) {
		for _, p := range strings.Split(m[2], ",") {
			tasks = append(tasks, m[1]+"_"+p)
		}
	}
	sort.Strings(tasks)
	if !slices.Equal(dm.Streams.Tasks.Active, tasks) {
		t.Errorf("active tasks: streamctl %v, kafka-streams-groups %v (%s)", dm.Streams.Tasks.Active, tasks, member["ASSIGNMENTS"])
	}
	if d.Topology == nil || len(d.Topology.Subtopologies) != 2 || !slices.Equal(d.Topology.Subtopologies[0].SourceTopics, []string{in}) {
		t.Errorf("topology %+v", d.Topology)
	}
	// Lag per partition, as --offsets shows it.
	offs := oracleRows(t, kafkaTool(t, "streams-groups", "--bootstrap-server", boot, "--describe", "--group", app, "--offsets", "--verbose"), app)
	for _, p := range d.Partitions {
		for _, o := range offs {
			if o["TOPIC"] == p.Topic && o["PARTITION"] == strconv.Itoa(int(p.Partition)) && (strconv.FormatInt(p.Lag, 10) != o["OFFSET-LAG"] || strconv.FormatInt(p.LogEndOffset, 10) != o["LOG-END-OFFSET"]) {
				t.Errorf("%s[%d]: streamctl lag %d end %d, kafka-streams-groups %v", p.Topic, p.Partition, p.Lag, p.LogEndOffset, o)
			}
		}
	}

	u.run("group", "reset", app, "--to-earliest", "--all-topics", "--execute").exit(t, 1).
		errContains(t, fmt.Sprintf(`streams group %q is Stable: stop its members before resetting offsets`, app), "nothing changed")
	// topic lag of its input topic names it, with its type.
	if out := u.run("topic", "lag", in).ok(t).stdout; !strings.Contains(out, app+"\tstreams\tStable\t1\t0\t") {
		t.Errorf("topic lag %s lacks %s as a Stable streams group without lag:\n%s", in, app, out)
	}
	// A consumer cannot join it (the broker would refuse its heartbeats).
	u.run("consume", in, "-g", app, "-n", "1").exit(t, 1).
		errContains(t, fmt.Sprintf(`group %q is a streams group, and Kafka has no consumer-group member for streams groups`, app))
	m.stop()
	eventually(t, time.Minute, func() (bool, string) {
		d = u.describeTyped(app)
		return d.State == "Empty", d.State
	})
	dry := kafkaTool(t, "streams-groups", "--bootstrap-server", boot, "--reset-offsets", "--group", app, "--all-input-topics", "--to-earliest", "--dry-run")
	want := map[string]int64{}
	for _, r := range oracleRows(t, dry, app) {
		want[r["TOPIC"]+"/"+r["PARTITION"]] = int64(atoi(t, r["NEW-OFFSET"]))
	}
	var plan struct {
		stResetPlan
		InternalTopics []string `json:"internal_topics"`
		Deleted        []string `json:"deleted_internal_topics"`
	}
	r := u.run("group", "reset", app, "--to-earliest", "--all-topics", "-o", "json").ok(t)
	r.json(t, &plan)
	got := map[string]int64{}
	for _, p := range plan.Partitions {
		got[fmt.Sprintf("%s/%d", p.Topic, p.Partition)] = p.NewOffset
	}
	if fmt.Sprint(got) != fmt.Sprint(want) || len(plan.InternalTopics) != 2 {
		t.Errorf("reset plan %v (internal topics %v), kafka-streams-groups --dry-run %v", got, plan.InternalTopics, want)
	}
	r.errContains(t, "--delete-internal-topics deletes them with the reset")
	u.run("group", "reset", app, "--to-earliest", "--all-topics", "--execute").ok(t)
	names := oracleTopicNames(t)
	for _, it := range plan.InternalTopics {
		if !names[it] {
			t.Errorf("internal topic %s deleted without --delete-internal-topics", it)
		}
	}
	u.run("group", "reset", app, "--to-latest", "--all-topics", "--execute", "--delete-internal-topics", "-o", "json").ok(t).json(t, &plan)
	names = oracleTopicNames(t)
	for _, it := range plan.InternalTopics {
		if names[it] {
			t.Errorf("internal topic %s still there after --delete-internal-topics", it)
		}
	}
	if len(plan.Deleted) != len(plan.InternalTopics) {
		t.Errorf("deleted_internal_topics %v, internal_topics %v", plan.Deleted, plan.InternalTopics)
	}

	// Its offsets of an input topic deleted, then the group. Kafka's tool
	// shows no offsets of a streams group without members: the broker's
	// OffsetFetch answer is the oracle.
	committedIn := func() int { return len(brokerCommitted(t, app)[in]) }
	if n := committedIn(); n != 2 {
		t.Fatalf("the broker has %d commits of %s on %s before delete-offsets, want 2", n, app, in)
	}
	u.run("group", "delete-offsets", app, "--topic", in, "--execute", "--yes").ok(t)
	if n := committedIn(); n != 0 {
		t.Errorf("the broker still has %d commits on %s after delete-offsets", n, in)
	}
	u.run("group", "delete", app, "--execute", "--yes").ok(t)
	if out := kafkaTool(t, "streams-groups", "--bootstrap-server", boot, "--list"); strings.Contains(out, app) {
		t.Errorf("kafka-streams-groups --list still has %s:\n%s", app, out)
	}
}

// brokerCommitted is a group's committed offsets as the broker answers an
// OffsetFetch of every topic (franz-go, not streamctl): topic, partition,
// offset.
func brokerCommitted(t *testing.T, group string) map[string]map[int32]int64 {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(k(t, "KAFKA_BOOTSTRAP")))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	req := kmsg.NewPtrOffsetFetchRequest()
	g := kmsg.NewOffsetFetchRequestGroup()
	g.Group = group
	req.Groups = append(req.Groups, g)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	resp, err := req.RequestWith(ctx, cl)
	if err != nil {
		t.Fatalf("OffsetFetch of %s: %v", group, err)
	}
	out := map[string]map[int32]int64{}
	for _, rg := range resp.Groups {
		if err := kerr.ErrorForCode(rg.ErrorCode); err != nil {
			t.Fatalf("OffsetFetch of %s: %v", group, err)
		}
		for _, rt := range rg.Topics {
			for _, p := range rt.Partitions {
				if p.Offset >= 0 {
					if out[rt.Topic] == nil {
						out[rt.Topic] = map[int32]int64{}
					}
					out[rt.Topic][p.Partition] = p.Offset
				}
			}
		}
	}
	return out
}
