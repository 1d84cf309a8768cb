package cmd_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const secret = "s3cr3t-Pa55-w0rd"

func assertPrivate(t *testing.T, path string) {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("%s has mode %04o, want 0600", path, st.Mode().Perm())
	}
}

func assertNoSecret(t *testing.T, r result, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if strings.Contains(r.out, s) || strings.Contains(r.errOut, s) {
			t.Errorf("the secret %q was printed\nstdout:\n%s\nstderr:\n%s", s, r.out, r.errOut)
		}
	}
}

func TestProfileRoundTrip(t *testing.T) {
	cfg := isolate(t)

	r := run(t, "profile", "list").ok(t)
	if r.out != "" || !strings.Contains(r.errOut, "No profiles in "+cfg) {
		t.Errorf("empty list: stdout %q, stderr %q", r.out, r.errOut)
	}
	if r := run(t, "profile", "list", "-o", "json").ok(t); strings.TrimSpace(r.out) != "[]" {
		t.Errorf("empty list json = %q", r.out)
	}
	if _, err := os.Stat(cfg); !os.IsNotExist(err) {
		t.Error("listing created the config file")
	}

	r = run(t, "profile", "create", "dev", "--brokers", "localhost:9092").ok(t)
	if !strings.Contains(r.errOut, `Profile "dev" saved in `+cfg) || !strings.Contains(r.errOut, "current profile") {
		t.Errorf("create: stderr = %q", r.errOut)
	}
	if r.out != "" {
		t.Errorf("create wrote to stdout: %q", r.out)
	}
	assertPrivate(t, cfg)

	// create checks the CA file is there; the golden files show it as
	// /etc/kafka/ca.pem.
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, []byte("-----BEGIN CERTIFICATE-----\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r = runIn(t, secret+"\n", "profile", "create", "prod", "--brokers", "b1.prod:9093,b2.prod:9093",
		"--sasl-mechanism", "scram-sha-512", "--username", "ops", "--password-stdin",
		"--tls", "--ca-file", ca, "--request-timeout", "20s", "--set", "client.id=ops-laptop").ok(t)
	if strings.Contains(r.errOut, "current profile") {
		t.Error("a second profile must not become current without --use")
	}
	assertPrivate(t, cfg)
	raw, _ := os.ReadFile(cfg)
	if !strings.Contains(string(raw), secret) {
		t.Fatalf("--password-stdin should store the password:\n%s", raw)
	}

	r = run(t, "profile", "show", "prod").ok(t)
	assertNoSecret(t, r, secret)
	golden(t, "profile_show.yaml", strings.ReplaceAll(r.out, ca, "/etc/kafka/ca.pem"))
	r = run(t, "profile", "show", "prod", "-o", "json").ok(t)
	assertNoSecret(t, r, secret)
	golden(t, "profile_show.json", strings.ReplaceAll(r.out, ca, "/etc/kafka/ca.pem"))
	if !strings.Contains(r.out, `"password": "[redacted]"`) {
		t.Errorf("show should say a password is set, redacted:\n%s", r.out)
	}

	r = run(t, "profile", "list", "-o", "json").ok(t)
	assertNoSecret(t, r, secret)
	golden(t, "profile_list.json", r.out)
	golden(t, "profile_list.yaml", run(t, "profile", "list", "-o", "yaml").ok(t).out)
	golden(t, "profile_list.table", run(t, "profile", "list").ok(t).out)

	// use
	r = run(t, "profile", "use", "prod").ok(t)
	if !strings.Contains(r.errOut, `Current profile is now "prod"`) {
		t.Errorf("use: stderr = %q", r.errOut)
	}
	assertPrivate(t, cfg)
	if r := run(t, "profile", "show", "-o", "json").ok(t); !strings.Contains(r.out, `"name": "prod"`) || !strings.Contains(r.out, `"current": true`) {
		t.Errorf("show without a name should show the current profile:\n%s", r.out)
	}
	if r := run(t, "profile", "show", "--profile", "dev", "-o", "json").ok(t); !strings.Contains(r.out, `"name": "dev"`) || !strings.Contains(r.out, `"current": false`) {
		t.Errorf("show --profile dev:\n%s", r.out)
	}
	if r := run(t, "profile", "use", "staging").exit(t, 1); !strings.Contains(r.errOut, "known profiles: dev, prod") {
		t.Errorf("use unknown: stderr = %q", r.errOut)
	}

	// set, including a new password: it must not show either.
	os.Chmod(cfg, 0o644) // someone loosened it; the next write fixes it
	const newSecret = "n3w-s3cret-Valu3"
	run(t, "profile", "set", "prod", "timeout=30s", "properties.client.id=ops-2", "sasl.password="+newSecret).ok(t)
	assertPrivate(t, cfg)
	r = run(t, "profile", "show", "prod").ok(t)
	assertNoSecret(t, r, secret, newSecret)
	for _, want := range []string{"timeout: 30s", "client.id: ops-2", "password: '[redacted]'"} {
		if !strings.Contains(r.out, want) {
			t.Errorf("show after set lacks %q:\n%s", want, r.out)
		}
	}
	run(t, "profile", "set", "prod", "sasl.password_env=PROD_KAFKA_PASSWORD").ok(t)
	raw, _ = os.ReadFile(cfg)
	if strings.Contains(string(raw), newSecret) {
		t.Error("switching to password_env should drop the stored password")
	}

	for _, tt := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"profile", "set", "prod", "bogus=1"}, 2, `unknown profile key "bogus"`},
		{[]string{"profile", "set", "prod", "timeout"}, 2, "KEY=VALUE"},
		{[]string{"profile", "set", "prod", "tls.server_name=kafka.internal"}, 2, "tls.server_name is not supported"},
		{[]string{"profile", "set", "prod", "sasl.mechanism=KERBEROS"}, 2, "KERBEROS"},
		{[]string{"profile", "set", "staging", "timeout=1s"}, 1, "known profiles: dev, prod"},
		{[]string{"profile", "show", "staging"}, 1, "known profiles: dev, prod"},
		{[]string{"profile", "create", "dev", "--brokers", "x:1"}, 1, "already exists"},
		{[]string{"profile", "create", "nobrokers"}, 2, "--brokers"},
		{[]string{"profile", "create", "badmech", "--brokers", "x:1", "--sasl-mechanism", "GSSAPI", "--username", "u"}, 2, "GSSAPI"},
		{[]string{"profile", "delete", "staging"}, 1, "known profiles: dev, prod"},
	} {
		r := run(t, tt.args...).exit(t, tt.code)
		if !strings.Contains(r.errOut, tt.want) {
			t.Errorf("%v: stderr = %q, want %q", tt.args, r.errOut, tt.want)
		}
	}
	// A refused change leaves the file as it was.
	if raw2, _ := os.ReadFile(cfg); string(raw2) != string(raw) {
		t.Errorf("a refused command changed the config file:\nbefore:\n%s\nafter:\n%s", raw, raw2)
	}

	run(t, "profile", "create", "dev", "--brokers", "localhost:19092", "--force").ok(t)
	if r := run(t, "profile", "show", "dev").ok(t); !strings.Contains(r.out, "localhost:19092") {
		t.Errorf("--force did not replace dev:\n%s", r.out)
	}

	// delete the current profile: no current profile remains.
	r = run(t, "profile", "delete", "prod").ok(t)
	if !strings.Contains(r.errOut, `Profile "prod" deleted`) {
		t.Errorf("delete: stderr = %q", r.errOut)
	}
	assertPrivate(t, cfg)
	r = run(t, "profile", "list", "-o", "json").ok(t)
	if strings.Contains(r.out, "prod") || strings.Contains(r.out, `"current": true`) {
		t.Errorf("after deleting the current profile:\n%s", r.out)
	}
	if r := run(t, "profile", "show").exit(t, 2); !strings.Contains(r.errOut, "no current profile") {
		t.Errorf("show with no current profile: stderr = %q", r.errOut)
	}
	raw, _ = os.ReadFile(cfg)
	if strings.Contains(string(raw), secret) {
		t.Error("the deleted profile's password is still in the file")
	}
}

