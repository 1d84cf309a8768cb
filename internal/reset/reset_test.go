package reset

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
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
