//go:build e2e

package e2e

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// kip848Member is a member of a consumer group that speaks KIP-848's
// ConsumerGroupHeartbeat itself, so the test decides when it gives
// partitions up: a real client revokes within milliseconds, which leaves
// nothing to see of a group that is reconciling.
type kip848Member struct {
	t     *testing.T
	cl    *kgo.Client
	group string
	id    string

	mu       sync.Mutex
	epoch    int32
	owned    []kmsg.ConsumerGroupHeartbeatRequestTopic // what it reports owning
	assigned []kmsg.ConsumerGroupHeartbeatResponseAssignmentTopic
}

func newKIP848Member(t *testing.T, clientID, group string) *kip848Member {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(k(t, "KAFKA_BOOTSTRAP")), kgo.ClientID(clientID))
	if err != nil {
		t.Fatal(err)
	}
	id := make([]byte, 16)
	_, _ = rand.Read(id)
	m := &kip848Member{t: t, cl: cl, group: group, id: base64.RawURLEncoding.EncodeToString(id)}
	t.Cleanup(func() {
		// Leave (epoch -1), so the group empties at once.
		req := kmsg.NewPtrConsumerGroupHeartbeatRequest()
		req.Group, req.MemberID, req.MemberEpoch = group, m.id, -1
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_, _ = req.RequestWith(ctx, cl)
		cl.Close()
	})
	return m
}

// heartbeat sends one heartbeat. The first joins with the subscription
// (topic names, or a regex); later ones report what the member owns,
// which is what it was first assigned, for good: it never revokes.
func (m *kip848Member) heartbeat(names []string, regex string) {
	m.t.Helper()
	m.mu.Lock()
	defer m.mu.Unlock()
	req := kmsg.NewPtrConsumerGroupHeartbeatRequest()
	req.Group, req.MemberID, req.MemberEpoch = m.group, m.id, m.epoch
	if m.epoch == 0 {
		req.RebalanceTimeoutMillis = 300000 // time to look before the broker fences it
		req.SubscribedTopicNames = names
		if regex != "" {
			req.SubscribedTopicNames, req.SubscribedTopicRegex = nil, &regex
		}
		req.Topics = []kmsg.ConsumerGroupHeartbeatRequestTopic{}
	} else {
		req.Topics = m.owned
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	resp, err := req.RequestWith(ctx, m.cl)
	if err == nil {
		err = kerr.ErrorForCode(resp.ErrorCode)
	}
	if kerr.IsRetriable(err) {
		return // a coordinator still loading: the next heartbeat retries
	}
	if err != nil {
		m.t.Errorf("ConsumerGroupHeartbeat of %s: %v", m.id, err)
		return
	}
	m.epoch = resp.MemberEpoch
	if resp.Assignment != nil && m.assigned == nil {
		// The first assignment is taken (and then kept): it is owned.
		m.assigned = resp.Assignment.Topics
		m.owned = []kmsg.ConsumerGroupHeartbeatRequestTopic{}
		for _, at := range resp.Assignment.Topics {
			ot := kmsg.NewConsumerGroupHeartbeatRequestTopic()
			ot.TopicID, ot.Partitions = at.TopicID, slices.Clone(at.Partitions)
			m.owned = append(m.owned, ot)
		}
	}
}

func (m *kip848Member) ownedCount() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for _, t := range m.owned {
		n += len(t.Partitions)
	}
	return n
}

func (m *kip848Member) joined() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.epoch > 0
}

// keepAlive heartbeats every second until the test ends.
func (m *kip848Member) keepAlive(names []string, regex string) {
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-stop:
				return
			case <-time.After(time.Second):
				m.heartbeat(names, regex)
			}
		}
	}()
	m.t.Cleanup(func() { close(stop); <-done })
}

