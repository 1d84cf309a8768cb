package cmd_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/streamctl/streamctl/cmd"
)

// Ctrl-C (a cancelled context) ends a command waiting on an unreachable
// cluster at once, with exit code 130, not 1 after the timeout.
func TestInterruptedWhileWaiting(t *testing.T) {
	t.Parallel()
	addr := closedPort(t)
	for _, args := range [][]string{
		{"topic", "list"},
		{"cluster", "describe"},
		{"topic", "describe", "x"},
		{"topic", "create", "x"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			time.AfterFunc(300*time.Millisecond, cancel)
			ios := testStreams("")
			start := time.Now()
			code := cmd.Run(ctx, ios, append(args, "--brokers", addr, "--timeout", "60s"))
			out, errOut := ios.Out, ios.ErrOut
			if elapsed := time.Since(start); elapsed > 20*time.Second {
				t.Errorf("took %s after Ctrl-C", elapsed)
			}
			if code != 130 {
				t.Errorf("exit %d, want 130\nstdout: %s\nstderr: %s", code, out, errOut)
			}
		})
	}
}
