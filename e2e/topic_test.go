//go:build e2e

package e2e

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// What streamctl prints with -o json, decoded the way a script would.
type stTopic struct {
	Name              string        `json:"name"`
	ID                string        `json:"id"`
	Internal          bool          `json:"internal"`
	Partitions        int           `json:"partitions"`
	ReplicationFactor int           `json:"replication_factor"`
	Records           int64         `json:"records"`
	MinInSyncReplicas int           `json:"min_insync_replicas"`
	Configs           []stConfig    `json:"configs"`
	PartitionDetails  []stPartition `json:"partition_details"`
}

type stConfig struct {
	Name      string `json:"name"`
	Value     string `json:"value"`
	Source    string `json:"source"`
	ReadOnly  bool   `json:"read_only"`
	Sensitive bool   `json:"sensitive"`
}

type stPartition struct {
	Partition       int32   `json:"partition"`
	Leader          int32   `json:"leader"`
	Replicas        []int32 `json:"replicas"`
	ISR             []int32 `json:"isr"`
	LogStartOffset  int64   `json:"log_start_offset"`
	LogEndOffset    int64   `json:"log_end_offset"`
	Records         int64   `json:"records"`
	UnderReplicated bool    `json:"under_replicated"`
	UnderMinISR     bool    `json:"under_min_isr"`
	Offline         bool    `json:"offline"`
}

// describe runs `topic describe NAME -o json` and returns the one topic.
func (u *user) describe(topic string) stTopic {
	u.t.Helper()
	var ts []stTopic
	u.run("topic", "describe", topic, "-o", "json").ok(u.t).json(u.t, &ts)
	if len(ts) != 1 || ts[0].Name != topic {
		u.t.Fatalf("topic describe %s: want that one topic, got %+v", topic, ts)
	}
	return ts[0]
}

// listed runs `topic list -o json` and returns the named topic's row.
func (u *user) listed(topic string) (stTopic, bool) {
	u.t.Helper()
	var ts []stTopic
	u.run("topic", "list", "-o", "json").ok(u.t).json(u.t, &ts)
	for _, x := range ts {
		if x.Name == topic {
			return x, true
		}
	}
	return stTopic{}, false
}

