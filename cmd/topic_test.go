package cmd_test

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
)

var kafkaTopicID = regexp.MustCompile(`^[A-Za-z0-9_-]{22}$`)

// topicSummary mirrors the public json field names of `topic list`.
type topicSummary struct {
	Name              string `json:"name"`
	ID                string `json:"id"`
	Internal          bool   `json:"internal"`
	Partitions        int    `json:"partitions"`
	ReplicationFactor int    `json:"replication_factor"`
	Records           int64  `json:"records"`
}

type configEntry struct {
	Name      string `json:"name"`
	Value     string `json:"value"`
	Source    string `json:"source"`
	ReadOnly  bool   `json:"read_only"`
	Sensitive bool   `json:"sensitive"`
}

type topicDescription struct {
	topicSummary
	MinInSyncReplicas int           `json:"min_insync_replicas"`
	Configs           []configEntry `json:"configs"`
	PartitionDetails  []struct {
		Partition      int32 `json:"partition"`
		LogStartOffset int64 `json:"log_start_offset"`
		LogEndOffset   int64 `json:"log_end_offset"`
		Records        int64 `json:"records"`
	} `json:"partition_details"`
}

func decode[T any](t *testing.T, r result) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(r.out), &v); err != nil {
		t.Fatalf("stdout is not the expected JSON: %v\n%s", err, r.out)
	}
	return v
}

func listNames(t *testing.T, b broker, extra ...string) []string {
	t.Helper()
	topics := decode[[]topicSummary](t, run(t, b.args(append([]string{"topic", "list", "-o", "json"}, extra...)...)...).ok(t))
	var names []string
	for _, tp := range topics {
		names = append(names, tp.Name)
	}
	return names
}

func describeTopic(t *testing.T, b broker, name string) topicDescription {
	t.Helper()
	d := decode[[]topicDescription](t, run(t, b.args("topic", "describe", name, "-o", "json")...).ok(t))
	if len(d) != 1 {
		t.Fatalf("describe %s returned %d topics", name, len(d))
	}
	return d[0]
}

func configOf(t *testing.T, b broker, topic, key string) configEntry {
	t.Helper()
	entries := decode[[]configEntry](t, run(t, b.args("topic", "config", "get", topic, key, "-o", "json")...).ok(t))
	if len(entries) != 1 || entries[0].Name != key {
		t.Fatalf("config get %s %s = %+v", topic, key, entries)
	}
	return entries[0]
}

func TestTopicListAndDescribeGolden(t *testing.T) {
	t.Parallel()
	b := startDemo(t)
	for _, tt := range []struct {
		golden string
		args   []string
	}{
		{"topic_list.json", []string{"topic", "list", "-o", "json"}},
		{"topic_list.yaml", []string{"topic", "list", "-o", "yaml"}},
		{"topic_list.table", []string{"topic", "list"}},
		{"topic_list_wide.table", []string{"topic", "list", "-o", "wide"}},
		{"topic_describe.yaml", []string{"topic", "describe", "order-events", "-o", "yaml"}},
		{"topic_describe.json", []string{"topic", "describe", "order-events", "-o", "json"}},
		{"topic_describe.table", []string{"topic", "describe", "order-events", "customer-state"}},
	} {
		t.Run(tt.golden, func(t *testing.T) {
			r := run(t, b.args(tt.args...)...).ok(t)
			golden(t, tt.golden, normaliseSizes(b.normalise(r.out)))
			if r.errOut != "" {
				t.Errorf("stderr = %q, want nothing", r.errOut)
			}
		})
	}
}

var (
	jsonSize  = regexp.MustCompile(`"size_bytes": \d+`)
	yamlSize  = regexp.MustCompile(`(?m)(size_bytes:) \d+$`)
	tableSize = regexp.MustCompile(`\t\d+(\.\d)? (B|KiB|MiB)(\t|\n)`)
)

