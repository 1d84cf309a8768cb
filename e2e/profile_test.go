//go:build e2e

package e2e

import (
	"bufio"
	"encoding/json"
	"io"
	"os"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The profile commands as a user strings them together: create, list, use,
// show, set, delete; the config file stays 0600; --brokers and
// STREAMCTL_PROFILE pick the cluster as documented.
func TestProfileCommands(t *testing.T) {
	t.Parallel()
	u := newUserNoBrokers(t)
	u.unsetenv("STREAMCTL_TIMEOUT") // profiles' own timeouts apply
	boot := k(t, "KAFKA_BOOTSTRAP")
	topic := uniqueName(t, "")

	// No profile and no brokers: a clear error, not a hang.
	u.run("topic", "list").exit(t, 1).errContains(t, "no brokers")

	u.run("profile", "create", "local", "--brokers", boot).ok(t).errContains(t, "current profile")
	u.run("profile", "create", "elsewhere", "--brokers", "127.0.0.1:1", "--request-timeout", "2s").ok(t)
	u.run("profile", "create", "local", "--brokers", boot).exit(t, 1).errContains(t, "already exists")
	if st, err := os.Stat(u.configPath()); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("config file %s: %v, mode %v; want 0600", u.configPath(), err, st.Mode().Perm())
	}

	type summary struct {
		Name    string   `json:"name"`
		Current bool     `json:"current"`
		Brokers []string `json:"brokers"`
		Auth    string   `json:"auth"`
	}
	var list []summary
	u.run("profile", "list", "-o", "json").ok(t).json(t, &list)
	if len(list) != 2 || list[0].Name != "elsewhere" || list[0].Current || list[1].Name != "local" || !list[1].Current ||
		!slices.Equal(list[1].Brokers, []string{boot}) || list[1].Auth != "none" {
		t.Errorf("profile list: %+v", list)
	}

	// The current profile reaches the broker.
	u.run("topic", "create", topic).ok(t)
	u.run("topic", "describe", topic).ok(t)

	// use switches; the other profile's unreachable broker fails in its
	// own (short) timeout with exit 1; --profile and --brokers override.
	u.run("profile", "use", "elsewhere").ok(t)
	r := u.run("topic", "list").exit(t, 1)
	r.errContains(t, "no answer from the cluster", "127.0.0.1:1")
	u.run("topic", "describe", topic, "--profile", "local").ok(t)
	u.run("topic", "describe", topic, "--brokers", boot).ok(t)
	u.setenv("STREAMCTL_PROFILE", "local")
	u.run("topic", "describe", topic).ok(t)
	u.unsetenv("STREAMCTL_PROFILE")

	u.run("profile", "set", "elsewhere", "brokers="+boot, "timeout=20s", "properties.client.id=e2e-client").ok(t)
	var shown struct {
		Name    string `json:"name"`
		Current bool   `json:"current"`
		Profile struct {
			Brokers    []string          `json:"brokers"`
			Timeout    string            `json:"timeout"`
			Properties map[string]string `json:"properties"`
		} `json:"profile"`
	}
	u.run("profile", "show", "-o", "json").ok(t).json(t, &shown)
	if shown.Name != "elsewhere" || !shown.Current || !slices.Equal(shown.Profile.Brokers, []string{boot}) ||
		shown.Profile.Timeout != "20s" || shown.Profile.Properties["client.id"] != "e2e-client" {
		t.Errorf("profile show after set: %+v", shown)
	}
	u.run("topic", "describe", topic).ok(t)
	u.run("profile", "set", "elsewhere", "no.such.key=1").exit(t, 2)

	u.run("profile", "delete", "elsewhere").ok(t)
	u.run("profile", "show", "elsewhere").exit(t, 1).errContains(t, "not found", "local")
	list = nil
	u.run("profile", "list", "-o", "json").ok(t).json(t, &list)
	if len(list) != 1 || list[0].Name != "local" {
		t.Errorf("profile list after delete: %+v", list)
	}
	u.run("topic", "delete", topic, "--execute", "--yes", "--profile", "local").ok(t)
}

// The playground runs a Kafka-protocol broker in the process, saves a
// profile for it that other commands then use, and stops on Ctrl-C.
func TestPlayground(t *testing.T) {
	t.Parallel()
	u := newUserNoBrokers(t)
	pg := u.start("playground", "--port", "0", "--registry-port", "0")
	pg.stdin.Close()
	out := bufio.NewReader(pg.stdout)
	first, err := out.ReadString('\n')
	if err != nil || !strings.HasPrefix(first, "Playground broker listening on ") {
		t.Fatalf("playground's first line %q (%v)\nstderr:\n%s", first, err, pg.stderr.String())
	}
	var ts []stTopic
	u.run("topic", "list", "-o", "json").ok(t).json(t, &ts)
	var names []string
	for _, x := range ts {
		names = append(names, x.Name)
	}
	if !slices.Contains(names, "order-events") {
		t.Errorf("the playground profile's topic list: %v, want the demo's order-events", names)
	}
	r := u.run("consume", "order-events", "-n", "3", "-o", "json").ok(t)
	for _, l := range lines(r.stdout) {
		if !json.Valid([]byte(l)) {
			t.Errorf("not JSON: %s", l)
		}
	}
	if err := pg.cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		_, _ = out.WriteTo(io.Discard)
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(time.Minute):
		t.Fatal("the playground did not stop within a minute of Ctrl-C")
	}
	if code := pg.wait(t); code != 0 && code != 130 {
		t.Errorf("playground exited %d after Ctrl-C\nstderr:\n%s", code, pg.stderr.String())
	}
}