// assertDescribeParity compares `topic describe -o json` with kafka-topics
// --describe, kafka-configs --describe and GetOffsetShell (earliest and
// latest) on the same state: topic id, partition count, replication factor,
// config overrides, min.insync.replicas, and per partition the leader,
// replicas, ISR, log start and end offsets.
func assertDescribeParity(t *testing.T, u *user, topic string) stTopic {
	t.Helper()
	st := u.describe(topic)
	ot := oracleDescribeTopic(t, topic)
	latest := oracleOffsets(t, topic, "-1")
	earliest := oracleOffsets(t, topic, "-2")

	if st.ID != ot.ID {
		t.Errorf("topic id: streamctl %q, kafka-topics %q", st.ID, ot.ID)
	}
	if st.Partitions != ot.PartitionCount || len(st.PartitionDetails) != len(ot.Partitions) {
		t.Errorf("partitions: streamctl %d (%d rows), kafka-topics %d (%d rows)", st.Partitions, len(st.PartitionDetails), ot.PartitionCount, len(ot.Partitions))
	}
	if st.ReplicationFactor != ot.ReplicationFactor {
		t.Errorf("replication factor: streamctl %d, kafka-topics %d", st.ReplicationFactor, ot.ReplicationFactor)
	}
	// describe lists the topic's own overrides: what ConfigCommand calls
	// its dynamic configs. kafka-topics' "Configs:" also shows inherited
	// non-defaults (min.insync.replicas, a cluster default in Kafka 4), so it
	// must hold the overrides and agree on the effective min.insync.replicas.
	stConfigs := map[string]string{}
	for _, c := range st.Configs {
		stConfigs[c.Name] = c.Value
		if c.Source != "DYNAMIC_TOPIC_CONFIG" {
			t.Errorf("describe lists %s from %s, not a topic override", c.Name, c.Source)
		}
		if v, ok := ot.Configs[c.Name]; !ok || v != c.Value {
			t.Errorf("describe: %s=%s; kafka-topics Configs: %v", c.Name, c.Value, ot.Configs)
		}
	}
	if overrides := oracleTopicOverrides(t, topic); !maps.Equal(stConfigs, overrides) {
		t.Errorf("topic overrides: streamctl %v, kafka-configs %v", stConfigs, overrides)
	}
	if v, ok := ot.Configs["min.insync.replicas"]; ok && strconv.Itoa(st.MinInSyncReplicas) != v {
		t.Errorf("min.insync.replicas: streamctl %d, kafka-topics %s", st.MinInSyncReplicas, v)
	}
	var records int64
	for i := range min(len(st.PartitionDetails), len(ot.Partitions)) {
		sp, op := st.PartitionDetails[i], ot.Partitions[i]
		if sp.Partition != op.Partition {
			t.Errorf("row %d: partition %d vs %d", i, sp.Partition, op.Partition)
			continue
		}
		if sp.Leader != op.Leader || !slices.Equal(sp.Replicas, op.Replicas) || !slices.Equal(sp.ISR, op.ISR) {
			t.Errorf("partition %d: streamctl leader %d replicas %v isr %v; kafka-topics leader %d replicas %v isr %v",
				sp.Partition, sp.Leader, sp.Replicas, sp.ISR, op.Leader, op.Replicas, op.ISR)
		}
		if sp.LogEndOffset != latest[sp.Partition] || sp.LogStartOffset != earliest[sp.Partition] {
			t.Errorf("partition %d: streamctl log %d..%d; GetOffsetShell %d..%d",
				sp.Partition, sp.LogStartOffset, sp.LogEndOffset, earliest[sp.Partition], latest[sp.Partition])
		}
		if want := latest[sp.Partition] - earliest[sp.Partition]; sp.Records != want {
			t.Errorf("partition %d: streamctl records %d, want end-start %d", sp.Partition, sp.Records, want)
		}
		records += sp.Records
	}
	if st.Records != records {
		t.Errorf("topic records %d, want the partitions' sum %d", st.Records, records)
	}
	return st
}

// cluster describe against Kafka's view of the cluster (metadata-quorum
// and broker-api-versions): the same cluster id, the same brokers at the
// same addresses, and the controller one of them.
func TestClusterDescribe(t *testing.T) {
	t.Parallel()
	u := newUser(t)
	var cd struct {
		ClusterID    string `json:"cluster_id"`
		ControllerID int32  `json:"controller_id"`
		Brokers      []struct {
			ID   int32  `json:"id"`
			Host string `json:"host"`
			Port int    `json:"port"`
			Rack string `json:"rack"`
		} `json:"brokers"`
	}
	u.run("cluster", "describe", "-o", "json").ok(t).json(t, &cd)
	oc := oracleDescribeCluster(t, k(t, "KAFKA_BOOTSTRAP"), "")

	if cd.ClusterID != oc.ClusterID || cd.ClusterID != kenv["KAFKA_CLUSTER_ID"] {
		t.Errorf("cluster id: streamctl %q, metadata-quorum %q, formatted with %q", cd.ClusterID, oc.ClusterID, kenv["KAFKA_CLUSTER_ID"])
	}
	got := map[int32]string{}
	for _, b := range cd.Brokers {
		got[b.ID] = fmt.Sprintf("%s:%d", b.Host, b.Port)
	}
	if !maps.Equal(got, oc.Brokers) {
		t.Errorf("brokers: streamctl %v, kafka-broker-api-versions %v", got, oc.Brokers)
	}
	if _, ok := got[cd.ControllerID]; !ok {
		t.Errorf("controller %d is none of the brokers %v", cd.ControllerID, got)
	}
	if len(got) == 1 && cd.ControllerID != oc.LeaderID {
		t.Errorf("single node: controller %d, but the KRaft leader is %d", cd.ControllerID, oc.LeaderID)
	}

	// The table a person reads says the same.
	r := u.run("cluster", "describe").ok(t)
	for _, want := range []string{cd.ClusterID, k(t, "KAFKA_BOOTSTRAP"), "controller"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("table lacks %q:\n%s", want, r)
		}
	}
}