// normaliseSizes replaces sizes on disk, which depend on how the seed's
// records were batched (the admin producer lingers 5 ms: a busy machine may
// cut a partition's records into more batches). TestTopicSizes checks them.
func normaliseSizes(s string) string {
	s = jsonSize.ReplaceAllString(s, `"size_bytes": <size>`)
	s = yamlSize.ReplaceAllString(s, "$1 <size>")
	for range 2 { // adjacent cells share a tab
		s = tableSize.ReplaceAllString(s, "\t<size>$3")
	}
	return s
}

// Sizes on disk: each partition's is its leader's log size as the broker
// reports it (DescribeLogDirs), the topic's their sum, in list and in
// describe; a topic with no records takes no room.
func TestTopicSizes(t *testing.T) {
	t.Parallel()
	b := startDemo(t)
	run(t, b.args("topic", "create", "empty-topic", "--partitions", "2")...).ok(t)
	topics := decode[[]struct {
		Name      string `json:"name"`
		SizeBytes *int64 `json:"size_bytes"`
	}](t, run(t, b.args("topic", "list", "-o", "json")...).ok(t))
	listed := map[string]int64{}
	for _, tp := range topics {
		if tp.SizeBytes == nil {
			t.Fatalf("topic list: %s has no size", tp.Name)
		}
		listed[tp.Name] = *tp.SizeBytes
	}
	if listed["empty-topic"] != 0 || listed["order-events"] < 285*100 {
		t.Errorf("sizes %v: want 0 for the empty topic, at least 100 bytes a record for order-events", listed)
	}
	d := decode[[]struct {
		Name       string `json:"name"`
		SizeBytes  *int64 `json:"size_bytes"`
		Partitions []struct {
			SizeBytes *int64 `json:"size_bytes"`
			Records   int64  `json:"records"`
		} `json:"partition_details"`
	}](t, run(t, b.args("topic", "describe", "order-events", "customer-state", "-o", "json")...).ok(t))
	for _, tp := range d {
		var sum int64
		for _, p := range tp.Partitions {
			if p.SizeBytes == nil || (*p.SizeBytes > 0) != (p.Records > 0) {
				t.Fatalf("%s: partition size %v with %d records", tp.Name, p.SizeBytes, p.Records)
			}
			sum += *p.SizeBytes
		}
		if tp.SizeBytes == nil || *tp.SizeBytes != sum || sum != listed[tp.Name] {
			t.Errorf("%s: size %v, partitions sum to %d, topic list says %d", tp.Name, tp.SizeBytes, sum, listed[tp.Name])
		}
	}
}

func TestTopicListRecordsAndIDs(t *testing.T) {
	t.Parallel()
	b := startDemo(t)
	topics := decode[[]topicSummary](t, run(t, b.args("topic", "list", "-o", "json")...).ok(t))
	want := map[string]struct {
		partitions int
		records    int64
	}{
		"order-events": {3, 288}, "customer-state": {3, 76}, "order-events-dlt": {3, 13}, "order-sink-dlq": {1, 5}, "order-events-retry": {3, 1},
		"order-events-avro": {3, 285},
	}
	if len(topics) != len(want) {
		t.Fatalf("got %d topics, want %d: %+v", len(topics), len(want), topics)
	}
	for _, tp := range topics {
		w := want[tp.Name]
		if tp.Partitions != w.partitions || tp.Records != w.records || tp.ReplicationFactor != 1 || tp.Internal {
			t.Errorf("%+v, want %d partitions and %d records", tp, w.partitions, w.records)
		}
		// Kafka's own tools print topic ids in URL-safe base64, unpadded.
		if !kafkaTopicID.MatchString(tp.ID) {
			t.Errorf("topic %s has id %q, want 22 characters of URL-safe base64", tp.Name, tp.ID)
		}
	}

	d := describeTopic(t, b, "order-events")
	var sum int64
	for _, p := range d.PartitionDetails {
		if p.Records != p.LogEndOffset-p.LogStartOffset {
			t.Errorf("partition %d: records %d != end %d - start %d", p.Partition, p.Records, p.LogEndOffset, p.LogStartOffset)
		}
		sum += p.Records
	}
	if sum != d.Records || d.Records != 288 {
		t.Errorf("records = %d, partitions sum to %d, want 288", d.Records, sum)
	}
}

