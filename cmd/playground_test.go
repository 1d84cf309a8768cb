package cmd_test

import (
	"context"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/streamctl/streamctl/cmd"
	"github.com/streamctl/streamctl/internal/output"
)

var listening = regexp.MustCompile(`listening on (127\.0\.0\.1:\d+)`)

// startPlayground runs `streamctl playground` until the test ends and
// returns its address and stdout. The broker and the registry get free
// ports (TestTestsStartPlaygroundsOnFreePorts).
func startPlayground(t *testing.T, args ...string) (string, *lockedBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out, errOut := &lockedBuffer{}, &lockedBuffer{}
	ios := &output.IOStreams{In: strings.NewReader(""), Out: out, ErrOut: errOut}
	done := make(chan int, 1)
	go func() {
		done <- cmd.Run(ctx, ios, append([]string{"playground", "--port", "0", "--registry-port", "0"}, args...))
	}()
	stop := func() int {
		cancel()
		select {
		case code := <-done:
			return code
		case <-time.After(hangGuard):
			t.Error("the playground did not stop after Ctrl-C")
			return -1
		}
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		if m := listening.FindStringSubmatch(out.String()); m != nil && strings.Contains(out.String(), "Stop with Ctrl-C") {
			t.Cleanup(func() {
				if code := stop(); code != 0 {
					t.Errorf("playground exited %d after Ctrl-C, want 0\nstderr: %s", code, errOut)
				}
			})
			return m[1], out
		}
		select {
		case code := <-done:
			t.Fatalf("playground exited %d before it was ready\nstdout: %s\nstderr: %s", code, out, errOut)
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			stop()
			t.Fatalf("playground not ready\nstdout: %s\nstderr: %s", out, errOut)
		}
	}
}

func TestPlayground(t *testing.T) {
	cfg := isolate(t)
	addr, out := startPlayground(t)
	if !strings.Contains(out.String(), "Demo data seeded") || !strings.Contains(out.String(), "streamctl topic list") {
		t.Errorf("cheat sheet:\n%s", out)
	}
	assertPrivate(t, cfg)

	// The saved profile is current: no --brokers needed.
	r := run(t, "profile", "show", "playground", "-o", "json").ok(t)
	if !strings.Contains(r.out, addr) || !strings.Contains(r.out, `"current": true`) {
		t.Errorf("playground profile:\n%s", r.out)
	}
	names := strings.Join(listNames(t, broker{addr: addr}), " ")
	if names != "customer-state order-events order-events-avro order-events-dlt order-events-retry order-sink-dlq" {
		t.Errorf("demo topics = %q", names)
	}
	r = run(t, "topic", "list").ok(t)
	if !strings.Contains(r.out, "order-events\t3\t1\t288") {
		t.Errorf("topic list through the playground profile:\n%s", r.out)
	}
}

func TestPlaygroundKeepsTheCurrentProfile(t *testing.T) {
	isolate(t)
	run(t, "profile", "create", "prod", "--brokers", "prod:9092").ok(t)
	_, out := startPlayground(t, "--no-demo")
	if strings.Contains(out.String(), "Demo data seeded") {
		t.Error("--no-demo seeded the demo data")
	}
	if !strings.Contains(out.String(), "streamctl --profile playground cluster describe") {
		t.Errorf("the cheat sheet should name the profile when it is not current:\n%s", out)
	}
	r := run(t, "profile", "list", "-o", "json").ok(t)
	if !strings.Contains(r.out, "\"name\": \"prod\",\n    \"current\": true") {
		t.Errorf("the playground took over the current profile:\n%s", r.out)
	}
	if r := run(t, "--profile", "playground", "topic", "list", "-o", "json").ok(t); strings.TrimSpace(r.out) != "[]" {
		t.Errorf("--no-demo broker has topics: %s", r.out)
	}
}