// The life of a topic, each step checked with kafka-topics: create (with
// configs, --if-not-exists, --dry-run, a bad config), list, describe, alter,
// config get/set/delete, delete.
func TestTopicLifecycle(t *testing.T) {
	t.Parallel()
	u := newUser(t)
	topic := uniqueName(t, "")
	dry := uniqueName(t, "dry")

	// create with configs
	var cr struct {
		Topic          string            `json:"topic"`
		Partitions     int               `json:"partitions"`
		Configs        map[string]string `json:"configs"`
		Created        bool              `json:"created"`
		AlreadyExisted bool              `json:"already_existed"`
		DryRun         bool              `json:"dry_run"`
	}
	u.run("topic", "create", topic, "--partitions", "3", "-c", "retention.ms=3600000", "-c", "cleanup.policy=compact,delete", "-o", "json").ok(t).json(t, &cr)
	if !cr.Created || cr.AlreadyExisted || cr.DryRun || cr.Partitions != 3 || cr.Configs["retention.ms"] != "3600000" {
		t.Errorf("create: %+v", cr)
	}
	ot := oracleDescribeTopic(t, topic)
	if ot.PartitionCount != 3 || ot.Configs["retention.ms"] != "3600000" || ot.Configs["cleanup.policy"] != "compact,delete" {
		t.Errorf("kafka-topics after create: %+v", ot)
	}

	// again: an error, unless --if-not-exists
	u.run("topic", "create", topic, "--partitions", "3").exit(t, 1).errContains(t, "already exists", "--if-not-exists")
	cr = struct {
		Topic          string            `json:"topic"`
		Partitions     int               `json:"partitions"`
		Configs        map[string]string `json:"configs"`
		Created        bool              `json:"created"`
		AlreadyExisted bool              `json:"already_existed"`
		DryRun         bool              `json:"dry_run"`
	}{}
	u.run("topic", "create", topic, "--partitions", "7", "--if-not-exists", "-o", "json").ok(t).json(t, &cr)
	// It reports the topic as it is, not as asked for.
	if cr.Created || !cr.AlreadyExisted || cr.Partitions != 3 || cr.Configs["retention.ms"] != "3600000" {
		t.Errorf("create --if-not-exists --partitions 7 on an existing 3-partition topic: %+v", cr)
	}

	// --dry-run validates on the broker and creates nothing; a bad config
	// is refused by the broker even in a dry run.
	var dr struct {
		Created bool `json:"created"`
		DryRun  bool `json:"dry_run"`
	}
	u.run("topic", "create", dry, "--partitions", "2", "--dry-run", "-o", "json").ok(t).json(t, &dr)
	if dr.Created || !dr.DryRun {
		t.Errorf("create --dry-run: %+v", dr)
	}
	u.run("topic", "create", dry, "-c", "retention.ms=soon", "--dry-run").exit(t, 1).errContains(t, "retention.ms")
	u.run("topic", "create", dry, "-c", "no.such.config=1").exit(t, 1).errContains(t, "no.such.config")

	// list: the topic, not the dry run, the same as kafka-topics --list
	names := oracleTopicNames(t)
	if !names[topic] || names[dry] {
		t.Errorf("kafka-topics --list: want %s and not %s, got %v", topic, dry, names)
	}
	row, ok := u.listed(topic)
	if !ok || row.Partitions != 3 || row.ReplicationFactor != 1 || row.Records != 0 || row.ID != ot.ID {
		t.Errorf("topic list row: %+v (found %v), kafka-topics id %s", row, ok, ot.ID)
	}
	if _, ok := u.listed(dry); ok {
		t.Errorf("topic list shows the dry-run topic %s", dry)
	}
	r := u.run("topic", "list", "--pattern", topic[:len(topic)-3]+"*").ok(t)
	if !strings.Contains(r.stdout, topic) || strings.Contains(r.stdout, "__consumer_offsets") {
		t.Errorf("topic list --pattern:\n%s", r)
	}

	// describe with records in it
	var in strings.Builder
	for i := range 60 {
		fmt.Fprintf(&in, "key-%d:value-%d\n", i, i)
	}
	u.runIn(in.String(), "produce", topic, "-K:").ok(t).errContains(t, "60 records delivered, 0 failed")
	st := assertDescribeParity(t, u, topic)
	if st.Records != 60 {
		t.Errorf("describe: %d records, want 60", st.Records)
	}

	// alter: without --execute the broker validates and nothing changes;
	// --execute --yes adds them; fewer is a usage error
	var ar struct {
		PreviousPartitions int  `json:"previous_partitions"`
		Partitions         int  `json:"partitions"`
		Executed           bool `json:"executed"`
	}
	u.run("topic", "alter", topic, "--partitions", "5", "-o", "json").ok(t).json(t, &ar)
	if ar.PreviousPartitions != 3 || ar.Partitions != 5 || ar.Executed {
		t.Errorf("alter dry run: %+v", ar)
	}
	if ot := oracleDescribeTopic(t, topic); ot.PartitionCount != 3 {
		t.Fatalf("kafka-topics after a dry run to 5: %d partitions", ot.PartitionCount)
	}
	u.run("topic", "alter", topic, "--partitions", "5", "--execute").exit(t, 2).errContains(t, "pass --yes")
	u.run("topic", "alter", topic, "--partitions", "5", "--execute", "--yes", "-o", "json").ok(t).json(t, &ar)
	if ar.PreviousPartitions != 3 || ar.Partitions != 5 || !ar.Executed {
		t.Errorf("alter --execute: %+v", ar)
	}
	u.run("topic", "alter", topic, "--partitions", "2").exit(t, 2).errContains(t, "cannot reduce")
	u.run("topic", "alter", topic, "--partitions", "8", "-o", "json").ok(t).json(t, &ar)
	if ar.Executed || ar.PreviousPartitions != 5 {
		t.Errorf("alter dry run to 8: %+v", ar)
	}
	if ot := oracleDescribeTopic(t, topic); ot.PartitionCount != 5 || len(ot.Partitions) != 5 {
		t.Errorf("kafka-topics after alter to 5 and a dry run to 8: %d partitions", ot.PartitionCount)
	}

	// config set / get / delete: each a dry run that the broker validates
	// (kafka-topics sees no change), then --execute
	set := []string{"topic", "config", "set", topic, "retention.ms=7200000", "max.message.bytes=2097152"}
	u.run(set...).ok(t).errContains(t, "Dry run: nothing changed")
	if ot := oracleDescribeTopic(t, topic); ot.Configs["retention.ms"] != "3600000" || ot.Configs["max.message.bytes"] != "" {
		t.Fatalf("kafka-topics after a dry run of config set: %v", ot.Configs)
	}
	u.run(append(set, "--execute")...).ok(t)
	var got []stConfig
	u.run("topic", "config", "get", topic, "retention.ms", "max.message.bytes", "cleanup.policy", "-o", "json").ok(t).json(t, &got)
	want := map[string]string{"retention.ms": "7200000", "max.message.bytes": "2097152", "cleanup.policy": "compact,delete"}
	gotMap := map[string]string{}
	for _, c := range got {
		gotMap[c.Name] = c.Value
		if c.Source != "DYNAMIC_TOPIC_CONFIG" {
			t.Errorf("config get %s: source %s, want DYNAMIC_TOPIC_CONFIG", c.Name, c.Source)
		}
	}
	if !maps.Equal(gotMap, want) {
		t.Errorf("config get: %v, want %v", gotMap, want)
	}
	u.run("topic", "config", "delete", topic, "retention.ms").ok(t)
	if ot := oracleDescribeTopic(t, topic); ot.Configs["retention.ms"] != "7200000" {
		t.Fatalf("kafka-topics after a dry run of config delete: %v", ot.Configs)
	}
	u.run("topic", "config", "delete", topic, "retention.ms", "--execute").ok(t)
	var nonDefault []stConfig
	u.run("topic", "config", "get", topic, "--non-default", "-o", "json").ok(t).json(t, &nonDefault)
	nd := map[string]string{}
	for _, c := range nonDefault {
		nd[c.Name] = c.Value
	}
	ot = oracleDescribeTopic(t, topic)
	if !maps.Equal(nd, ot.Configs) {
		t.Errorf("config get --non-default %v; kafka-topics Configs %v", nd, ot.Configs)
	}
	if _, ok := ot.Configs["retention.ms"]; ok || ot.Configs["max.message.bytes"] != "2097152" || ot.Configs["cleanup.policy"] != "compact,delete" {
		t.Errorf("kafka-topics after config set and delete: %v", ot.Configs)
	}
	// A bad value fails the dry run: the broker validated it.
	u.run("topic", "config", "set", topic, "retention.ms=forever").exit(t, 1).errContains(t, "retention.ms")

	// delete: a dry run without --execute, refused without --yes off a
	// terminal, then gone for Kafka too
	var del struct {
		Topics []struct {
			Topic      string `json:"topic"`
			Partitions int    `json:"partitions"`
			Records    int64  `json:"records"`
		} `json:"topics"`
		Executed bool `json:"executed"`
	}
	u.run("topic", "delete", topic, "-o", "json").ok(t).json(t, &del)
	if del.Executed || len(del.Topics) != 1 || del.Topics[0].Records != 60 || !oracleTopicNames(t)[topic] {
		t.Fatalf("delete dry run: %+v", del)
	}
	u.run("topic", "delete", topic, "--yes").exit(t, 2).errContains(t, "--yes goes with --execute")
	u.run("topic", "delete", topic, "--execute").exit(t, 2).errContains(t, "pass --yes")
	u.run("topic", "delete", topic, "--execute", "--yes", "-o", "json").ok(t).json(t, &del)
	if !del.Executed || len(del.Topics) != 1 || del.Topics[0].Topic != topic || del.Topics[0].Partitions != 5 {
		t.Errorf("delete: %+v", del)
	}
	eventually(t, time.Minute, func() (bool, string) {
		names := oracleTopicNames(t)
		return !names[topic], "kafka-topics --list still shows " + topic
	})
	u.run("topic", "describe", topic).exit(t, 1).errContains(t, "not found")
	u.run("topic", "delete", topic, "--execute", "--yes").exit(t, 1).errContains(t, "not found")
	u.run("topic", "delete", "__consumer_offsets", "--execute", "--yes").exit(t, 2)
}