func TestTopicDescribeShowsHumanUnits(t *testing.T) {
	t.Parallel()
	b := startDemo(t)
	r := run(t, b.args("topic", "describe", "order-events")...).ok(t)
	if !strings.Contains(r.out, "604800000 (7d)") {
		t.Errorf("retention.ms should read 7d:\n%s", r.out)
	}
	r = run(t, b.args("topic", "describe", "customer-state")...).ok(t)
	if !strings.Contains(r.out, "cleanup.policy\tcompact\tDYNAMIC_TOPIC_CONFIG") {
		t.Errorf("customer-state should show cleanup.policy compact:\n%s", r.out)
	}
}

func TestTopicCreate(t *testing.T) {
	t.Parallel()
	b := startBroker(t)

	r := run(t, b.args("topic", "create", "payments", "--partitions", "6", "-c", "retention.ms=86400000", "-c", "cleanup.policy=compact", "-o", "json")...).ok(t)
	golden(t, "topic_create.json", r.out)

	d := describeTopic(t, b, "payments")
	if d.Partitions != 6 {
		t.Errorf("partitions = %d, want 6", d.Partitions)
	}
	got := map[string]configEntry{}
	for _, c := range d.Configs {
		got[c.Name] = c
	}
	if c := got["retention.ms"]; c.Value != "86400000" || c.Source != "DYNAMIC_TOPIC_CONFIG" {
		t.Errorf("retention.ms = %+v", c)
	}
	if c := got["cleanup.policy"]; c.Value != "compact" {
		t.Errorf("cleanup.policy = %+v", c)
	}

	t.Run("table output", func(t *testing.T) {
		r := run(t, b.args("topic", "create", "refunds", "-p", "2")...).ok(t)
		if r.out != "TOPIC\tRESULT\nrefunds\tcreated with 2 partitions\n" {
			t.Errorf("stdout = %q", r.out)
		}
	})

	t.Run("broker default partitions", func(t *testing.T) {
		run(t, b.args("topic", "create", "defaults")...).ok(t)
		if d := describeTopic(t, b, "defaults"); d.Partitions != 3 {
			t.Errorf("partitions = %d, want the playground's default 3", d.Partitions)
		}
	})

	t.Run("exists", func(t *testing.T) {
		r := run(t, b.args("topic", "create", "payments")...).exit(t, 1)
		if !strings.Contains(r.errOut, `topic "payments" already exists`) || !strings.Contains(r.errOut, "--if-not-exists") {
			t.Errorf("stderr = %q", r.errOut)
		}
	})

	t.Run("if-not-exists twice", func(t *testing.T) {
		first := run(t, b.args("topic", "create", "ledger", "--if-not-exists", "-p", "2", "-o", "json")...).ok(t)
		second := run(t, b.args("topic", "create", "ledger", "--if-not-exists", "-p", "5", "-o", "json")...).ok(t)
		golden(t, "topic_create_exists.json", second.out)
		if !strings.Contains(first.out, `"created": true`) {
			t.Errorf("first create: %s", first.out)
		}
		if d := describeTopic(t, b, "ledger"); d.Partitions != 2 {
			t.Errorf("the second create changed the topic: %d partitions", d.Partitions)
		}
	})

	t.Run("dry run creates nothing", func(t *testing.T) {
		r := run(t, b.args("topic", "create", "dry", "-p", "4", "--dry-run", "-o", "json")...).ok(t)
		if !strings.Contains(r.out, `"dry_run": true`) || !strings.Contains(r.out, `"created": false`) {
			t.Errorf("stdout = %s", r.out)
		}
		for _, n := range listNames(t, b) {
			if n == "dry" {
				t.Fatal("--dry-run created the topic")
			}
		}
		// A dry run of an invalid request fails like the real one would.
		run(t, b.args("topic", "create", "payments", "--dry-run")...).exit(t, 1)
	})

	t.Run("bad config flag", func(t *testing.T) {
		r := run(t, b.args("topic", "create", "x", "-c", "retention.ms")...).exit(t, 2)
		if !strings.Contains(r.errOut, "key=value") {
			t.Errorf("stderr = %q", r.errOut)
		}
	})

	t.Run("missing name", func(t *testing.T) {
		r := run(t, b.args("topic", "create")...).exit(t, 2)
		if !strings.Contains(r.errOut, "See 'streamctl topic create --help' for usage.") {
			t.Errorf("the pointer to the usage is missing from stderr: %q", r.errOut)
		}
	})
}

