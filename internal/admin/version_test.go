package admin

import (
	"strings"
	"testing"

	"github.com/streamctl/streamctl/internal/buildinfo"
	"github.com/streamctl/streamctl/internal/kafka"
)

// The version table marks a modified build; the brokers' table shows an
// unanswered broker's error, and -o wide the metadata.version level.
func TestVersionInfoGrids(t *testing.T) {
	v := VersionInfo{Info: buildinfo.Info{Version: "1.0", Commit: "abc", Modified: true}, Librdkafka: "2.8"}
	if g := v.Grids(false); len(g) != 1 || g[0].Rows[1][1] != "abc (modified)" {
		t.Fatalf("no brokers: %+v", g)
	}
	v.Brokers = []kafka.BrokerVersions{
		{Broker: kafka.Broker{ID: 1, Host: "b1", Port: 9092}, KafkaVersion: "v4.1", APIs: make([]kafka.APIVersion, 3), Features: []kafka.Feature{{Name: "metadata.version", Level: 27}}},
		{Broker: kafka.Broker{ID: 2, Host: "b2", Port: 9092}, Error: "refused"},
	}
	b := v.Grids(true)[1]
	if got := strings.Join(b.Rows[0], " "); got != "1 b1:9092 v4.1 3 27" {
		t.Errorf("broker 1: %q", got)
	}
	if got := strings.Join(b.Rows[1], " "); got != "2 b2:9092 error: refused - -" {
		t.Errorf("broker 2: %q", got)
	}
}

// topic delete refuses internal topics, by name before it connects and
// by what the cluster says after; the plan names what goes.
func TestTopicDeletePlan(t *testing.T) {
	if err := CheckDeletable([]string{"orders", "__consumer_offsets"}); err == nil || !strings.Contains(err.Error(), `refusing to delete internal topic "__consumer_offsets"`) {
		t.Errorf("by name: %v", err)
	}
	internal := kafka.TopicDescription{TopicSummary: kafka.TopicSummary{Name: "_schemas", Internal: true}}
	if _, err := PlanDelete([]kafka.TopicDescription{internal}); err == nil {
		t.Error("an internal topic was planned for deletion")
	}
	p, err := PlanDelete([]kafka.TopicDescription{{TopicSummary: kafka.TopicSummary{Name: "a", Partitions: 3, Records: 1200}}})
	if err != nil || p.What() != `"a" (1200 records)` || p.Grid().Rows[0][3] != "would delete" {
		t.Errorf("plan %+v (%q), %v", p, p.What(), err)
	}
}