func TestProfileSelection(t *testing.T) {
	isolate(t)
	b := startBroker(t)
	down := closedPort(t)
	run(t, "profile", "create", "up", "--brokers", b.addr).ok(t)
	run(t, "profile", "create", "down", "--brokers", down).ok(t)

	// current profile "up" (the first one created)
	run(t, "cluster", "describe", "--timeout", "2s").ok(t)
	// STREAMCTL_PROFILE picks another
	t.Setenv("STREAMCTL_PROFILE", "down")
	r := run(t, "cluster", "describe", "--timeout", "1s").exit(t, 1)
	if !strings.Contains(r.errOut, down) {
		t.Errorf("stderr = %q, want it to name %s", r.errOut, down)
	}
	// --profile beats STREAMCTL_PROFILE
	run(t, "cluster", "describe", "--profile", "up", "--timeout", "2s").ok(t)
	// --brokers beats the profile's brokers
	run(t, "cluster", "describe", "--brokers", b.addr, "--timeout", "2s").ok(t)
	// unknown profile
	r = run(t, "cluster", "describe", "--profile", "nope").exit(t, 1)
	if !strings.Contains(r.errOut, `profile "nope" not found`) || !strings.Contains(r.errOut, "known profiles: down, up") {
		t.Errorf("stderr = %q", r.errOut)
	}
}