func TestTopicAlterPartitions(t *testing.T) {
	t.Parallel()
	b := startBroker(t)
	run(t, b.args("topic", "create", "grow", "-p", "2")...).ok(t)

	// Without --execute: the plan, validated by the broker, and nothing changes.
	r := run(t, b.args("topic", "alter", "grow", "--partitions", "4", "-o", "json")...).ok(t)
	golden(t, "topic_alter_dry_run.json", r.out)
	if !strings.Contains(r.errOut, "Dry run: nothing changed. Add --execute to apply") {
		t.Errorf("dry run: stderr = %q", r.errOut)
	}
	if d := describeTopic(t, b, "grow"); d.Partitions != 2 {
		t.Fatalf("a dry run changed the partition count to %d", d.Partitions)
	}
	r = run(t, b.args("topic", "alter", "grow", "--partitions", "4")...).ok(t)
	if r.out != "TOPIC\tPARTITIONS\tRESULT\ngrow\t2 -> 4\tvalid; would add 2 partitions\n" {
		t.Errorf("dry run table: %q", r.out)
	}
	// Adding partitions cannot be undone: a script says --yes as well.
	r = run(t, b.args("topic", "alter", "grow", "--partitions", "4", "--execute")...).exit(t, 2)
	if !strings.Contains(r.errOut, "pass --yes") {
		t.Errorf("--execute off a terminal: stderr = %q", r.errOut)
	}
	if d := describeTopic(t, b, "grow"); d.Partitions != 2 {
		t.Fatalf("a refused alter changed the partition count to %d", d.Partitions)
	}
	r = run(t, b.args("topic", "alter", "grow", "--partitions", "4", "--execute", "--yes", "-o", "json")...).ok(t)
	golden(t, "topic_alter.json", r.out)
	if d := describeTopic(t, b, "grow"); d.Partitions != 4 {
		t.Fatalf("partitions = %d after alter --execute, want 4", d.Partitions)
	}

	r = run(t, b.args("topic", "alter", "grow", "--partitions", "4")...).ok(t)
	if r.out != "TOPIC\tPARTITIONS\tRESULT\ngrow\t4 -> 4\tunchanged\n" || !strings.Contains(r.errOut, "Nothing to change") {
		t.Errorf("same count: stdout = %q, stderr = %q", r.out, r.errOut)
	}

	r = run(t, b.args("topic", "alter", "grow", "--partitions", "3")...).exit(t, 2)
	if !strings.Contains(r.errOut, "cannot reduce") || !strings.Contains(r.errOut, `"grow" has 4 partitions`) {
		t.Errorf("decrease: stderr = %q", r.errOut)
	}

	r = run(t, b.args("topic", "alter", "grow")...).exit(t, 2)
	if !strings.Contains(r.errOut, "--partitions") {
		t.Errorf("missing --partitions: stderr = %q", r.errOut)
	}
}

