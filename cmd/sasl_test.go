package cmd_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// saslBroker starts kfake with SASL on and one user.
func saslBroker(t *testing.T, mechanism, user, password string, opts ...kfake.Opt) (*kfake.Cluster, string) {
	t.Helper()
	c, err := kfake.NewCluster(append([]kfake.Opt{kfake.NumBrokers(1), kfake.Ports(0), kfake.EnableSASL(), kfake.Superuser(mechanism, user, password)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c, c.ListenAddrs()[0]
}

// saslProfile writes a config file with one SASL profile and returns its path.
func saslProfile(t *testing.T, addr, mechanism, user, passwordLine string, mode os.FileMode) string {
	t.Helper()
	path := tmpConfig(t)
	body := fmt.Sprintf("current_profile: secure\nprofiles:\n  secure:\n    brokers: [%s]\n    sasl:\n      mechanism: %s\n      username: %s\n      %s\n", addr, mechanism, user, passwordLine)
	if err := os.WriteFile(path, []byte(body), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
	return path
}

// With -v (and librdkafka's own debug contexts on) the password never
// reaches stdout or stderr, wherever it comes from.
func TestVerboseNeverPrintsThePassword(t *testing.T) {
	t.Parallel()
	const password = "Vry-S3cret-P4ssword-9931"
	_, addr := saslBroker(t, "SCRAM-SHA-256", "alice", password)

	pwFile := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(pwFile, []byte(password+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, source := range []struct{ name, line string }{
		{"password", "password: " + password},
		{"password_file", "password_file: " + pwFile},
	} {
		t.Run(source.name, func(t *testing.T) {
			cfg := saslProfile(t, addr, "SCRAM-SHA-256", "alice", source.line, 0o600)
			for _, args := range [][]string{
				{"topic", "describe", "--under-replicated", "-v"},
				{"topic", "list", "-v", "-X", "debug=security,broker,conf"},
				{"cluster", "describe", "-v"},
				{"profile", "show", "-v", "-o", "json"},
			} {
				r := run(t, append(args, "--config", cfg)...).ok(t)
				assertNoSecret(t, r, password)
				if contains(args, "-X") && !strings.Contains(r.errOut, "source=librdkafka") {
					t.Errorf("%v: librdkafka's debug logs are missing, so the test proves nothing:\n%s", args, r.errOut)
				}
			}
		})
	}
}

// A config file that holds a password and that others can read gets a
// warning naming the file, and the command still runs.
func TestWarnsAboutReadableConfigFileWithPassword(t *testing.T) {
	t.Parallel()
	_, addr := saslBroker(t, "SCRAM-SHA-512", "bob", "bobs-password")
	cfg := saslProfile(t, addr, "SCRAM-SHA-512", "bob", "password: bobs-password", 0o644)
	r := run(t, "topic", "list", "--config", cfg).ok(t)
	if !strings.Contains(r.errOut, "warning: config file "+cfg) || !strings.Contains(r.errOut, "chmod 600") {
		t.Errorf("stderr = %q, want a warning naming %s", r.errOut, cfg)
	}
	assertNoSecret(t, r, "bobs-password")
}

// kfake closes the connection on bad credentials where Kafka answers
// SASL_AUTHENTICATION_FAILED first. This hook makes kfake answer as Kafka
// does, after checking the PLAIN credentials itself (PLAIN carries them in
// clear, so the check is a real one).
func rejectBadPlainCredentials(c *kfake.Cluster, user, password string) {
	c.ControlKey(int16(kmsg.SASLAuthenticate), func(req kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		r := req.(*kmsg.SASLAuthenticateRequest)
		parts := bytes.Split(r.SASLAuthBytes, []byte{0}) // authzid \0 user \0 password
		if len(parts) == 3 && string(parts[1]) == user && string(parts[2]) == password {
			return nil, nil, false // kfake authenticates as usual
		}
		resp := r.ResponseKind().(*kmsg.SASLAuthenticateResponse)
		resp.ErrorCode = 58 // SASL_AUTHENTICATION_FAILED
		msg := "Authentication failed: Invalid username or password"
		resp.ErrorMessage = &msg
		return resp, nil, true
	})
}

func TestWrongPasswordFailsFastNamingUserAndMechanism(t *testing.T) {
	t.Parallel()
	c, addr := saslBroker(t, "PLAIN", "carol", "right-password")
	rejectBadPlainCredentials(c, "carol", "right-password")

	// The hook lets the right password through.
	good := saslProfile(t, addr, "PLAIN", "carol", "password: right-password", 0o600)
	run(t, "topic", "list", "--config", good).ok(t)

	const wrong = "Wr0ng-Passw0rd-7781"
	bad := saslProfile(t, addr, "PLAIN", "carol", "password: "+wrong, 0o600)
	for _, args := range [][]string{
		{"cluster", "describe"},
		{"topic", "list"},
		{"topic", "describe", "x"},
		{"topic", "config", "get", "x"},
		{"topic", "list", "-v"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			// A long timeout: failing fast must come from the auth error,
			// not from the timeout running out.
			start := time.Now()
			r := run(t, append(args, "--config", bad, "--timeout", "60s")...).exit(t, 1)
			if elapsed := time.Since(start); elapsed > 20*time.Second {
				t.Errorf("took %s: an authentication failure must not wait for the timeout", elapsed)
			}
			if !strings.Contains(r.errOut, `authentication failed for user "carol" with SASL mechanism PLAIN`) {
				t.Errorf("stderr = %q", r.errOut)
			}
			assertNoSecret(t, r, wrong)
			if strings.Contains(r.errOut, "Usage:") {
				t.Error("an authentication failure is not a usage error")
			}
		})
	}
	// The same credentials as librdkafka properties (-X), without a
	// profile, are named the same way.
	t.Run("-X sasl.*", func(t *testing.T) {
		r := run(t, "topic", "list", "--brokers", addr, "--config", tmpConfig(t), "--timeout", "60s",
			"-X", "security.protocol=SASL_PLAINTEXT", "-X", "sasl.mechanisms=PLAIN", "-X", "sasl.username=carol", "-X", "sasl.password="+wrong).exit(t, 1)
		if !strings.Contains(r.errOut, `authentication failed for user "carol" with SASL mechanism PLAIN`) {
			t.Errorf("stderr = %q", r.errOut)
		}
		assertNoSecret(t, r, wrong)
	})
}

// Against kfake as it is, a wrong SCRAM password is a dropped connection, so
// the command ends at the timeout. It must still exit 1, name the broker and
// keep the password out of the output.
func TestWrongScramPasswordAgainstKfake(t *testing.T) {
	t.Parallel()
	_, addr := saslBroker(t, "SCRAM-SHA-256", "alice", "right-password")
	const wrong = "Wr0ng-Scram-Passw0rd-1234"
	cfg := saslProfile(t, addr, "SCRAM-SHA-256", "alice", "password: "+wrong, 0o600)
	start := time.Now()
	r := run(t, "cluster", "describe", "-v", "--config", cfg, "--timeout", "1s").exit(t, 1)
	if elapsed := time.Since(start); elapsed > hangGuard {
		t.Errorf("took %s with --timeout 1s", elapsed)
	}
	if !strings.Contains(r.errOut, addr) || !strings.Contains(r.errOut, "SASL") {
		t.Errorf("stderr = %q", r.errOut)
	}
	assertNoSecret(t, r, wrong)
}

// TestWrongPasswordRealKafka runs against the SCRAM listener of a real broker
// started with `eval "$(scripts/kafka-broker start)"`; it is skipped without one.
func TestWrongPasswordRealKafka(t *testing.T) {
	addr, user := os.Getenv("KAFKA_SASL_BOOTSTRAP"), os.Getenv("KAFKA_SCRAM256_USER")
	if addr == "" || user == "" {
		t.Skip("no real broker: run eval \"$(scripts/kafka-broker start)\" first")
	}
	t.Parallel()
	const wrong = "Wr0ng-Real-Passw0rd-5150"
	cfg := saslProfile(t, addr, "SCRAM-SHA-256", user, "password: "+wrong, 0o600)
	for _, args := range [][]string{{"cluster", "describe"}, {"topic", "list"}, {"topic", "describe", "x"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			start := time.Now()
			r := run(t, append(args, "--config", cfg, "--timeout", "60s", "-v")...).exit(t, 1)
			if elapsed := time.Since(start); elapsed > 20*time.Second {
				t.Errorf("took %s: an authentication failure must not wait for the timeout", elapsed)
			}
			want := fmt.Sprintf("authentication failed for user %q with SASL mechanism SCRAM-SHA-256", user)
			if !strings.Contains(r.errOut, want) {
				t.Errorf("stderr = %q, want %q", r.errOut, want)
			}
			assertNoSecret(t, r, wrong)
		})
	}
}
