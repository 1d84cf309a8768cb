package cmd_test

import (
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

// hangGuard is far above the 1-2s timeouts used here: it catches a command
// that hangs, not one that is slow on a busy machine.
const hangGuard = 10 * time.Second

// Every command that talks to the cluster fails with exit 1 within the
// timeout, names the brokers it tried, and keeps librdkafka's own log lines
// off stderr.
func TestStoppedBroker(t *testing.T) {
	t.Parallel()
	addr := closedPort(t)
	commands := [][]string{
		{"cluster", "describe"},
		{"topic", "list"},
		{"topic", "describe", "x"},
		{"topic", "create", "x"},
		{"topic", "alter", "x", "--partitions", "2"},
		{"topic", "config", "get", "x"},
		{"topic", "config", "set", "x", "a=b"},
		{"topic", "config", "delete", "x", "a"},
		{"topic", "delete", "x", "--execute", "--yes"},
	}
	// Run them all at once: each waits out its timeout, and t.Parallel would
	// run only GOMAXPROCS of them at a time.
	results := make([]result, len(commands))
	took := make([]time.Duration, len(commands))
	var wg sync.WaitGroup
	for i, args := range commands {
		wg.Add(1)
		go func() {
			defer wg.Done()
			start := time.Now()
			results[i] = execute("", append(args, "--brokers", addr, "--timeout", "2s"))
			took[i] = time.Since(start)
		}()
	}
	wg.Wait()
	for i, args := range commands {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			r, elapsed := results[i], took[i]
			r.exit(t, 1)
			if elapsed > hangGuard {
				t.Errorf("took %s with --timeout 2s", elapsed)
			}
			if !strings.Contains(r.errOut, addr) {
				t.Errorf("stderr does not name the broker %s:\n%s", addr, r.errOut)
			}
			if !strings.Contains(r.errOut, "--timeout") {
				t.Errorf("stderr does not say what to do:\n%s", r.errOut)
			}
			if rawLibrdkafkaLog.MatchString(r.errOut) || strings.Contains(r.errOut, "FAIL|") {
				t.Errorf("raw librdkafka log lines on stderr:\n%s", r.errOut)
			}
			if lines := strings.Count(strings.TrimSpace(r.errOut), "\n") + 1; lines != 1 {
				t.Errorf("want one error line on stderr, got %d:\n%s", lines, r.errOut)
			}
			if strings.Contains(r.errOut, "Usage:") {
				t.Error("a connection failure is not a usage error")
			}
			if r.out != "" {
				t.Errorf("stdout = %q, want nothing", r.out)
			}
		})
	}
}

// With -v, librdkafka's logs come through the tool's logger: shown, but as
// structured debug lines rather than raw "%3|...|FAIL|" output.
func TestStoppedBrokerVerbose(t *testing.T) {
	t.Parallel()
	addr := closedPort(t)
	r := run(t, "topic", "list", "--brokers", addr, "--timeout", "1s", "-v").exit(t, 1)
	if !strings.Contains(r.errOut, "source=librdkafka") {
		t.Errorf("-v should show librdkafka's logs:\n%s", r.errOut)
	}
	if !strings.Contains(r.errOut, "level=DEBUG") || !strings.Contains(r.errOut, "resolved cluster") {
		t.Errorf("-v should show debug lines:\n%s", r.errOut)
	}
	if rawLibrdkafkaLog.MatchString(r.errOut) {
		t.Errorf("raw librdkafka log format on stderr:\n%s", r.errOut)
	}
	if !strings.Contains(r.errOut, "error: listing topics: no answer from the cluster at "+addr) {
		t.Errorf("the error is missing:\n%s", r.errOut)
	}
}

func TestStoppedBrokerProfileTimeout(t *testing.T) {
	t.Parallel()
	addr, cfg := closedPort(t), tmpConfig(t)
	run(t, "profile", "create", "staging", "--brokers", addr, "--request-timeout", "1s", "--config", cfg).ok(t)
	start := time.Now()
	r := run(t, "topic", "list", "--config", cfg).exit(t, 1)
	if time.Since(start) > hangGuard {
		t.Errorf("the profile's 1s timeout was not used: took %s", time.Since(start))
	}
	if !strings.Contains(r.errOut, addr) || !strings.Contains(r.errOut, "within 1s") {
		t.Errorf("stderr = %q", r.errOut)
	}
}

// Errors name what was used, as the user wrote it: the brokers of -X
// bootstrap.servers rather than the profile's, and a property by the name
// given (librdkafka's own message names linger.ms "queue.buffering.max.ms")
// and where it came from.
func TestErrorsNameTheSettingsInUse(t *testing.T) {
	t.Parallel()
	profileAddr, flagAddr := closedPort(t), closedPort(t)
	cfg := tmpConfig(t)
	body := "current_profile: p\nprofiles:\n  p:\n    brokers: [" + profileAddr + "]\n  bad:\n    brokers: [" + profileAddr + "]\n    properties:\n      linger.ms: soon\n"
	if err := os.WriteFile(cfg, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	r := run(t, "--config", cfg, "topic", "list", "--timeout", "1s", "-X", "bootstrap.servers="+flagAddr).exit(t, 1)
	if !strings.Contains(r.errOut, "no answer from the cluster at "+flagAddr) || strings.Contains(r.errOut, profileAddr) {
		t.Errorf("the error should name %s (-X), not the profile's %s:\n%s", flagAddr, profileAddr, r.errOut)
	}
	for _, tc := range []struct{ args []string }{
		{[]string{"-X", "linger.ms=abc"}},
		{[]string{"--profile", "bad"}},
	} {
		r := run(t, append([]string{"--config", cfg, "topic", "list", "--timeout", "1s"}, tc.args...)...).exit(t, 1)
		if !strings.Contains(r.errOut, `property "linger.ms"`) || strings.Contains(r.errOut, "queue.buffering") {
			t.Errorf("%v: the error should name linger.ms as given:\n%s", tc.args, r.errOut)
		}
	}
	r = run(t, "--config", cfg, "topic", "list", "--profile", "bad")
	if !strings.Contains(r.errOut, `profile "bad" property linger.ms=soon`) {
		t.Errorf("the error should say the property is the profile's:\n%s", r.errOut)
	}
	r = run(t, "--config", cfg, "topic", "list", "-X", "sasl.password=hunter2", "-X", "sasl.oauthbearer.method=nope")
	if strings.Contains(r.errOut, "hunter2") {
		t.Errorf("a secret in the error:\n%s", r.errOut)
	}
}

// A TLS client on the playground's plaintext listener got no cause at all
// (librdkafka waits in its TLS handshake, which kfake reads as a request
// that never ends): the error says the listener is plaintext. The real
// broker's side, both ways, is in e2e's TestAuthFailures.
func TestTLSClientOnAPlaintextListenerIsTold(t *testing.T) {
	t.Parallel()
	b := startBroker(t)
	for _, args := range [][]string{{"topic", "list"}, {"consume", "x", "-e"}} {
		r := run(t, append(args, "--brokers", b.addr, "--timeout", "2s", "-X", "security.protocol=SSL")...).exit(t, 1)
		if want := b.addr + " answers plaintext Kafka, not TLS"; !strings.Contains(r.errOut, want) || !strings.Contains(r.errOut, "connect without TLS") {
			t.Errorf("streamctl %s: stderr lacks %q:\n%s", args[0], want, r.errOut)
		}
	}
}