func TestTopicConfigRoundTrip(t *testing.T) {
	t.Parallel()
	b := startBroker(t)
	run(t, b.args("topic", "create", "cfg", "-p", "1")...).ok(t)

	before := configOf(t, b, "cfg", "retention.ms")
	if before.Source != "DEFAULT_CONFIG" {
		t.Fatalf("fresh topic: retention.ms = %+v, want DEFAULT_CONFIG", before)
	}

	// Without --execute: the plan, and the config is as it was.
	set := []string{"topic", "config", "set", "cfg", "retention.ms=3600000", "max.message.bytes=2097152"}
	r := run(t, b.args(append(set, "-o", "json")...)...).ok(t)
	golden(t, "topic_config_set_dry_run.json", r.out)
	if !strings.Contains(r.errOut, "Dry run: nothing changed. Add --execute to apply.") {
		t.Errorf("dry run: stderr = %q", r.errOut)
	}
	if c := configOf(t, b, "cfg", "retention.ms"); c != before {
		t.Fatalf("a dry run changed retention.ms to %+v", c)
	}
	r = run(t, b.args("topic", "config", "set", "cfg", "retention.ms=3600000")...).ok(t)
	if r.out != "TOPIC\tCONFIG\tCURRENT\tSOURCE\tCHANGE\ncfg\tretention.ms\t604800000 (7d)\tDEFAULT_CONFIG\tset to 3600000 (1h)\n" {
		t.Errorf("dry run table: %q", r.out)
	}

	r = run(t, b.args(append(set, "--execute", "-o", "json")...)...).ok(t)
	golden(t, "topic_config_set.json", r.out)
	after := configOf(t, b, "cfg", "retention.ms")
	if after.Value != "3600000" || after.Source != "DYNAMIC_TOPIC_CONFIG" {
		t.Errorf("after set --execute: %+v", after)
	}
	nonDefault := decode[[]configEntry](t, run(t, b.args("topic", "config", "get", "cfg", "--non-default", "-o", "json")...).ok(t))
	names := map[string]bool{}
	for _, e := range nonDefault {
		names[e.Name] = true
		if e.Source == "DEFAULT_CONFIG" {
			t.Errorf("--non-default listed a default: %+v", e)
		}
	}
	if !names["retention.ms"] || !names["max.message.bytes"] {
		t.Errorf("--non-default = %+v, want retention.ms and max.message.bytes", nonDefault)
	}
	golden(t, "topic_config_get_non_default.json", r2s(run(t, b.args("topic", "config", "get", "cfg", "--non-default", "-o", "json")...).ok(t)))
	golden(t, "topic_config_get.yaml", r2s(run(t, b.args("topic", "config", "get", "cfg", "retention.ms", "cleanup.policy", "-o", "yaml")...).ok(t)))

	// delete: a dry run keeps the override; --execute removes it, and an
	// incremental alter leaves the other overrides alone.
	run(t, b.args("topic", "config", "delete", "cfg", "retention.ms")...).ok(t)
	if c := configOf(t, b, "cfg", "retention.ms"); c.Value != "3600000" {
		t.Fatalf("a dry run of delete changed retention.ms to %+v", c)
	}
	r = run(t, b.args("topic", "config", "delete", "cfg", "retention.ms", "--execute", "-o", "json")...).ok(t)
	golden(t, "topic_config_delete.json", r.out)
	if c := configOf(t, b, "cfg", "retention.ms"); c.Source != "DEFAULT_CONFIG" || c.Value != before.Value {
		t.Errorf("after delete: %+v, want the default %q back", c, before.Value)
	}
	if c := configOf(t, b, "cfg", "max.message.bytes"); c.Value != "2097152" {
		t.Errorf("deleting retention.ms touched max.message.bytes: %+v", c)
	}

	t.Run("a bad value fails the dry run", func(t *testing.T) {
		r := run(t, b.args("topic", "config", "set", "cfg", "retention.ms=abc")...).exit(t, 1)
		if !strings.Contains(r.errOut, "Not a number of type LONG") || r.out != "" {
			t.Errorf("stdout = %q, stderr = %q", r.out, r.errOut)
		}
	})
	t.Run("unknown key warns", func(t *testing.T) {
		r := run(t, b.args("topic", "config", "get", "cfg", "retention.mss")...).ok(t)
		if !strings.Contains(r.errOut, `no config "retention.mss"`) {
			t.Errorf("stderr = %q", r.errOut)
		}
	})
	t.Run("set without a value", func(t *testing.T) {
		r := run(t, b.args("topic", "config", "set", "cfg", "retention.ms")...).exit(t, 2)
		if !strings.Contains(r.errOut, "key=value") {
			t.Errorf("stderr = %q", r.errOut)
		}
	})
	t.Run("set without pairs", func(t *testing.T) {
		run(t, b.args("topic", "config", "set", "cfg")...).exit(t, 2)
	})
}

