package cmd_test

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/streamctl/streamctl/cmd"
	"github.com/streamctl/streamctl/internal/config"
	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/output"
	"github.com/streamctl/streamctl/internal/playground"
	"github.com/streamctl/streamctl/internal/testkit"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden with the current output")

// result is what one in-process run of streamctl produced.
type result struct {
	code        int
	out, errOut string
}

// The environment of whoever runs the tests must not steer them, nor may
// the tests read their config file: by default the config file is one that
// does not exist. Tests that run in parallel cannot use t.Setenv; those that
// write a config file pass --config, the others call isolate.
func init() {
	if os.Getenv(helperCLI) != "" {
		return // streamctl for a doc example: its environment is the example's
	}
	for _, k := range []string{"STREAMCTL_CONFIG", "STREAMCTL_PROFILE", "STREAMCTL_BROKERS", "STREAMCTL_TIMEOUT", "NO_COLOR"} {
		os.Unsetenv(k)
	}
	nowhere := filepath.Join(os.TempDir(), "streamctl-test-no-such-dir")
	os.Setenv("XDG_CONFIG_HOME", nowhere)
	os.Setenv("HOME", nowhere)
	// Replay checkpoints and reset undo plans go to the state directory: a
	// fresh one per test run, so runs never see each other's files.
	if state, err := os.MkdirTemp("", "streamctl-test-state-"); err == nil {
		os.Setenv("XDG_STATE_HOME", state)
	}
}

// tmpConfig is a config file path of the test's own, which does not exist
// yet.
func tmpConfig(t *testing.T) string {
	t.Helper()
	return filepath.Join(t.TempDir(), "config.yaml")
}

// isolate gives the test its own empty config directory and clears the
// STREAMCTL_* variables of whoever runs the tests. It returns the config path.
func isolate(t *testing.T) string {
	t.Helper()
	for _, k := range []string{"STREAMCTL_CONFIG", "STREAMCTL_PROFILE", "STREAMCTL_BROKERS", "STREAMCTL_TIMEOUT", "NO_COLOR"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	dir := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", dir)
	t.Setenv("HOME", dir)
	return filepath.Join(dir, "streamctl", "config.yaml")
}

// run executes streamctl in-process with test streams (not a terminal).
func run(t *testing.T, args ...string) result {
	t.Helper()
	return runIn(t, "", args...)
}

// runIn is run with stdin.
func runIn(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	return execute(stdin, args)
}

// execute is runIn without a *testing.T, for goroutines.
func execute(stdin string, args []string) result {
	return executeOn(testStreams(stdin), args)
}

// testStreams are streams as output.Test makes them (not a terminal), but
// safe for the concurrent writes of a command and the -v log goroutines.
func testStreams(stdin string) *output.IOStreams {
	return &output.IOStreams{In: strings.NewReader(stdin), Out: &lockedBuffer{}, ErrOut: &lockedBuffer{}}
}

func executeOn(ios *output.IOStreams, args []string) result {
	code := cmd.Run(context.Background(), ios, args)
	return result{code: code, out: ios.Out.(*lockedBuffer).String(), errOut: ios.ErrOut.(*lockedBuffer).String()}
}

// ok fails the test unless the run succeeded.
func (r result) ok(t *testing.T) result {
	t.Helper()
	if r.code != 0 {
		t.Fatalf("exit %d, want 0\nstdout:\n%s\nstderr:\n%s", r.code, r.out, r.errOut)
	}
	return r
}

// exit fails the test unless the run exited with code.
func (r result) exit(t *testing.T, code int) result {
	t.Helper()
	if r.code != code {
		t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, code, r.out, r.errOut)
	}
	return r
}

// broker is an in-process kfake broker for one test, with the playground's
// schema registry beside it.
type broker struct {
	addr     string
	registry string // the registry's URL
}

// startBroker starts an empty playground broker on a free port.
func startBroker(t *testing.T) broker {
	t.Helper()
	p, err := playground.Start(playground.Options{Port: 0})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	return broker{addr: p.Addr(), registry: p.RegistryURL()}
}