// A consumer group caught reconciling: one member holds every partition
// and does not give any up, a second one (subscribed by regex) waits for
// its share. The group's state is Reconciling (never Unknown), the first
// member's current assignment differs from its target and the second has
// only a target, as kafka-consumer-groups --describe --state and
// --members --verbose show them; the table shows the targets and the
// regex; a reset is refused while they are there.
func TestConsumerProtocolGroupReconciling(t *testing.T) {
	t.Parallel()
	u := newUser(t)
	boot := k(t, "KAFKA_BOOTSTRAP")
	topic, grp := uniqueName(t, ""), uniqueName(t, "g")
	u.run("topic", "create", topic, "--partitions", "4").ok(t)
	produceNumbers(t, u, topic, 0, 40)

	// Consumer groups have group configs too: a dry run leaves it, --execute
	// sets what kafka-configs reads.
	groupConfigs := func() string {
		return kafkaTool(t, "configs", "--bootstrap-server", boot, "--describe", "--entity-type", "groups", "--entity-name", grp)
	}
	u.run("group", "config", "set", grp, "consumer.session.timeout.ms=50000").ok(t).errContains(t, "Dry run: nothing changed")
	if strings.Contains(groupConfigs(), "consumer.session.timeout.ms=50000") {
		t.Errorf("a dry run set the group config:\n%s", groupConfigs())
	}
	u.run("group", "config", "set", grp, "consumer.session.timeout.ms=50000", "--execute").ok(t)
	if cfg := groupConfigs(); !strings.Contains(cfg, "consumer.session.timeout.ms=50000") {
		t.Errorf("kafka-configs does not see the group config streamctl set:\n%s", cfg)
	}
	u.run("group", "config", "set", grp, "consumer.session.timeout.ms=abc").exit(t, 1).errContains(t, "consumer.session.timeout.ms")

	a := newKIP848Member(t, "member-a", grp)
	eventually(t, time.Minute, func() (bool, string) {
		a.heartbeat([]string{topic}, "")
		return a.ownedCount() == 4, fmt.Sprintf("member a owns %d partitions", a.ownedCount())
	})
	a.keepAlive(nil, "")
	regex := "^" + topic + "$"
	b := newKIP848Member(t, "member-b", grp)
	eventually(t, time.Minute, func() (bool, string) {
		b.heartbeat(nil, regex)
		return b.joined(), "member b has not joined"
	})
	b.keepAlive(nil, regex)

	var d stTyped
	var state map[string]string
	members := map[string]map[string]string{}
	eventually(t, time.Minute, func() (bool, string) {
		srows := oracleRows(t, kafkaTool(t, "consumer-groups", "--bootstrap-server", boot, "--describe", "--group", grp, "--state", "--verbose"), grp)
		mrows := oracleRows(t, kafkaTool(t, "consumer-groups", "--bootstrap-server", boot, "--describe", "--group", grp, "--members", "--verbose"), grp)
		d = u.describeTyped(grp)
		if len(srows) != 1 || len(mrows) != 2 {
			return false, fmt.Sprintf("oracle: %v %v", srows, mrows)
		}
		state = srows[0]
		for _, r := range mrows {
			members[r["CONSUMER-ID"]] = r
		}
		// Settled: b has its target (the broker resolves a regex in the
		// background), and both views are of the same epoch.
		ready := state["STATE"] == "Reconciling" && members[b.id]["TARGET-ASSIGNMENT"] != "-" && d.GroupEpoch != nil &&
			strconv.Itoa(int(*d.GroupEpoch)) == state["GROUP-EPOCH"] && len(d.MemberList) == 2
		return ready, fmt.Sprintf("oracle %v %v; streamctl %+v", state, members, d)
	})
	if d.Type != "consumer" || d.State != "Reconciling" || d.Assignor != state["ASSIGNMENT-STRATEGY"] ||
		strconv.Itoa(int(*d.AssignmentEpoch)) != state["TARGET-ASSIGNMENT-EPOCH"] {
		t.Errorf("group: streamctl %s %s assignor %s assignment epoch %v; kafka-consumer-groups %v", d.Type, d.State, d.Assignor, d.AssignmentEpoch, state)
	}
	var listed []struct{ Group, Type, State string }
	u.run("group", "list", "--type", "consumer", "-o", "json").ok(t).json(t, &listed)
	if !slices.Contains(listed, struct{ Group, Type, State string }{grp, "consumer", "Reconciling"}) {
		t.Errorf("group list: %+v, want %s consumer Reconciling", listed, grp)
	}
	dash := func(s string) string {
		if s == "" {
			return "-"
		}
		return s
	}
	for _, m := range d.MemberList {
		o := members[m.MemberID]
		if o == nil {
			t.Errorf("member %s is not one kafka-consumer-groups lists: %v", m.MemberID, members)
			continue
		}
		if strconv.Itoa(int(*m.MemberEpoch)) != o["CURRENT-EPOCH"] || dash(assignmentString(m.Assignment)) != o["CURRENT-ASSIGNMENT"] ||
			dash(assignmentString(m.TargetAssignment)) != o["TARGET-ASSIGNMENT"] || m.ClientID != o["CLIENT-ID"] || m.Host != o["HOST"] {
			t.Errorf("member %s: streamctl epoch %d current %q target %q; kafka-consumer-groups %v", m.MemberID, *m.MemberEpoch,
				assignmentString(m.Assignment), assignmentString(m.TargetAssignment), o)
		}
		if !m.Reconciling {
			t.Errorf("member %s is not marked reconciling: %+v", m.MemberID, m)
		}
	}
	ma := d.MemberList[slices.IndexFunc(d.MemberList, func(m stMember) bool { return m.MemberID == a.id })]
	mb := d.MemberList[slices.IndexFunc(d.MemberList, func(m stMember) bool { return m.MemberID == b.id })]
	if len(ma.Assignment) != 4 || len(ma.TargetAssignment) != 2 || len(mb.Assignment) != 0 || len(mb.TargetAssignment) != 2 ||
		!slices.Equal(ma.SubscribedTopics, []string{topic}) || mb.SubscribedTopicRegex != regex {
		t.Errorf("member a %+v\nmember b %+v\nwant a holding 4 partitions with a target of 2, b none with a target of 2, b subscribed by regex %s", ma, mb, regex)
	}

	// What a person sees: each member's target next to what it has, and
	// the regex.
	table := u.run("group", "describe", grp, "-o", "wide", "--no-time-lag").ok(t).stdout
	for _, want := range []string{
		fmt.Sprintf("%s\tmember-a\t%s\t%s\t%s\t%s", a.id, ma.Host, assignmentString(ma.Assignment), strconv.Itoa(int(*ma.MemberEpoch)), assignmentString(ma.TargetAssignment)),
		fmt.Sprintf("%s\tmember-b\t%s\t-\t%s\t%s\t-\tregex %s", b.id, mb.Host, strconv.Itoa(int(*mb.MemberEpoch)), assignmentString(mb.TargetAssignment), regex),
	} {
		if !strings.Contains(table, want) {
			t.Errorf("group describe -o wide lacks %q:\n%s", want, table)
		}
	}
	before, _ := oracleCommitted(t, grp, topic)
	u.run("group", "reset", grp, "--to-earliest", "--topic", topic, "--execute").exit(t, 1).
		errContains(t, fmt.Sprintf(`consumer group %q is Reconciling: stop its members before resetting offsets`, grp), "nothing changed")
	if after, _ := oracleCommitted(t, grp, topic); !mapsEqual(before, after) {
		t.Errorf("a refused reset moved the offsets: %v -> %v", before, after)
	}
}
