package group

import (
	"testing"

	"github.com/streamctl/streamctl/internal/group"
)

func TestParseTopicScope(t *testing.T) {
	ts, err := parseTopicScope("orders:0,2")
	if err != nil || ts.Topic != "orders" || len(ts.Partitions) != 2 || ts.Partitions[1] != 2 {
		t.Fatalf("got %+v, %v", ts, err)
	}
	if _, err := parseTopicScope("orders:x"); err == nil {
		t.Fatal("orders:x accepted")
	}
}

func TestDeleteOffsetsCommand(t *testing.T) {
	rows := []group.PlanRow{{Topic: "a", Partition: 0}, {Topic: "a", Partition: 2}, {Topic: "b", Partition: 1}}
	if got, want := deleteOffsetsCommand("g", rows, false), "streamctl group delete-offsets g --topic a:0,2 --topic b:1 --execute --yes"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	// A share group's offsets are deleted by whole topics.
	if got, want := deleteOffsetsCommand("g", rows, true), "streamctl group delete-offsets g --topic a --topic b --execute --yes"; got != want {
		t.Errorf("share group: got %q, want %q", got, want)
	}
}
