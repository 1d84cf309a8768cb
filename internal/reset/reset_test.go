package reset

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/record"
)

// A group with members is live, whatever its type and however its state
// reads (a consumer group reconciling, a share group Stable): the reset is
// refused before anything is saved or committed, with a message naming the
// group's type and state.
func TestExecuteRefusesAGroupWithMembers(t *testing.T) {
	for _, tc := range []struct{ typ, state, msg string }{
		{"consumer", "Reconciling", `consumer group "g" is Reconciling: stop its members`},
		{"share", "Stable", `share group "g" is Stable: stop its members`},
		{"streams", "NotReady", `streams group "g" is NotReady: stop its members`},
		{"classic", "Empty", `group "g" is Empty: stop its members`}, // Empty, yet members: a race; still refused
	} {
		dir := t.TempDir()
		plan := &Plan{Group: "g", Type: tc.typ, State: tc.state, Strategy: "earliest", Rows: []Row{{Topic: "t", New: 0}}, members: 2}
		_, err := Execute(context.Background(), nil, plan, dir, false)
		var active *ErrGroupActive
		if !errors.As(err, &active) || err.Error()[:len(tc.msg)] != tc.msg {
			t.Errorf("%s group %s: Execute = %v, want ErrGroupActive saying %q", tc.typ, tc.state, err, tc.msg)
		}
		if files, _ := os.ReadDir(dir); len(files) != 0 {
			t.Errorf("a refused reset saved %d undo files", len(files))
		}
	}
}

func TestReadPlanKafkaFormats(t *testing.T) {
	rows, err := ReadPlan(strings.NewReader("orders,0,42\norders,1,7\n"), "g")
	if err != nil || len(rows) != 2 || rows[0] != (OffsetRow{"orders", 0, 42}) {
		t.Fatalf("3-column plan: %v %v", rows, err)
	}
	rows, err = ReadPlan(strings.NewReader("g,orders,0,42\nother,orders,0,1\n"), "g")
	if err != nil || len(rows) != 1 || rows[0].Offset != 42 {
		t.Fatalf("4-column plan keeps only the group's rows: %v %v", rows, err)
	}
	if _, err := ReadPlan(strings.NewReader("orders,zero,1\n"), "g"); err == nil || !strings.Contains(err.Error(), "line 1") {
		t.Fatalf("bad number: %v", err)
	}
}

func TestDeleteOffsetsCommand(t *testing.T) {
	rows := []OffsetRow{{Topic: "a", Partition: 0}, {Topic: "a", Partition: 2}, {Topic: "b", Partition: 1}}
	if got, want := DeleteOffsetsCommand("g", rows, false), "streamctl group delete-offsets g --topic a:0,2 --topic b:1 --execute --yes"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	// A share group's offsets are deleted by whole topics.
	if got, want := DeleteOffsetsCommand("g", rows, true), "streamctl group delete-offsets g --topic a --topic b --execute --yes"; got != want {
		t.Errorf("share group: got %q, want %q", got, want)
	}
}

// liveGroupNoCommits is a consumer group whose members have not committed
// yet: Admin's other calls are not reached.
type liveGroupNoCommits struct{ Admin }

func (liveGroupNoCommits) ListGroups(context.Context) ([]kafka.GroupListing, error) {
	return []kafka.GroupListing{{ID: "g", Type: kafka.GroupConsumer}}, nil
}

func (liveGroupNoCommits) DescribeTypedGroups(_ context.Context, typ string, ids []string) ([]kafka.GroupDescription, error) {
	return []kafka.GroupDescription{{ID: ids[0], Type: typ, State: "Stable", Members: make([]kafka.GroupMember, 1)}}, nil
}

func (liveGroupNoCommits) GroupOffsets(context.Context, string) (map[record.TopicPartition]int64, error) {
	return map[record.TopicPartition]int64{}, nil
}

func (liveGroupNoCommits) Partitions(context.Context, []string) ([]record.TopicPartition, error) {
	return nil, nil
}

// --all-topics of a live group that has not committed yet: the members are
// what stands in the way (a CI run found "no commits" said instead when the
// console consumer had not committed yet).
func TestPlanOfALiveGroupWithoutCommitsNamesItsMembers(t *testing.T) {
	_, err := MakePlan(context.Background(), liveGroupNoCommits{}, "g", Strategy{Kind: "earliest"}, Scope{AllTopics: true})
	var active *ErrGroupActive
	if !errors.As(err, &active) || !strings.Contains(err.Error(), `consumer group "g" is Stable: stop its members`) {
		t.Fatalf("MakePlan = %v, want ErrGroupActive", err)
	}
}