// With --data-dir the demo data survives a restart and is not seeded twice.
func TestPlaygroundDataDir(t *testing.T) {
	isolate(t)
	dir := t.TempDir()

	t.Run("first start", func(t *testing.T) {
		addr, out := startPlayground(t, "--data-dir", dir)
		if !strings.Contains(out.String(), "Demo data seeded") {
			t.Errorf("stdout:\n%s", out)
		}
		run(t, "topic", "create", "mine", "-p", "1", "--brokers", addr).ok(t)
	})
	if entries, _ := os.ReadDir(dir); len(entries) == 0 {
		t.Fatal("nothing was written to --data-dir")
	}
	t.Run("restart", func(t *testing.T) {
		addr, out := startPlayground(t, "--data-dir", dir)
		if strings.Contains(out.String(), "Demo data seeded") {
			t.Error("a restarted playground seeded the demo data again")
		}
		r := run(t, "topic", "list", "--brokers", addr).ok(t)
		for _, want := range []string{"order-events\t3\t1\t288", "mine\t1\t1\t0"} {
			if !strings.Contains(r.out, want) {
				t.Errorf("after restart, topic list lacks %q:\n%s", want, r.out)
			}
		}
	})
}

// A second playground does not take over the profile of one that is still
// running; it names the clash and the way out (--profile-name). Once the
// first is gone, the profile follows the new one, with a note.
func TestPlaygroundKeepsARunningPlaygroundsProfile(t *testing.T) {
	isolate(t)
	first, _ := startPlayground(t, "--no-demo")
	r := run(t, "playground", "--port", "0", "--registry-port", "0", "--no-demo").exit(t, 1)
	if !strings.Contains(r.errOut, `profile "playground" points at `+first+", where a broker answers") || !strings.Contains(r.errOut, "--profile-name") {
		t.Errorf("stderr:\n%s", r.errOut)
	}
	if r := run(t, "profile", "show", "playground", "-o", "json").ok(t); !strings.Contains(r.out, first) {
		t.Errorf("the running playground's profile changed:\n%s", r.out)
	}
	second, _ := startPlayground(t, "--no-demo", "--profile-name", "pg2")
	if r := run(t, "profile", "show", "pg2", "-o", "json").ok(t); !strings.Contains(r.out, second) {
		t.Errorf("pg2 does not point at the second playground:\n%s", r.out)
	}
}

