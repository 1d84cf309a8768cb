//go:build e2e

package e2e

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// runTimeout is the hang guard of one streamctl run. Commands themselves
// are bounded by STREAMCTL_TIMEOUT (requestTimeout) per request.
const (
	runTimeout     = 2 * time.Minute
	requestTimeout = "30s"
)

// k returns a variable exported by the broker script.
func k(t testing.TB, name string) string {
	t.Helper()
	v, ok := kenv[name]
	if !ok || v == "" {
		t.Fatalf("the broker script did not export %s", name)
	}
	return v
}

// user is one person at a shell: their own config dir (XDG_CONFIG_HOME and
// HOME), environment and, unless noBrokers, STREAMCTL_BROKERS pointing at
// the PLAINTEXT listener.
type user struct {
	t    testing.TB
	home string
	env  []string
}

// newUser makes a user with STREAMCTL_BROKERS set to the PLAINTEXT listener.
func newUser(t testing.TB) *user {
	u := newUserNoBrokers(t)
	u.setenv("STREAMCTL_BROKERS", k(t, "KAFKA_BOOTSTRAP"))
	return u
}

// newUserNoBrokers makes a user whose commands get their brokers from a
// profile (or flags).
func newUserNoBrokers(t testing.TB) *user {
	t.Helper()
	home := t.TempDir()
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch {
		case name == "HOME", strings.HasPrefix(name, "XDG_"), name == "NO_COLOR":
			continue
		case strings.HasPrefix(name, "STREAMCTL_") && !strings.HasPrefix(name, "STREAMCTL_KAFKA_"):
			continue // a developer's STREAMCTL_PROFILE and the like
		}
		env = append(env, kv)
	}
	env = append(env, "HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, ".config"), "NO_COLOR=1",
		"STREAMCTL_TIMEOUT="+requestTimeout)
	return &user{t: t, home: home, env: env}
}

func (u *user) setenv(name, value string) {
	u.env = append(u.env, name+"="+value)
}

// unsetenv drops a variable (the last value wins in exec, so filter).
func (u *user) unsetenv(name string) {
	var env []string
	for _, kv := range u.env {
		if !strings.HasPrefix(kv, name+"=") {
			env = append(env, kv)
		}
	}
	u.env = env
}

// configPath is the user's streamctl config file.
func (u *user) configPath() string {
	return filepath.Join(u.home, ".config", "streamctl", "config.yaml")
}

// result is one finished streamctl run.
type result struct {
	args     []string
	stdout   string
	stderr   string
	code     int
	duration time.Duration
}

func (r result) String() string {
	return fmt.Sprintf("streamctl %s\nexit %d after %s\nstdout:\n%s\nstderr:\n%s", shellJoin(r.args), r.code,
		r.duration.Round(time.Millisecond), indent(r.stdout), indent(r.stderr))
}

func indent(s string) string {
	if s == "" {
		return "  (empty)"
	}
	const max = 8000
	if len(s) > max {
		s = s[:max] + fmt.Sprintf("\n... (%d more bytes)", len(s)-max)
	}
	return "  " + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n  ")
}

func shellJoin(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		if a == "" || strings.ContainsAny(a, " \t\n'\"$*?[]{}()|&;<>\\") {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		q[i] = a
	}
	return strings.Join(q, " ")
}

// run runs streamctl with no stdin.
func (u *user) run(args ...string) result {
	u.t.Helper()
	return u.runIn("", args...)
}

// runIn runs streamctl with stdin and waits (up to runTimeout).
func (u *user) runIn(stdin string, args ...string) result {
	u.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	cmd := u.command(ctx, args...)
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	r := result{args: args, stdout: stdout.String(), stderr: stderr.String(), duration: time.Since(start)}
	var exit *exec.ExitError
	switch {
	case ctx.Err() != nil:
		u.t.Fatalf("hung: killed after %s\n%s", runTimeout, r)
	case errors.As(err, &exit):
		r.code = exit.ExitCode()
	case err != nil:
		u.t.Fatalf("running streamctl: %v", err)
	}
	u.t.Logf("$ streamctl %s  # exit %d, %s", shellJoin(args), r.code, r.duration.Round(time.Millisecond))
	return r
}

func (u *user) command(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, binPath, args...)
	cmd.Env = u.env
	cmd.Dir = u.home
	cmd.WaitDelay = 5 * time.Second
	return cmd
}

// ok fails the test unless the run exited 0.
func (r result) ok(t testing.TB) result {
	t.Helper()
	if r.code != 0 {
		t.Fatalf("want exit 0:\n%s", r)
	}
	return r
}

// exit fails the test unless the run exited with code.
func (r result) exit(t testing.TB, code int) result {
	t.Helper()
	if r.code != code {
		t.Fatalf("want exit %d:\n%s", code, r)
	}
	return r
}