// Log start offsets moved by Kafka's DeleteRecordsCommand show in describe
// and list as Kafka reports them, and positions relative to the log start
// (+N, start) follow the moved start.
func TestTopicOffsetsParityAfterDeleteRecords(t *testing.T) {
	t.Parallel()
	u := newUser(t)
	topic := uniqueName(t, "")
	u.run("topic", "create", topic, "--partitions", "4").ok(t)
	var in strings.Builder
	for i := range 200 {
		fmt.Fprintf(&in, "k%d:v%d\n", i%17, i)
	}
	u.runIn(in.String(), "produce", topic, "-K:").ok(t)
	before := u.describe(topic)
	p0 := before.PartitionDetails[0]
	if p0.LogEndOffset < 5 {
		t.Fatalf("partition 0 got only %d records; the keys should spread", p0.LogEndOffset)
	}

	spec := fmt.Sprintf(`{"version":1,"partitions":[{"topic":%q,"partition":0,"offset":3}]}`, topic)
	file := u.writeFile("delete-records.json", []byte(spec), 0o644)
	kafkaTool(t, "delete-records", "--bootstrap-server", k(t, "KAFKA_BOOTSTRAP"), "--offset-json-file", file)

	st := assertDescribeParity(t, u, topic)
	if st.PartitionDetails[0].LogStartOffset != 3 || st.Records != 197 {
		t.Errorf("after deleting 3 records of partition 0: log start %d, records %d (want 3, 197)", st.PartitionDetails[0].LogStartOffset, st.Records)
	}
	if row, _ := u.listed(topic); row.Records != 197 {
		t.Errorf("topic list: %d records, want 197", row.Records)
	}

	// +N counts from the log start; start is the log start.
	offs := offsetsOf(t, u.run("consume", topic, "-p", "0", "--offset", "+2", "-e", "-o", "json").ok(t))
	if len(offs) == 0 || offs[0] != 5 || offs[len(offs)-1] != p0.LogEndOffset-1 {
		t.Errorf("--offset +2 on a log starting at 3: offsets %v, want 5..%d", offs, p0.LogEndOffset-1)
	}
	offs = offsetsOf(t, u.run("consume", topic, "-p", "0", "--offset", "start:5", "-o", "json").ok(t))
	if !slices.Equal(offs, []int64{3, 4}) {
		t.Errorf("--offset start:5: offsets %v, want [3 4]", offs)
	}
	// An offset before the log start is clamped to it, with a note.
	r := u.run("consume", topic, "-p", "0", "--offset", "1:4", "-o", "json").ok(t)
	if offs := offsetsOf(t, r); !slices.Equal(offs, []int64{3}) {
		t.Errorf("--offset 1:4: offsets %v, want [3]", offs)
	}
	r.errContains(t, "clamped")
}