func TestPlaygroundRepointsAStaleProfile(t *testing.T) {
	cfg := isolate(t)
	stale := closedPort(t)
	if err := os.MkdirAll(filepath.Dir(cfg), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cfg, []byte("profiles:\n  playground:\n    brokers: ["+stale+"]\n    timeout: 3s\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ios := testStreams("")
	done := make(chan int, 1)
	go func() {
		done <- cmd.Run(ctx, ios, []string{"playground", "--port", "0", "--registry-port", "0", "--no-demo"})
	}()
	var addr string
	for deadline := time.Now().Add(30 * time.Second); addr == ""; time.Sleep(20 * time.Millisecond) {
		if m := listening.FindStringSubmatch(ios.Out.(*lockedBuffer).String()); m != nil {
			addr = m[1]
		}
		if time.Now().After(deadline) {
			t.Fatalf("not ready:\n%s", ios.ErrOut)
		}
	}
	cancel()
	<-done
	if want := `Profile "playground" pointed at ` + stale + ", where nothing answers now; it points at " + addr + "."; !strings.Contains(ios.ErrOut.(*lockedBuffer).String(), want) {
		t.Errorf("stderr lacks %q:\n%s", want, ios.ErrOut)
	}
	r := run(t, "profile", "show", "playground", "-o", "json").ok(t)
	if !strings.Contains(r.out, addr) || !strings.Contains(r.out, `"timeout": "3s"`) {
		t.Errorf("the profile should point at %s and keep its other settings:\n%s", addr, r.out)
	}
}

// No test may bind a fixed port: `make test` has to pass beside a `make
// playground` on 9092 and 8081, as the README's tour runs them. The
// playground's flags default to those ports, so every test that starts one
// must pick free ports for both the broker and the registry.
func TestTestsStartPlaygroundsOnFreePorts(t *testing.T) {
	start := regexp.MustCompile(`(^|[({]|\bt, )"playground", `)
	files, _ := filepath.Glob("*_test.go")
	e2e, _ := filepath.Glob("../e2e/*_test.go")
	for _, path := range append(files, e2e...) {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(src), "\n") {
			if !start.MatchString(line) {
				continue
			}
			for _, flag := range []string{`"--port", "0"`, `"--registry-port", "0"`} {
				if !strings.Contains(line, flag) {
					t.Errorf("%s:%d starts a playground without %s: it binds a fixed port\n\t%s", path, i+1, flag, strings.TrimSpace(line))
				}
			}
		}
	}
}

// A playground on a port something else holds (a first playground on 9092)
// says so and names the flag that picks another, as the registry's does.
func TestPlaygroundOnATakenPortSuggestsPort(t *testing.T) {
	isolate(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	_, taken, _ := net.SplitHostPort(l.Addr().String())
	args := []string{"--port", taken, "--registry-port", "0", "--no-demo"}
	r := run(t, append([]string{"playground"}, args...)...).exit(t, 1)
	if want := "127.0.0.1:" + taken + " is in use (another playground?): pick another with --port, e.g. --port 0 for a free one"; !strings.Contains(r.errOut, want) {
		t.Errorf("stderr lacks %q:\n%s", want, r.errOut)
	}
	if strings.Contains(r.errOut, "Usage:") {
		t.Errorf("a taken port is not a usage error:\n%s", r.errOut)
	}
}

// The playground says what it is: not a Kafka release (its API ranges read
// as "between v1.0 and v1.1"), in no rack (kfake's "krack"), no disk
// figures (32 GiB usable of a "total" that is its data's size), and with
// --no-demo a cheat sheet without the demo's topics.
func TestPlaygroundSaysWhatItIs(t *testing.T) {
	isolate(t)
	addr, out := startPlayground(t, "--no-demo")
	if strings.Contains(out.String(), "order-events") || !strings.Contains(out.String(), "streamctl consume scratch -e") {
		t.Errorf("the --no-demo cheat sheet:\n%s", out)
	}
	var v struct {
		Brokers []struct {
			KafkaVersion string `json:"kafka_version"`
		} `json:"brokers"`
	}
	r := run(t, "version", "--cluster", "-o", "json", "--brokers", addr).ok(t)
	if err := json.Unmarshal([]byte(r.out), &v); err != nil || len(v.Brokers) != 1 || v.Brokers[0].KafkaVersion != "none: the streamctl playground (kfake), not Apache Kafka" {
		t.Errorf("version --cluster (%v):\n%s", err, r.out)
	}
	var d struct {
		Brokers []struct {
			Rack string `json:"rack"`
		} `json:"brokers"`
		LogDirs []struct {
			Dirs []struct {
				Total  int64 `json:"total_bytes"`
				Usable int64 `json:"usable_bytes"`
			} `json:"dirs"`
		} `json:"log_dirs"`
	}
	r = run(t, "cluster", "describe", "-o", "json", "--brokers", addr).ok(t)
	if err := json.Unmarshal([]byte(r.out), &d); err != nil || len(d.Brokers) != 1 || d.Brokers[0].Rack != "" {
		t.Errorf("cluster describe: a rack on the playground (%v):\n%s", err, r.out)
	}
	for _, b := range d.LogDirs {
		for _, dir := range b.Dirs {
			if dir.Usable > dir.Total {
				t.Errorf("cluster describe: %d bytes usable of %d:\n%s", dir.Usable, dir.Total, r.out)
			}
		}
	}
	if r := run(t, "cluster", "describe", "--brokers", addr).ok(t); strings.Contains(r.out, "krack") || strings.Contains(r.out, "32 GiB") {
		t.Errorf("cluster describe:\n%s", r.out)
	}
}
