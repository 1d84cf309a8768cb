package group

import (
	"context"
	"errors"
	"os"
	"testing"
)

// A KIP-848 group that is assigning or reconciling reads as Unknown
// (librdkafka 2.11 knows only the classic protocol's states). With members
// it is live: the reset is refused before anything is saved or committed.
func TestExecuteRefusesAnUnknownGroupWithMembers(t *testing.T) {
	dir := t.TempDir()
	plan := &ResetPlan{Group: "g", State: "Unknown", Strategy: "earliest", Rows: []ResetRow{{Topic: "t", New: 0}}, members: 2}
	_, err := Execute(context.Background(), nil, plan, dir)
	var active *ErrGroupActive
	if !errors.As(err, &active) || active.State != "Unknown" {
		t.Fatalf("Execute = %v, want ErrGroupActive", err)
	}
	if files, _ := os.ReadDir(dir); len(files) != 0 {
		t.Errorf("a refused reset saved %d undo files", len(files))
	}
}