func r2s(r result) string { return r.out }

func TestTopicDelete(t *testing.T) {
	t.Parallel()
	b := startBroker(t)
	run(t, b.args("topic", "create", "scratch", "-p", "1")...).ok(t)
	run(t, b.args("topic", "create", "keep", "-p", "1")...).ok(t)

	t.Run("a dry run without --execute", func(t *testing.T) {
		r := run(t, b.args("topic", "delete", "scratch", "-o", "json")...).ok(t)
		golden(t, "topic_delete_dry_run.json", r.out)
		if !strings.Contains(r.errOut, "Dry run: nothing changed. Add --execute to apply (it asks first; --execute --yes in scripts).") {
			t.Errorf("stderr = %q", r.errOut)
		}
		if !contains(listNames(t, b), "scratch") {
			t.Error("a dry run deleted the topic")
		}
	})

	t.Run("--yes without --execute is a usage error", func(t *testing.T) {
		r := run(t, b.args("topic", "delete", "scratch", "--yes")...).exit(t, 2)
		if !strings.Contains(r.errOut, "--yes goes with --execute") {
			t.Errorf("stderr = %q", r.errOut)
		}
		if !contains(listNames(t, b), "scratch") {
			t.Error("--yes alone deleted the topic")
		}
	})

	t.Run("refused without --yes off a terminal", func(t *testing.T) {
		r := runIn(t, "y\n", b.args("topic", "delete", "scratch", "--execute")...).exit(t, 2)
		if !strings.Contains(r.errOut, "--yes") {
			t.Errorf("stderr = %q, want a hint about --yes", r.errOut)
		}
		if !contains(listNames(t, b), "scratch") {
			t.Error("refused delete deleted the topic")
		}
	})

	t.Run("internal names refused", func(t *testing.T) {
		for _, name := range []string{"__x", "__consumer_offsets"} {
			r := run(t, b.args("topic", "delete", name, "--execute", "--yes")...).exit(t, 2)
			if !strings.Contains(r.errOut, "internal topic") || !strings.Contains(r.errOut, name) {
				t.Errorf("delete %s: stderr = %q", name, r.errOut)
			}
		}
		// An internal name among others refuses the whole request.
		run(t, b.args("topic", "delete", "scratch", "__x", "--execute", "--yes")...).exit(t, 2)
		if !contains(listNames(t, b), "scratch") {
			t.Error("a refused request deleted a topic")
		}
	})

	t.Run("unknown topic deletes nothing", func(t *testing.T) {
		r := run(t, b.args("topic", "delete", "scratch", "scrach-typo", "--execute", "--yes")...).exit(t, 1)
		if !strings.Contains(r.errOut, `"scrach-typo"`) || !strings.Contains(r.errOut, `did you mean "scratch"`) {
			t.Errorf("stderr = %q", r.errOut)
		}
		if !contains(listNames(t, b), "scratch") {
			t.Error("a failed request deleted a topic")
		}
	})

	t.Run("with --execute --yes", func(t *testing.T) {
		r := run(t, b.args("topic", "delete", "scratch", "--execute", "--yes", "-o", "json")...).ok(t)
		golden(t, "topic_delete.json", r.out)
		names := listNames(t, b)
		if contains(names, "scratch") || !contains(names, "keep") {
			t.Errorf("after delete, topics = %q", names)
		}
	})

	t.Run("no arguments", func(t *testing.T) {
		run(t, b.args("topic", "delete", "--execute", "--yes")...).exit(t, 2)
	})
}

