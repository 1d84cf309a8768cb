package cmd_test

import (
	"bufio"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// `consume | head` in follow mode: once head has its line and exits, the
// next record consume writes finds stdout closed, and consume ends quietly
// with exit 0 (not death by SIGPIPE, 141, which fails a set -o pipefail
// script; the reader's own exit status says whether it failed). It runs
// cmd.Main in a child process, whose stdout is a real pipe.
func TestConsumeFollowEndsQuietlyWhenItsReaderCloses(t *testing.T) {
	t.Parallel()
	b := startBroker(t)
	run(t, b.args("topic", "create", "live", "-p", "1")...).ok(t)
	runIn(t, "first\n", b.args("produce", "live")...).ok(t)
	for _, output := range []string{"raw", "json", "table"} {
		t.Run(output, func(t *testing.T) {
			r, w, err := os.Pipe()
			if err != nil {
				t.Fatal(err)
			}
			raw, _ := json.Marshal(b.args("consume", "live", "-o", output))
			c := exec.Command(os.Args[0], "-test.run=^TestDLQHelperProcess$")
			c.Env = append(os.Environ(), helperArgs+"="+string(raw))
			var stderr lockedBuffer
			c.Stdout, c.Stderr = w, &stderr
			if err := c.Start(); err != nil {
				t.Fatal(err)
			}
			w.Close()
			line, err := bufio.NewReader(r).ReadString('\n')
			if err != nil || !strings.Contains(line, "first") {
				t.Fatalf("read %q, %v; stderr:\n%s", line, err, stderr.String())
			}
			r.Close() // head has what it wanted
			done := make(chan error, 1)
			go func() { done <- c.Wait() }()
			// Records keep coming until consume tries to write one.
			for deadline := time.Now().Add(60 * time.Second); ; {
				runIn(t, "more\n", b.args("produce", "live")...).ok(t)
				select {
				case err := <-done:
					var exit *exec.ExitError
					if errors.As(err, &exit) {
						t.Fatalf("exit %v, want 0 once stdout is closed; stderr:\n%s", exit, stderr.String())
					}
					if err != nil {
						t.Fatal(err)
					}
					if strings.Contains(stderr.String(), "error") {
						t.Errorf("stderr: %s", stderr.String())
					}
					return
				case <-time.After(200 * time.Millisecond):
				}
				if time.Now().After(deadline) {
					_ = c.Process.Kill()
					t.Fatalf("consume still running with its stdout closed; stderr:\n%s", stderr.String())
				}
			}
		})
	}
}

// `consume -o raw | head -3` in follow mode with nothing more to read: every
// record went into the pipe in one go before head exited, so no later write
// finds the pipe closed. consume notices the closed stdout while idle and
// ends with exit 0; with -g it has committed what it wrote.
func TestConsumeFollowEndsWhenItsReaderClosesWhileIdle(t *testing.T) {
	t.Parallel()
	b := startBroker(t)
	run(t, b.args("topic", "create", "idle", "-p", "2")...).ok(t)
	runIn(t, "a\nb\nc\nd\ne\n", b.args("produce", "idle", "-k", "x")...).ok(t)
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(b.args("consume", "idle", "-o", "raw", "-g", "headers"))
	c := exec.Command(os.Args[0], "-test.run=^TestDLQHelperProcess$")
	c.Env = append(os.Environ(), helperArgs+"="+string(raw))
	var stderr lockedBuffer
	c.Stdout, c.Stderr = w, &stderr
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	in := bufio.NewReader(r)
	for range 3 { // head -3
		if _, err := in.ReadString('\n'); err != nil {
			t.Fatalf("%v; stderr:\n%s", err, stderr.String())
		}
	}
	r.Close()
	done := make(chan error, 1)
	go func() { done <- c.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("%v, want exit 0 once stdout is closed; stderr:\n%s", err, stderr.String())
		}
	case <-time.After(30 * time.Second):
		_ = c.Process.Kill()
		t.Fatalf("consume still running, idle, with its stdout closed; stderr:\n%s", stderr.String())
	}
	if got := b.committed(t, "headers"); got[0]+got[1] != 5 {
		t.Errorf("committed %v, want all 5 records, which went into the pipe", got)
	}
}