// json decodes stdout into v.
func (r result) json(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(r.stdout), v); err != nil {
		t.Fatalf("stdout is not the expected JSON: %v\n%s", err, r)
	}
}

// errContains fails unless stderr contains every one of subs.
func (r result) errContains(t testing.TB, subs ...string) {
	t.Helper()
	for _, s := range subs {
		if !strings.Contains(r.stderr, s) {
			t.Errorf("stderr lacks %q:\n%s", s, r)
		}
	}
}

// background is a streamctl run that goes on while the test does other things.
type background struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stdout io.ReadCloser
	stderr syncBuffer
	cancel context.CancelFunc
	done   chan struct{}
	err    error
}

// start runs streamctl in the background with stdin and stdout as pipes
// the caller uses. The hang guard kills it after runTimeout.
func (u *user) start(args ...string) *background {
	u.t.Helper()
	return u.startWithin(runTimeout, args...)
}

// startWithin is start for a process that must outlive runTimeout: one
// that follows a log while the test does slow things beside it (each
// Kafka tool's JVM takes seconds on a busy machine).
func (u *user) startWithin(d time.Duration, args ...string) *background {
	u.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	cmd := u.command(ctx, args...)
	b := &background{cmd: cmd, cancel: cancel, done: make(chan struct{})}
	var err error
	if b.stdin, err = cmd.StdinPipe(); err != nil {
		u.t.Fatal(err)
	}
	// Not StdoutPipe: Wait would close it when the process exits, possibly
	// before the test has read what is left in it.
	r, w, err := os.Pipe()
	if err != nil {
		u.t.Fatal(err)
	}
	b.stdout = r
	cmd.Stdout = w
	cmd.Stderr = &b.stderr
	err = cmd.Start()
	w.Close()
	if err != nil {
		r.Close()
		u.t.Fatal(err)
	}
	u.t.Logf("$ streamctl %s &", shellJoin(args))
	go func() {
		defer close(b.done)
		b.err = cmd.Wait()
	}()
	u.t.Cleanup(func() {
		cancel()
		<-b.done
		r.Close()
	})
	return b
}

// wait waits for the run to end and returns its exit code. Read stdout to
// EOF first, or a process blocked writing to it never ends.
func (b *background) wait(t testing.TB) int {
	t.Helper()
	<-b.done
	if b.cmd.ProcessState == nil {
		t.Fatalf("background run failed: %v", b.err)
	}
	return b.cmd.ProcessState.ExitCode()
}

// uniqueName is a topic or group name for this test: readable, and unique
// across runs sharing a broker (STREAMCTL_E2E_KEEP_BROKER).
func uniqueName(t testing.TB, suffix string) string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	name := strings.ToLower(t.Name())
	name = regexp.MustCompile(`[^a-z0-9]+`).ReplaceAllString(name, "-")
	name = strings.Trim(strings.TrimPrefix(name, "test"), "-")
	if len(name) > 80 {
		name = name[:80]
	}
	if suffix != "" {
		name += "-" + suffix
	}
	return "e2e-" + name + "-" + hex.EncodeToString(b[:])
}

// eventually polls cond until it returns true, failing the test with the
// last reason after timeout. For what Kafka makes true a little later
// (committed offsets, deleted topics).
func eventually(t testing.TB, timeout time.Duration, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for delay := 100 * time.Millisecond; ; delay = min(delay*2, 2*time.Second) {
		ok, why := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("not true after %s: %s", timeout, why)
		}
		time.Sleep(delay)
	}
}

// lines splits output into its non-empty lines.
func lines(s string) []string {
	var out []string
	sc := bufio.NewScanner(strings.NewReader(s))
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		if l := sc.Text(); strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	return out
}

// writeFile writes a file in the user's home and returns its path.
func (u *user) writeFile(name string, data []byte, mode os.FileMode) string {
	u.t.Helper()
	path := filepath.Join(u.home, name)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		u.t.Fatal(err)
	}
	if err := os.WriteFile(path, data, mode); err != nil {
		u.t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		u.t.Fatal(err)
	}
	return path
}

// transcript collects every output of a user's runs, to search for secrets.
type transcript struct {
	mu  sync.Mutex
	all []result
}

func (tr *transcript) add(r result) result {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	tr.all = append(tr.all, r)
	return r
}

// assertAbsent fails for every captured stdout or stderr containing secret.
func (tr *transcript) assertAbsent(t testing.TB, secret string) {
	t.Helper()
	if len(tr.all) == 0 {
		t.Fatal("nothing captured")
	}
	for _, r := range tr.all {
		for _, s := range []struct{ name, text string }{{"stdout", r.stdout}, {"stderr", r.stderr}} {
			if strings.Contains(s.text, secret) {
				t.Errorf("the secret %q appears in %s of `streamctl %s`:\n%s", secret, s.name, shellJoin(r.args), r)
			}
		}
	}
}

// syncBuffer is a bytes.Buffer safe to read while a process writes to it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
