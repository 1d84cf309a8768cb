package cmd_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"
)

// Client quotas on the in-process broker: alter is a dry run the brokers
// validate until --execute; list and describe show what is set, and
// describe which quota applies by Kafka's precedence.
func TestQuotaCommands(t *testing.T) {
	t.Parallel()
	b := startBroker(t)
	run(t, b.args("quota", "list")...).ok(t).errContains(t, "No client quotas are set.")
	alter := []string{"quota", "alter", "--name", "user=alice", "--add", "producer_byte_rate=1048576,consumer_byte_rate=2097152"}
	golden(t, "quota_alter_dry_run.table", run(t, b.args(alter...)...).ok(t).out)
	run(t, b.args("quota", "list")...).ok(t).errContains(t, "No client quotas are set.")
	run(t, b.args(append(alter, "--execute")...)...).ok(t)
	run(t, b.args("quota", "alter", "--default", "user", "--add", "request_percentage=50", "--execute")...).ok(t)
	run(t, b.args("quota", "alter", "--name", "user=alice", "--name", "client-id=billing", "--add", "producer_byte_rate=512", "--execute")...).ok(t)
	run(t, b.args("quota", "alter", "--name", "ip=10.0.0.7", "--add", "connection_creation_rate=10", "--execute")...).ok(t)
	golden(t, "quota_list.table", run(t, b.args("quota", "list")...).ok(t).out)
	golden(t, "quota_list.json", run(t, b.args("quota", "list", "--name", "user=alice", "-o", "json")...).ok(t).out)
	golden(t, "quota_describe.yaml", run(t, b.args("quota", "describe", "--name", "user=alice", "--name", "client-id=other", "-o", "yaml")...).ok(t).out)

	// A removed quota falls back to the next entity.
	golden(t, "quota_alter_delete.json", run(t, b.args("quota", "alter", "--name", "user=alice", "--delete", "producer_byte_rate", "--execute", "-o", "json")...).ok(t).out)
	var d struct {
		Applied []struct {
			Key  string `json:"key"`
			From []struct{ Type, Name string }
		} `json:"applied"`
	}
	r := run(t, b.args("quota", "describe", "--name", "user=alice", "--name", "client-id=billing", "-o", "json")...).ok(t)
	if err := json.Unmarshal([]byte(r.out), &d); err != nil {
		t.Fatal(err)
	}
	if len(d.Applied) == 0 || d.Applied[0].Key != "producer_byte_rate" || len(d.Applied[0].From) != 2 {
		t.Errorf("alice with billing should get the pair's producer_byte_rate: %s", r.out)
	}
}

// Client metrics subscriptions on the in-process broker.
func TestClientMetricsCommands(t *testing.T) {
	t.Parallel()
	b := startBroker(t)
	create := []string{"client-metrics", "create", "producers-1m", "--metrics", "org.apache.kafka.producer.", "--interval", "1m", "--match", "client_id=billing-.*"}
	golden(t, "client_metrics_create_dry_run.table", run(t, b.args(create...)...).ok(t).out)
	run(t, b.args("client-metrics", "list")...).ok(t).errContains(t, "No client metrics subscriptions.")
	run(t, b.args(append(create, "--execute")...)...).ok(t)
	run(t, b.args(append(create, "--execute")...)...).exit(t, 1).errContains(t, `client metrics subscription "producers-1m" exists already: change it with alter`)
	golden(t, "client_metrics_alter.json", run(t, b.args("client-metrics", "alter", "producers-1m", "--interval", "30s", "--metrics", "org.apache.kafka.producer.,org.apache.kafka.consumer.", "--execute", "-o", "json")...).ok(t).out)
	golden(t, "client_metrics_list.table", run(t, b.args("client-metrics", "list")...).ok(t).out)
	golden(t, "client_metrics_describe.yaml", run(t, b.args("client-metrics", "describe", "producers-1m", "-o", "yaml")...).ok(t).out)
	run(t, b.args("client-metrics", "describe", "producers-1h")...).exit(t, 1).errContains(t, `client metrics subscription "producers-1h" not found (1 subscription exists; did you mean "producers-1m"?)`)
	run(t, b.args("client-metrics", "delete", "producers-1m", "--execute")...).exit(t, 2).errContains(t, "--yes")
	golden(t, "client_metrics_delete.json", run(t, b.args("client-metrics", "delete", "producers-1m", "--execute", "--yes", "-o", "json")...).ok(t).out)
	run(t, b.args("client-metrics", "list")...).ok(t).errContains(t, "No client metrics subscriptions.")
}

