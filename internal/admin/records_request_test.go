package admin

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/record"
)

type threePartitions struct{}

func (threePartitions) Partitions(_ context.Context, topics []string) ([]record.TopicPartition, error) {
	var tps []record.TopicPartition
	for p := range int32(3) {
		tps = append(tps, record.TopicPartition{Topic: topics[0], Partition: p})
	}
	return tps, nil
}

// delete-records takes the partitions and where to stop from its
// arguments or from Kafka's file, never both; a topic named alone is all
// its partitions.
func TestDeleteRecordsRequest(t *testing.T) {
	for _, c := range []struct {
		r    DeleteRecordsRequest
		want string
	}{
		{DeleteRecordsRequest{File: "f.json", Topics: []string{"t"}}, "--offset-json-file names the partitions and offsets: give it without TOPIC or --before"},
		{DeleteRecordsRequest{Topics: []string{"t"}}, "name the topics and where to stop"},
		{DeleteRecordsRequest{BeforeSet: true, Before: "end"}, "name the topics and where to stop"},
		{DeleteRecordsRequest{File: "/nonexistent/offsets.json"}, "/nonexistent/offsets.json"},
		{DeleteRecordsRequest{Topics: []string{"t:x"}, Before: "end", BeforeSet: true}, "t:x"},
	} {
		err := c.r.Check()
		if err == nil || !strings.Contains(err.Error(), c.want) || !exitcode.IsUsage(err) {
			t.Errorf("%+v: want a usage error with %q, got %v", c.r, c.want, err)
		}
	}
	r := DeleteRecordsRequest{Topics: []string{"a", "b:1"}, Before: "10", BeforeSet: true}
	if err := r.Check(); err != nil {
		t.Fatal(err)
	}
	targets, err := r.Targets(context.Background(), threePartitions{})
	if err != nil || len(targets) != 4 || targets[record.TopicPartition{Topic: "b", Partition: 1}].Offset != 10 {
		t.Errorf("targets %v, %v: want a's three partitions and b[1], before 10", targets, err)
	}
	path := filepath.Join(t.TempDir(), "offsets.json")
	if err := os.WriteFile(path, []byte(`{"partitions":[{"topic":"t","partition":2,"offset":7}],"version":1}`), 0o600); err != nil {
		t.Fatal(err)
	}
	r = DeleteRecordsRequest{File: path}
	if err := r.Check(); err != nil {
		t.Fatal(err)
	}
	if targets, _ := r.Targets(context.Background(), nil); len(targets) != 1 || targets[record.TopicPartition{Topic: "t", Partition: 2}].Offset != 7 {
		t.Errorf("from the file: %v", targets)
	}
}

// The plan's table shows where each log starts after; its topics are
// those that lose records.
func TestDeleteRecordsPlanGrid(t *testing.T) {
	after := int64(12)
	p := &DeleteRecordsPlan{Partitions: []DeleteRecordsRow{
		{Topic: "a", Partition: 0, LogStartOffset: 5, LogEndOffset: 20, BeforeOffset: 3},
		{Topic: "a", Partition: 1, LogStartOffset: 0, LogEndOffset: 20, BeforeOffset: 10, RecordsDeleted: 10},
		{Topic: "b", Partition: 0, LogStartOffset: 0, LogEndOffset: 20, BeforeOffset: 10, RecordsDeleted: 10, NewLogStartOffset: &after},
	}}
	g := p.Grid()
	if got := []string{g.Rows[0][6], g.Rows[1][6], g.Rows[2][6]}; got[0] != "5" || got[1] != "10" || got[2] != "12" {
		t.Errorf("NEW-LOG-START %q, want 5 (nothing deleted), 10 (planned), 12 (the broker's answer)", got)
	}
	if got := p.Topics(); len(got) != 2 || got[0] != "a" || got[1] != "b" {
		t.Errorf("topics %q", got)
	}
}
