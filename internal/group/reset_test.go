package group

import (
	"context"
	"errors"
	"os"
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
		plan := &ResetPlan{Group: "g", Type: tc.typ, State: tc.state, Strategy: "earliest", Rows: []ResetRow{{Topic: "t", New: 0}}, members: 2}
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