// Feature levels on the in-process broker, and what it cannot serve.
func TestClusterFeaturesAndQuorum(t *testing.T) {
	t.Parallel()
	b := startBroker(t)
	golden(t, "cluster_features.json", run(t, b.args("cluster", "features", "describe", "-o", "json")...).ok(t).out)
	golden(t, "cluster_features_downgrade_dry_run.table", run(t, b.args("cluster", "features", "downgrade", "--feature", "share.version=1")...).ok(t).out)
	golden(t, "cluster_features_version_mapping.json", run(t, b.args("cluster", "features", "version-mapping", "--release-version", "3.9", "-o", "json")...).ok(t).out)
	run(t, b.args("cluster", "features", "upgrade", "--feature", "group.version=5")...).exit(t, 1).errContains(t, "group.version 5: the brokers support levels 0 to 1; nothing changed")
	run(t, b.args("cluster", "features", "upgrade", "--feature", "share.version=1")...).exit(t, 1).errContains(t, "share.version is at 2, above 1: that is a downgrade (cluster features downgrade)")
	run(t, b.args("cluster", "features", "downgrade", "--feature", "share.version=1", "--execute", "--yes")...).ok(t)
	var fs []struct {
		Name  string `json:"name"`
		Level int16  `json:"finalized_level"`
	}
	if err := json.Unmarshal([]byte(run(t, b.args("cluster", "features", "describe", "-o", "json")...).ok(t).out), &fs); err != nil {
		t.Fatal(err)
	}
	for _, f := range fs {
		if f.Name == "share.version" && f.Level != 1 {
			t.Errorf("after the downgrade share.version is at %d", f.Level)
		}
	}
	run(t, b.args("cluster", "quorum")...).exit(t, 1).errContains(t,
		"the cluster does not offer DescribeQuorum (API key 55): the playground's broker (franz-go's kfake) does not implement it")
}

// A reassignment's throttle in its dry run, on an in-process cluster of
// three brokers.
func TestReassignThrottlePlan(t *testing.T) {
	t.Parallel()
	c, err := kfake.NewCluster(kfake.NumBrokers(3), kfake.Ports(0, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	b := broker{addr: c.ListenAddrs()[0]}
	run(t, b.args("topic", "create", "moving", "--partitions", "2", "--replication-factor", "1")...).ok(t)
	// kfake places replicas at random (and does not move them): the
	// throttle is checked against the plan's own current replicas.
	var plan struct {
		Partitions []struct {
			Partition int32   `json:"partition"`
			Current   []int32 `json:"current_replicas"`
			Target    []int32 `json:"target_replicas"`
		} `json:"partitions"`
		Throttle struct {
			Rate      int64             `json:"rate_bytes_per_second"`
			Brokers   []int32           `json:"brokers"`
			Leaders   map[string]string `json:"leader_throttled_replicas"`
			Followers map[string]string `json:"follower_throttled_replicas"`
			State     string            `json:"state"`
		} `json:"throttle"`
	}
	r := run(t, b.args("topic", "reassign", "moving", "--broker-ids", "1,2", "--replication-factor", "2", "--throttle", "1048576", "-o", "json")...).ok(t)
	if err := json.Unmarshal([]byte(r.out), &plan); err != nil {
		t.Fatal(err)
	}
	var leaders, followers []string
	for _, p := range plan.Partitions {
		if slices.Equal(p.Current, p.Target) {
			continue
		}
		for _, id := range p.Current {
			leaders = append(leaders, fmt.Sprintf("%d:%d", p.Partition, id))
		}
		for _, id := range p.Target {
			if !slices.Contains(p.Current, id) {
				followers = append(followers, fmt.Sprintf("%d:%d", p.Partition, id))
			}
		}
	}
	th := plan.Throttle
	if th.Rate != 1048576 || th.State != "planned" || th.Leaders["moving"] != strings.Join(leaders, ",") || th.Followers["moving"] != strings.Join(followers, ",") {
		t.Errorf("the dry run's throttle, want leaders %v and followers %v:\n%s", leaders, followers, r.out)
	}
	run(t, b.args("topic", "reassign", "moving", "--broker-ids", "1,2", "--throttle", "1048576")...).ok(t) // the table with it
	run(t, b.args("topic", "reassign", "--throttle", "1048576")...).exit(t, 2).errContains(t, "--throttle limits the moves of a reassignment")
}