func TestMalformedConfigFile(t *testing.T) {
	cfg := isolate(t)
	if err := os.MkdirAll(cfg[:strings.LastIndex(cfg, "/")], 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cfg, []byte("current_profile: dev\nprofiles:\n  dev:\n    brokers: [a:1]\n    brokrs: [b:1]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"profile", "list"}, {"topic", "list"}} {
		r := run(t, args...).exit(t, 1)
		if !strings.Contains(r.errOut, cfg) || !strings.Contains(r.errOut, "line 5") || !strings.Contains(r.errOut, "brokrs") {
			t.Errorf("%v: stderr = %q, want the file, the line and the key", args, r.errOut)
		}
	}
}

// A certificate file that is not there is named when the profile is made
// (create, set), and at use when it went missing since, instead of
// librdkafka's "ssl.ca.location failed: error:05880002:x509 certificate
// routines::system lib".
func TestProfileFilesCheckedAtCreateAndNamedAtUse(t *testing.T) {
	isolate(t)
	r := run(t, "profile", "create", "prod", "--brokers", "127.0.0.1:1", "--ca-file", "/missing.pem").exit(t, 2)
	if !strings.Contains(r.errOut, "--ca-file: /missing.pem: no such file") {
		t.Errorf("create: %s", r.errOut)
	}
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, []byte("-----BEGIN CERTIFICATE-----\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	run(t, "profile", "create", "prod", "--brokers", "127.0.0.1:1", "--ca-file", ca).ok(t)
	r = run(t, "profile", "set", "prod", "tls.cert_file=/missing-cert.pem").exit(t, 2)
	if !strings.Contains(r.errOut, "tls.cert_file: /missing-cert.pem: no such file") {
		t.Errorf("set: %s", r.errOut)
	}
	if err := os.Remove(ca); err != nil {
		t.Fatal(err)
	}
	r = run(t, "topic", "list", "--timeout", "2s").exit(t, 1)
	if !strings.Contains(r.errOut, `profile "prod": tls.ca_file: `+ca+": no such file") || strings.Contains(r.errOut, "x509") {
		t.Errorf("use: %s", r.errOut)
	}
	r = run(t, "topic", "list", "--profile", "", "--brokers", "127.0.0.1:1", "--config", tmpConfig(t), "-X", "security.protocol=SSL", "-X", "ssl.ca.location=/missing.pem").exit(t, 1)
	if !strings.Contains(r.errOut, "-X ssl.ca.location: /missing.pem: no such file") {
		t.Errorf("-X: %s", r.errOut)
	}
}

// An OIDC profile made with profile create's flags: the sasl.oauthbearer
// block's field names are a contract (golden), and its client secret,
// stored with profile set, shows as redacted.
func TestProfileOIDCShow(t *testing.T) {
	isolate(t)
	const clientSecret = "oidc-client-s3cret"
	run(t, "profile", "create", "cloud", "--brokers", "b1.cloud:9093", "--tls",
		"--oidc-token-endpoint", "https://login.example.com/oauth2/token", "--oidc-client-id", "streamctl",
		"--oidc-client-secret-env", "CLOUD_CLIENT_SECRET", "--oidc-scope", "kafka", "--oidc-extension", "logicalCluster=lkc-1").ok(t)
	run(t, "profile", "set", "cloud", "sasl.oauthbearer.client_secret="+clientSecret).ok(t)
	r := run(t, "profile", "show", "cloud", "-o", "json").ok(t)
	assertNoSecret(t, r, clientSecret)
	golden(t, "profile_show_oidc.json", r.out)
	r = run(t, "profile", "show", "cloud", "-o", "yaml").ok(t)
	assertNoSecret(t, r, clientSecret)
	golden(t, "profile_show_oidc.yaml", r.out)
}