// startDemo starts a broker seeded with the playground's demo data set.
func startDemo(t *testing.T) broker {
	t.Helper()
	b := startBroker(t)
	c, err := kafka.Connect(&config.Cluster{Brokers: []string{b.addr}, Timeout: 30 * time.Second}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := playground.Seed(context.Background(), c, time.Now()); err != nil {
		t.Fatalf("seeding the demo data: %v", err)
	}
	return b
}

// consumeInBackground runs `consume TOPIC -g GROUP` in-process until the
// test ends: a live member of the group.
func (b broker) consumeInBackground(t *testing.T, topic, group string) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		ios, _, _, _ := output.Test()
		cmd.Run(ctx, ios, b.args("consume", topic, "-g", group, "-o", "raw"))
	}()
	t.Cleanup(func() { cancel(); <-done })
}

// args appends --brokers for this broker. The config file is the one init
// points at, which does not exist.
func (b broker) args(args ...string) []string {
	return append(args, "--brokers", b.addr)
}

var (
	jsonTopicID = regexp.MustCompile(`"id": "[A-Za-z0-9+/=_-]{20,24}"`)
	yamlTopicID = regexp.MustCompile(`(?m)^(\s*-?\s*)id: [A-Za-z0-9+/=_-]{20,24}$`)
	tsvTopicID  = regexp.MustCompile(`\t[A-Za-z0-9+/=_-]{22}\t`)
)

// normalise replaces the values that differ from run to run: topic ids and
// the broker's port, where it stands as a port (host:port, or a port field
// in json and yaml), not wherever its digits appear (an offset or a count
// may have the same digits).
func (b broker) normalise(s string) string {
	s = jsonTopicID.ReplaceAllString(s, `"id": "<topic-id>"`)
	s = yamlTopicID.ReplaceAllString(s, "${1}id: <topic-id>")
	s = tsvTopicID.ReplaceAllString(s, "\t<topic-id>\t")
	host, port, _ := net.SplitHostPort(b.addr)
	s = strings.ReplaceAll(s, b.addr, net.JoinHostPort(host, "<port>"))
	return regexp.MustCompile(`(?m)("port": |^\s*port: )`+port+`\b`).ReplaceAllString(s, "${1}<port>")
}

// golden compares got with testdata/name.golden, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	testkit.Golden(t, *update, name, got)
}

func closedPort(t *testing.T) string { return testkit.ClosedPort(t) }

// rawLibrdkafkaLog matches librdkafka's own log format ("%3|1700000000.123|FAIL|...").
var rawLibrdkafkaLog = regexp.MustCompile(`(?m)^%\d\|\d+\.\d+\|[A-Z]+\|`)

// runTTY runs streamctl as if stdin and stderr were a terminal (so it may
// ask questions), with answers on stdin.
func runTTY(t *testing.T, answers string, args ...string) result {
	t.Helper()
	ios := testStreams(answers)
	ios.InTTY, ios.ErrTTY = true, true
	return executeOn(ios, args)
}

// lockedBuffer is a bytes.Buffer safe to read while a running command writes.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// runPrinted runs a command line streamctl printed (a hint such as a
// resume command) with sh, as a user pasting it would, streamctl being
// this test binary; env adds to its environment (STREAMCTL_BROKERS=... for
// a hint that, like the user's, relies on the profile to name the cluster).
func runPrinted(t *testing.T, line string, env ...string) result {
	t.Helper()
	c := exec.Command("sh", "-c", line)
	c.Env = append(os.Environ(), "PATH="+docCLI(t)+string(os.PathListSeparator)+os.Getenv("PATH"), helperCLI+"=1")
	c.Env = append(c.Env, env...)
	var out, errOut bytes.Buffer
	c.Stdout, c.Stderr = &out, &errOut
	err := c.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatal(err)
	}
	t.Logf("$ %s", line)
	return result{code: c.ProcessState.ExitCode(), out: out.String(), errOut: errOut.String()}
}

// runHint runs the command streamctl printed on the line after the one
// holding marker (an undo or restore command, indented), as a user would
// paste it later, when another cluster may be the current one: the printed
// command must name this broker itself.
func (b broker) runHint(t *testing.T, errOut, marker string) result {
	t.Helper()
	_, after, ok := strings.Cut(errOut, marker)
	if !ok {
		t.Fatalf("no %q in:\n%s", marker, errOut)
	}
	lines := strings.SplitN(after, "\n", 3)
	if len(lines) < 2 || !strings.HasPrefix(lines[1], "  streamctl ") {
		t.Fatalf("no command after %q in:\n%s", marker, errOut)
	}
	return runPrinted(t, strings.TrimSpace(lines[1]), "STREAMCTL_BROKERS="+closedPort(t))
}