func TestTopicDeleteAsksOnATerminal(t *testing.T) {
	t.Parallel()
	b := startBroker(t)
	run(t, b.args("topic", "create", "asked", "-p", "1")...).ok(t)

	for _, tt := range []struct {
		answer  string
		code    int
		deleted bool
	}{{"n\n", 1, false}, {"\n", 1, false}, {"yes\n", 0, true}} {
		t.Run(strings.TrimSpace(tt.answer), func(t *testing.T) {
			r := runTTY(t, tt.answer, b.args("topic", "delete", "asked", "--execute")...).exit(t, tt.code)
			if !strings.Contains(r.errOut, `Delete "asked" (0 records)`) || !strings.Contains(r.errOut, "[y/N]") {
				t.Errorf("prompt = %q", r.errOut)
			}
			// The plan is on the terminal above the question.
			if !strings.Contains(r.errOut, "would delete") {
				t.Errorf("no plan before the question: %q", r.errOut)
			}
			if got := !contains(listNames(t, b), "asked"); got != tt.deleted {
				t.Errorf("deleted = %v, want %v", got, tt.deleted)
			}
		})
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func TestUnknownTopic(t *testing.T) {
	t.Parallel()
	b := startDemo(t)
	for _, args := range [][]string{
		{"topic", "describe", "orders"},
		{"topic", "describe", "order-events", "orders"},
		{"topic", "config", "get", "orders"},
		{"topic", "config", "set", "orders", "retention.ms=1000"},
		{"topic", "config", "delete", "orders", "retention.ms"},
		{"topic", "alter", "orders", "--partitions", "5"},
		{"topic", "delete", "orders", "--execute", "--yes"},
		{"topic", "delete", "orders"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			r := run(t, b.args(args...)...).exit(t, 1)
			if !strings.Contains(r.errOut, `topic "orders" not found`) || !strings.Contains(r.errOut, `did you mean "order-events"`) {
				t.Errorf("stderr = %q, want it to name the topic and suggest order-events", r.errOut)
			}
			if strings.Contains(r.errOut, "Usage:") {
				t.Error("an unknown topic is not a usage error")
			}
			if r.out != "" {
				t.Errorf("stdout = %q, want nothing", r.out)
			}
		})
	}
}

func TestTopicDescribeNeedsATopicOrFilter(t *testing.T) {
	t.Parallel()
	b := startDemo(t)
	r := run(t, b.args("topic", "describe")...).exit(t, 2)
	if !strings.Contains(r.errOut, "name at least one topic") || !strings.Contains(r.errOut, "See 'streamctl topic describe --help' for usage.") {
		t.Errorf("stderr = %q", r.errOut)
	}

	// With a health filter and no names it checks every topic; a healthy
	// cluster has nothing to show, which is success.
	r = run(t, b.args("topic", "describe", "--under-replicated", "-o", "json")...).ok(t)
	if strings.TrimSpace(r.out) != "[]" {
		t.Errorf("stdout = %q, want []", r.out)
	}
	if !strings.Contains(r.errOut, "No partitions match") {
		t.Errorf("stderr = %q", r.errOut)
	}
}

func TestTopicListPattern(t *testing.T) {
	t.Parallel()
	b := startDemo(t)
	for _, tt := range []struct {
		pattern string
		want    string
	}{
		{"order-*", "order-events order-events-avro order-events-dlt order-events-retry order-sink-dlq"},
		{"*-dl?", "order-events-dlt order-sink-dlq"},
		{"order", ""},
		{"^order-events(-dlt)?$", "order-events order-events-dlt"},
		{"state$", "customer-state"},
	} {
		t.Run(tt.pattern, func(t *testing.T) {
			if got := strings.Join(listNames(t, b, "--pattern", tt.pattern), " "); got != tt.want {
				t.Errorf("--pattern %q listed %q, want %q", tt.pattern, got, tt.want)
			}
		})
	}

	t.Run("nothing found is success with empty output", func(t *testing.T) {
		r := run(t, b.args("topic", "list", "--pattern", "nope-*")...).ok(t)
		if r.out != "" || !strings.Contains(r.errOut, "No topics found") {
			t.Errorf("stdout = %q, stderr = %q", r.out, r.errOut)
		}
		r = run(t, b.args("topic", "list", "--pattern", "nope-*", "-o", "json")...).ok(t)
		if strings.TrimSpace(r.out) != "[]" {
			t.Errorf("json: stdout = %q, want []", r.out)
		}
	})

	t.Run("invalid pattern", func(t *testing.T) {
		r := run(t, b.args("topic", "list", "--pattern", "(order")...).exit(t, 2)
		if !strings.Contains(r.errOut, "(order") {
			t.Errorf("stderr = %q", r.errOut)
		}
	})
}

func TestInternalTopicsOnlyWithAll(t *testing.T) {
	t.Parallel()
	b := startBroker(t)
	run(t, b.args("topic", "create", "visible", "-p", "1")...).ok(t)
	run(t, b.args("topic", "create", "__audit", "-p", "1")...).ok(t)

	if names := listNames(t, b); contains(names, "__audit") || !contains(names, "visible") {
		t.Errorf("without --all: %q", names)
	}
	topics := decode[[]topicSummary](t, run(t, b.args("topic", "list", "--all", "-o", "json")...).ok(t))
	found := false
	for _, tp := range topics {
		if tp.Name == "__audit" {
			found = true
			if !tp.Internal {
				t.Errorf("__audit listed as not internal: %+v", tp)
			}
		}
	}
	if !found {
		t.Errorf("--all did not list __audit: %+v", topics)
	}
	// describe with a health filter and no names skips internal topics too,
	// but a named internal topic can be described.
	run(t, b.args("topic", "describe", "__audit")...).ok(t)
}

// The global --config reaches every command, topic create included (its
// topic configs are -c/--topic-config).
func TestTopicCreateWithConfigFile(t *testing.T) {
	t.Parallel()
	b := startBroker(t)
	cfg := tmpConfig(t)
	run(t, "profile", "create", "local", "--brokers", b.addr, "--config", cfg).ok(t)
	run(t, "topic", "create", "via-profile", "--config", cfg, "-c", "retention.ms=1000", "--topic-config", "cleanup.policy=compact").ok(t)
	d := describeTopic(t, b, "via-profile")
	if len(d.Configs) != 2 {
		t.Errorf("configs = %+v, want retention.ms and cleanup.policy", d.Configs)
	}
}

// The playground refuses what Kafka refuses, in Kafka's words (e2e compares
// the two on a real broker, with names such as "bad name!" or ".." that topic create
// itself refuses before asking: see the bad-input catalogue).
func TestPlaygroundRefusesWhatKafkaRefuses(t *testing.T) {
	t.Parallel()
	b := startBroker(t)
	run(t, b.args("topic", "create", "ok", "-p", "1")...).ok(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"topic", "create", "t", "-c", "retention.ms=abc"}, "Invalid value abc for configuration retention.ms: Not a number of type LONG"},
		{[]string{"topic", "create", "t", "-c", "foo.bar=1"}, "Unknown topic config name: foo.bar"},
		{[]string{"topic", "create", "t", "-c", "cleanup.policy=compact,bogus"}, "Invalid value bogus for configuration cleanup.policy: String must be one of: compact, delete"},
		{[]string{"topic", "create", "t", "-c", "min.cleanable.dirty.ratio=2"}, "Invalid value 2.0 for configuration min.cleanable.dirty.ratio: Value must be no more than 1"},
		{[]string{"topic", "config", "set", "ok", "retention.ms=xyz"}, "Invalid value xyz for configuration retention.ms: Not a number of type LONG"},
	} {
		r := run(t, b.args(tc.args...)...).exit(t, 1)
		if !strings.Contains(r.errOut, tc.want) {
			t.Errorf("%v: stderr %q, want %q", tc.args, r.errOut, tc.want)
		}
	}
	if names := listNames(t, b); strings.Join(names, ",") != "ok" {
		t.Errorf("topics after the refusals: %v", names)
	}
	run(t, b.args("topic", "create", "fine", "-c", "retention.ms= 5", "-c", "cleanup.policy=compact,delete", "-c", "preallocate=TRUE")...).ok(t)
}