// offsetsOf returns the offsets of consume -o json output, in order.
func offsetsOf(t testing.TB, r result) []int64 {
	t.Helper()
	var out []int64
	for _, e := range envelopes(t, r) {
		out = append(out, e.Offset)
	}
	return out
}

// Shell completion of topic names asks the live cluster.
func TestCompletionFromTheCluster(t *testing.T) {
	t.Parallel()
	u := newUser(t)
	topic := uniqueName(t, "")
	u.run("topic", "create", topic).ok(t)
	r := u.run("__complete", "topic", "describe", topic[:len(topic)-4]).ok(t)
	if !slices.Contains(lines(r.stdout), topic) {
		t.Errorf("completion does not offer %s:\n%s", topic, r)
	}
	r = u.run("completion", "bash").ok(t)
	if !strings.Contains(r.stdout, "streamctl") {
		t.Errorf("completion bash:\n%s", r)
	}
	r = u.run("exit-codes").ok(t)
	if !strings.Contains(r.stdout, "130") {
		t.Errorf("exit-codes:\n%s", r)
	}
}

// A script creates a topic and uses it at once (`topic create t && produce
// t`): the second command must find it, although the brokers learn of a new
// topic a moment after the controller has answered. Several pairs at once,
// so that the controller and the broker are busy, as in a CI pipeline.
func TestTopicUsableRightAfterCreate(t *testing.T) {
	t.Parallel()
	for i := range 8 {
		t.Run(strconv.Itoa(i), func(t *testing.T) {
			t.Parallel()
			u := newUser(t)
			topic := uniqueName(t, "")
			u.run("topic", "create", topic, "--partitions", "3").ok(t)
			u.runIn("a\nb\n", "produce", topic).ok(t)
		})
	}
}
