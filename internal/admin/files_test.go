package admin

import (
	"bytes"
	"strings"
	"testing"

	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/record"
)

func TestReadOffsetsFile(t *testing.T) {
	got, err := ReadOffsetsFile(strings.NewReader(`{"partitions":[{"topic":"t","partition":0,"offset":10},{"topic":"t","partition":1,"offset":-1}],"version":1}`))
	if err != nil || len(got) != 2 || got[record.TopicPartition{Topic: "t", Partition: 0}].Offset != 10 || got[record.TopicPartition{Topic: "t", Partition: 1}].Offset != HighWatermark {
		t.Fatalf("%v, %v", got, err)
	}
	for in, want := range map[string]string{
		`{"partitions":[{"topic":"t","partition":0}],"version":1}`:                                                   "want topic, partition and offset",
		`{"partitions":[{"topic":"t","partition":0,"offset":1}],"version":2}`:                                        "version 2",
		`{"partitions":[],"version":1}`:                                                                              "no partitions",
		`{"partitions":[{"topic":"t","partition":0,"offset":1},{"topic":"t","partition":0,"offset":2}],"version":1}`: "twice",
		`{"partitions":[{"topic":"t","partition":0,"offset":-2}],"version":1}`:                                       "offset -2",
		`{"partitions":[{"topic":"t","partition":0,"offset":1,"extra":1}],"version":1}`:                              "not kafka-delete-records",
	} {
		if _, err := ReadOffsetsFile(strings.NewReader(in)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", in, err, want)
		}
	}
}

// A plan written by streamctl reads back the same, in the format
// kafka-reassign-partitions reads (log_dirs "any", but for the replicas
// placed in a log dir).
func TestAssignmentFileRoundTrip(t *testing.T) {
	a := Assignment{{Topic: "t", Partition: 1}: {3, 1}, {Topic: "t", Partition: 0}: {1, 2}, {Topic: "a", Partition: 0}: {2}}
	t1on1 := kafka.Replica{TopicPartition: record.TopicPartition{Topic: "t", Partition: 1}, Broker: 1}
	var buf bytes.Buffer
	if err := WriteAssignment(&buf, a, LogDirs{t1on1: "/data2"}); err != nil {
		t.Fatal(err)
	}
	want := `{"version":1,"partitions":[{"topic":"a","partition":0,"replicas":[2],"log_dirs":["any"]},{"topic":"t","partition":0,"replicas":[1,2],"log_dirs":["any","any"]},{"topic":"t","partition":1,"replicas":[3,1],"log_dirs":["any","/data2"]}]}` + "\n"
	if buf.String() != want {
		t.Errorf("WriteAssignment:\n got %s\nwant %s", buf.String(), want)
	}
	back, dirs, err := ReadAssignment(&buf)
	if err != nil || len(back) != 3 || back[record.TopicPartition{Topic: "t", Partition: 1}][0] != 3 || len(dirs) != 1 || dirs[t1on1] != "/data2" {
		t.Errorf("read back %v %v, %v", back, dirs, err)
	}
	for in, want := range map[string]string{
		`{"version":1,"partitions":[{"topic":"t","partition":0,"replicas":[1],"log_dirs":["data"]}]}`:                        "an absolute path of broker 1's log.dirs",
		`{"version":1,"partitions":[{"topic":"t","partition":0,"replicas":[1,2],"log_dirs":["any"]}]}`:                       "1 log_dirs for 2 replicas",
		`{"version":1,"partitions":[{"topic":"t","partition":0,"replicas":[]}]}`:                                             "want topic, partition and replicas",
		`{"version":1,"partitions":[{"topic":"t","partition":0,"replicas":[1]},{"topic":"t","partition":0,"replicas":[2]}]}`: "twice",
		`{"partitions":[{"topic":"t","partition":0,"replicas":[1]}]}`:                                                        "version 0",
	} {
		if _, _, err := ReadAssignment(strings.NewReader(in)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", in, err, want)
		}
	}
}

// The spread puts replica i of the n-th partition, counting across topics,
// on the (n+i)-th broker: leaders and replicas even, whatever the topics.
func TestSpread(t *testing.T) {
	topic := func(name string, partitions, rf int) kafka.TopicDescription {
		d := kafka.TopicDescription{TopicSummary: kafka.TopicSummary{Name: name, Partitions: partitions, ReplicationFactor: rf}}
		for p := range partitions {
			d.PartitionDetails = append(d.PartitionDetails, kafka.PartitionState{Partition: int32(p)})
		}
		return d
	}
	a, err := spread([]kafka.TopicDescription{topic("a", 2, 2), topic("b", 4, 2)}, []int32{1, 2, 3}, 0)
	if err != nil {
		t.Fatal(err)
	}
	leaders, replicas := map[int32]int{}, map[int32]int{}
	for _, r := range a {
		leaders[r[0]]++
		for _, id := range r {
			replicas[id]++
		}
	}
	if a[record.TopicPartition{Topic: "b", Partition: 0}][0] != 3 || leaders[1] != 2 || leaders[2] != 2 || leaders[3] != 2 || replicas[1] != 4 || replicas[3] != 4 {
		t.Errorf("spread %v: leaders %v, replicas %v; want 2 leaders and 4 replicas on each broker, b-0 led by 3", a, leaders, replicas)
	}
	if _, err := spread([]kafka.TopicDescription{topic("a", 1, 3)}, []int32{1, 2}, 0); err == nil || !strings.Contains(err.Error(), "needs 3 brokers") {
		t.Errorf("rf 3 on 2 brokers: %v", err)
	}
	if a, _ := spread([]kafka.TopicDescription{topic("a", 1, 3)}, []int32{1, 2}, 1); len(a[record.TopicPartition{Topic: "a"}]) != 1 {
		t.Errorf("--replication-factor 1: %v", a)
	}
}
