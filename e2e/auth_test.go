//go:build e2e

package e2e

import (
	"fmt"
	"net"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// authProfile is one way to reach the broker: a profile made the way a user
// would (profile create with flags, profile set, or a YAML file written by
// hand), the listener it must end up on, and the secret it must never show.
type authProfile struct {
	name     string
	listener string // env var of the bootstrap address
	secret   string // "" when there is none
	// create makes the profile NAME for u.
	create func(t *testing.T, u *user, name string)
	// shows lists what `profile show` must print instead of the secret.
	shows []string
	// row names the auth mode in the matrix for the profile that runs every
	// command group (everyCommandGroup); "" for variants of a mode (where
	// the secret comes from) that run the short list only.
	row string
}

func authProfiles(t *testing.T) []authProfile {
	saslBoot := k(t, "KAFKA_SASL_BOOTSTRAP")
	alice, alicePW := k(t, "KAFKA_SCRAM256_USER"), k(t, "KAFKA_SCRAM256_PASSWORD")
	bob, bobPW := k(t, "KAFKA_SCRAM512_USER"), k(t, "KAFKA_SCRAM512_PASSWORD")
	admin, adminPW := k(t, "KAFKA_SCRAM_ADMIN_USER"), k(t, "KAFKA_SCRAM_ADMIN_PASSWORD")
	ca := k(t, "KAFKA_SSL_CA")
	token := oidcToken(t, k(t, "OIDC_CLIENT_ID"))
	ps := []authProfile{
		{
			name: "plaintext", listener: "KAFKA_BOOTSTRAP", row: "PLAINTEXT",
			create: func(t *testing.T, u *user, name string) {
				u.run("profile", "create", name, "--brokers", k(t, "KAFKA_BOOTSTRAP")).ok(t)
			},
		},
		{
			name: "scram-sha-256-password-stdin", listener: "KAFKA_SASL_BOOTSTRAP", secret: alicePW, shows: []string{"[redacted]"},
			create: func(t *testing.T, u *user, name string) {
				u.runIn(alicePW+"\n", "profile", "create", name, "--brokers", saslBoot,
					"--sasl-mechanism", "SCRAM-SHA-256", "--username", alice, "--password-stdin").ok(t)
			},
		},
		{
			name: "scram-sha-512-password-profile-set", listener: "KAFKA_SASL_BOOTSTRAP", secret: bobPW, shows: []string{"[redacted]"},
			create: func(t *testing.T, u *user, name string) {
				u.run("profile", "create", name, "--brokers", saslBoot, "--sasl-mechanism", "scram-sha-512", "--username", bob).ok(t)
				u.run("profile", "set", name, "sasl.password="+bobPW).ok(t)
			},
		},
		{
			name: "scram-sha-256-password-env", listener: "KAFKA_SASL_BOOTSTRAP", secret: alicePW, shows: []string{"E2E_ALICE_PASSWORD"}, row: "SCRAM-256",
			create: func(t *testing.T, u *user, name string) {
				u.setenv("E2E_ALICE_PASSWORD", alicePW)
				u.run("profile", "create", name, "--brokers", saslBoot,
					"--sasl-mechanism", "SCRAM-SHA-256", "--username", alice, "--password-env", "E2E_ALICE_PASSWORD").ok(t)
			},
		},
		{
			name: "scram-sha-512-password-file", listener: "KAFKA_SASL_BOOTSTRAP", secret: bobPW, shows: []string{"bob.password"}, row: "SCRAM-512",
			create: func(t *testing.T, u *user, name string) {
				file := u.writeFile("secrets/bob.password", []byte(bobPW+"\n"), 0o600)
				u.run("profile", "create", name, "--brokers", saslBoot,
					"--sasl-mechanism", "SCRAM-SHA-512", "--username", bob, "--password-file", file).ok(t)
			},
		},
		{
			// A config file written by hand, password in it (mode 0600).
			name: "scram-sha-512-yaml-password", listener: "KAFKA_SASL_BOOTSTRAP", secret: adminPW, shows: []string{"[redacted]"},
			create: func(t *testing.T, u *user, name string) {
				yaml := fmt.Sprintf("current_profile: %s\nprofiles:\n  %s:\n    brokers: [%s]\n    sasl:\n      mechanism: SCRAM-SHA-512\n      username: %s\n      password: %q\n",
					name, name, saslBoot, admin, adminPW)
				u.writeFile(".config/streamctl/config.yaml", []byte(yaml), 0o600)
			},
		},
		{
			name: "tls-ca-file", listener: "KAFKA_SSL_BOOTSTRAP", row: "TLS",
			create: func(t *testing.T, u *user, name string) {
				u.run("profile", "create", name, "--brokers", k(t, "KAFKA_SSL_BOOTSTRAP"), "--ca-file", ca).ok(t)
			},
		},
		{
			name: "tls-insecure-skip-verify", listener: "KAFKA_SSL_BOOTSTRAP",
			create: func(t *testing.T, u *user, name string) {
				u.run("profile", "create", name, "--brokers", k(t, "KAFKA_SSL_BOOTSTRAP"), "--tls", "--insecure-skip-verify").ok(t)
			},
		},
		{
			name: "mutual-tls", listener: "KAFKA_MTLS_BOOTSTRAP", row: "mTLS-PEM",
			create: func(t *testing.T, u *user, name string) {
				u.run("profile", "create", name, "--brokers", k(t, "KAFKA_MTLS_BOOTSTRAP"), "--ca-file", ca,
					"--cert-file", k(t, "KAFKA_SSL_CLIENT_CERT"), "--key-file", k(t, "KAFKA_SSL_CLIENT_KEY")).ok(t)
			},
		},
	}
	ps = append(ps,
		authProfile{
			// librdkafka's unsecured JWT; the listener's validator takes
			// the principal from the token.
			name: "oauthbearer-unsecured-jwt", listener: "KAFKA_SASL_BOOTSTRAP", secret: "principal=oauth-e2e-user", shows: []string{"[redacted]"},
			row: "OAUTH-unsecured",
			create: func(t *testing.T, u *user, name string) {
				yaml := fmt.Sprintf("current_profile: %s\nprofiles:\n  %s:\n    brokers: [%s]\n    sasl:\n      mechanism: OAUTHBEARER\n"+
					"    properties:\n      enable.sasl.oauthbearer.unsecure.jwt: \"true\"\n      sasl.oauthbearer.config: principal=oauth-e2e-user\n",
					name, name, saslBoot)
				u.writeFile(".config/streamctl/config.yaml", []byte(yaml), 0o600)
			},
		},
		authProfile{
			// The client certificate and key in a PKCS#12 keystore, as
			// Java shops hand them out.
			name: "mutual-tls-pkcs12-keystore", listener: "KAFKA_MTLS_BOOTSTRAP", secret: "p12-e2e-keystore-pw", shows: []string{"[redacted]"},
			row: "mTLS-PKCS12",
			create: func(t *testing.T, u *user, name string) {
				p12 := filepath.Join(u.home, "client.p12")
				out, err := exec.Command("openssl", "pkcs12", "-export", "-in", k(t, "KAFKA_SSL_CLIENT_CERT"), "-inkey", k(t, "KAFKA_SSL_CLIENT_KEY"),
					"-out", p12, "-passout", "pass:p12-e2e-keystore-pw").CombinedOutput()
				if err != nil {
					t.Fatalf("openssl pkcs12 -export: %v\n%s", err, out)
				}
				u.run("profile", "create", name, "--brokers", k(t, "KAFKA_MTLS_BOOTSTRAP"), "--ca-file", ca,
					"--set", "ssl.keystore.location="+p12, "--set", "ssl.keystore.password=p12-e2e-keystore-pw").ok(t)
			},
		},
		authProfile{
			// The client key encrypted (PKCS#8 with AES-256, what OpenSSL 3
			// writes), its password in ssl.key.password.
			name: "mutual-tls-encrypted-key", listener: "KAFKA_MTLS_BOOTSTRAP", secret: "enc-e2e-key-pw", shows: []string{"[redacted]"},
			row: "mTLS-encrypted-key",
			create: func(t *testing.T, u *user, name string) {
				key := filepath.Join(u.home, "client-encrypted.key")
				out, err := exec.Command("openssl", "pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in", k(t, "KAFKA_SSL_CLIENT_KEY"),
					"-out", key, "-passout", "pass:enc-e2e-key-pw").CombinedOutput()
				if err != nil {
					t.Fatalf("openssl pkcs8 -topk8: %v\n%s", err, out)
				}
				u.run("profile", "create", name, "--brokers", k(t, "KAFKA_MTLS_BOOTSTRAP"), "--ca-file", ca,
					"--cert-file", k(t, "KAFKA_SSL_CLIENT_CERT"), "--key-file", key, "--set", "ssl.key.password=enc-e2e-key-pw").ok(t)
			},
		},
		authProfile{
			// OAuth client credentials from the OIDC issuer; the OAUTH
			// listener checks each token's signature against the issuer's
			// JWKS, its issuer and audience.
			name: "oauthbearer-oidc", listener: "KAFKA_OAUTH_BOOTSTRAP", secret: k(t, "OIDC_CLIENT_SECRET"), shows: []string{"E2E_OIDC_SECRET"},
			row: "OAUTH-OIDC",
			create: func(t *testing.T, u *user, name string) {
				u.setenv("E2E_OIDC_SECRET", k(t, "OIDC_CLIENT_SECRET"))
				u.run("profile", "create", name, "--brokers", k(t, "KAFKA_OAUTH_BOOTSTRAP"),
					"--oidc-token-endpoint", k(t, "OIDC_TOKEN_ENDPOINT"), "--oidc-client-id", k(t, "OIDC_CLIENT_ID"),
					"--oidc-client-secret-env", "E2E_OIDC_SECRET", "--oidc-scope", "kafka").ok(t)
			},
		},
		authProfile{
			// The JWT bearer grant (RFC 7523) with librdkafka's properties:
			// the client signs an assertion with its key instead of sending
			// a secret.
			name: "oauthbearer-oidc-jwt-bearer", listener: "KAFKA_OAUTH_BOOTSTRAP", row: "OAUTH-OIDC-jwt-bearer",
			create: func(t *testing.T, u *user, name string) {
				u.run("profile", "create", name, "--brokers", k(t, "KAFKA_OAUTH_BOOTSTRAP"), "--sasl-mechanism", "OAUTHBEARER",
					"--set", "sasl.oauthbearer.method=oidc", "--set", "sasl.oauthbearer.grant.type=urn:ietf:params:oauth:grant-type:jwt-bearer",
					"--set", "sasl.oauthbearer.token.endpoint.url="+k(t, "OIDC_TOKEN_ENDPOINT"),
					"--set", "sasl.oauthbearer.assertion.private.key.file="+k(t, "OIDC_ASSERTION_KEY"),
					"--set", "sasl.oauthbearer.assertion.claim.sub="+k(t, "OIDC_ASSERTION_SUBJECT"),
					"--set", "sasl.oauthbearer.assertion.claim.aud="+k(t, "OIDC_TOKEN_ENDPOINT")).ok(t)
			},
		},
		authProfile{
			// A token obtained elsewhere (here from the OIDC issuer, as a
			// deployment's sidecar would) in a file the profile names.
			name: "oauthbearer-token-file", listener: "KAFKA_OAUTH_BOOTSTRAP", secret: token, shows: []string{"oauth.token"},
			row: "OAUTH-token-file",
			create: func(t *testing.T, u *user, name string) {
				file := u.writeFile("oauth.token", []byte(token+"\n"), 0o600)
				u.run("profile", "create", name, "--brokers", k(t, "KAFKA_OAUTH_BOOTSTRAP"), "--oauth-token-file", file).ok(t)
			},
		},
	)
	if boot := kenv["KAFKA_SASL_SSL_BOOTSTRAP"]; boot != "" {
		ps = append(ps, authProfile{
			name: "sasl-ssl-scram-sha-512-password-env", listener: "KAFKA_SASL_SSL_BOOTSTRAP", secret: bobPW, shows: []string{"E2E_BOB_PASSWORD"},
			row: "SASL_SSL",
			create: func(t *testing.T, u *user, name string) {
				u.setenv("E2E_BOB_PASSWORD", bobPW)
				u.run("profile", "create", name, "--brokers", boot, "--sasl-mechanism", "SCRAM-SHA-512", "--username", bob,
					"--password-env", "E2E_BOB_PASSWORD", "--ca-file", ca).ok(t)
			},
		})
	}
	return ps
}

// Every way to authenticate, against the listener made for it: each profile
// lists topics, describes the cluster (through that listener's advertised
// address), produces and consumes a record, also with -v and librdkafka's
// security debug logs on; one profile of each auth mode (a matrix row) also
// runs a read and a harmless write of every command group, those through
// franz-go included; and its secret appears nowhere in stdout or stderr of
// any of that, nor in profile show / list in any output format.
func TestAuthMatrix(t *testing.T) {
	t.Parallel()
	admin := newUser(t)
	topic := uniqueName(t, "")
	admin.run("topic", "create", topic).ok(t)
	m := &matrix{}
	t.Cleanup(func() { printMatrix(t, m) })

	for _, p := range authProfiles(t) {
		t.Run(p.name, func(t *testing.T) {
			t.Parallel()
			u := newUserNoBrokers(t)
			p.create(t, u, p.name)
			var tr transcript
			run := func(args ...string) result {
				t.Helper()
				return tr.add(u.run(append(args, "--profile", p.name)...)).ok(t)
			}

			var ts []stTopic
			run("topic", "list", "-o", "json").json(t, &ts)
			if !slices.ContainsFunc(ts, func(x stTopic) bool { return x.Name == topic }) {
				t.Errorf("topic list does not show %s", topic)
			}
			var cd struct {
				ClusterID string `json:"cluster_id"`
				Brokers   []struct {
					Host string `json:"host"`
					Port int    `json:"port"`
				} `json:"brokers"`
			}
			run("cluster", "describe", "-o", "json").json(t, &cd)
			_, port, _ := net.SplitHostPort(k(t, p.listener))
			if cd.ClusterID != kenv["KAFKA_CLUSTER_ID"] || len(cd.Brokers) != 1 || fmt.Sprint(cd.Brokers[0].Port) != port {
				t.Errorf("cluster describe over %s: %+v, want cluster %s and the broker at port %s", p.listener, cd, kenv["KAFKA_CLUSTER_ID"], port)
			}
			// The data path: producer and consumer are clients of their own.
			value := "via-" + p.name
			tr.add(u.runIn(value+"\n", "produce", topic, "-k", p.name, "--profile", p.name, "-v")).ok(t)
			r := run("consume", topic, "-e", "-o", "json", "--key", p.name, "-v")
			if envs := envelopes(t, r); len(envs) != 1 || envs[0].Value == nil || *envs[0].Value != value {
				t.Errorf("consume --key %s: want the one record %q:\n%s", p.name, value, r)
			}
			// group delete-offsets goes through our own binding's admin
			// handle (rd_kafka_DeleteConsumerGroupOffsets): the same
			// profile must connect it the same way.
			run("consume", topic, "-e", "-g", p.name, "-o", "raw")
			r = run("group", "delete-offsets", p.name, "--topic", topic, "--execute", "--yes")
			if !strings.Contains(r.stdout, "deleted") {
				t.Errorf("group delete-offsets over %s:\n%s", p.listener, r)
			}
			r = run("topic", "list", "-v", "-X", "debug=security,broker,conf")
			if !strings.Contains(r.stderr, "source=librdkafka") {
				t.Errorf("-v shows no librdkafka debug logs, so the secret check proves little:\n%s", r)
			}
			run("cluster", "describe", "-v")
			if p.row != "" {
				everyCommandGroup(t, u, p, &tr, m)
			}
			for _, out := range []string{"table", "json", "yaml"} {
				r := tr.add(u.run("profile", "show", p.name, "-o", out)).ok(t)
				for _, want := range p.shows {
					if !strings.Contains(r.stdout, want) {
						t.Errorf("profile show -o %s lacks %q:\n%s", out, want, r)
					}
				}
				tr.add(u.run("profile", "list", "-o", out)).ok(t)
			}
			if p.secret != "" {
				tr.assertAbsent(t, p.secret)
			}
		})
	}
}

// authFailure is a profile that cannot connect, and how streamctl must say so.
type authFailure struct {
	name    string
	profile string   // the YAML of profile "p" (brokers and all)
	env     []string // NAME=value for the run
	want    []string // substrings of stderr
	secret  string   // must not appear in any output
}

// Authentication and TLS failures: exit 1 with a message that names what
// went wrong, well before the request timeout (not "no answer from the
// cluster"), and the wrong password appears nowhere in the output.
func TestAuthFailures(t *testing.T) {
	t.Parallel()
	saslBoot := k(t, "KAFKA_SASL_BOOTSTRAP")
	alice, alicePW := k(t, "KAFKA_SCRAM256_USER"), k(t, "KAFKA_SCRAM256_PASSWORD")
	bob := k(t, "KAFKA_SCRAM512_USER")
	ca := k(t, "KAFKA_SSL_CA")
	const timeout = 60 * time.Second
	wrong := "wrong-" + uniqueName(t, "")[4:]

	cases := []authFailure{
		{
			name:    "scram-sha-256-wrong-password",
			profile: fmt.Sprintf("brokers: [%s]\nsasl: {mechanism: SCRAM-SHA-256, username: %s, password_env: E2E_PW}", saslBoot, alice),
			env:     []string{"E2E_PW=" + wrong},
			want:    []string{"authentication failed", `"` + alice + `"`, "SCRAM-SHA-256"},
			secret:  wrong,
		},
		{
			name:    "scram-sha-512-wrong-password",
			profile: fmt.Sprintf("brokers: [%s]\nsasl: {mechanism: SCRAM-SHA-512, username: %s, password: %q}", saslBoot, bob, wrong),
			want:    []string{"authentication failed", `"` + bob + `"`, "SCRAM-SHA-512"},
			secret:  wrong,
		},
		{
			// alice has SCRAM-SHA-256 credentials only
			name:    "scram-user-without-credentials-for-the-mechanism",
			profile: fmt.Sprintf("brokers: [%s]\nsasl: {mechanism: SCRAM-SHA-512, username: %s, password_env: E2E_PW}", saslBoot, alice),
			env:     []string{"E2E_PW=" + alicePW},
			want:    []string{"authentication failed", `"` + alice + `"`, "SCRAM-SHA-512"},
			secret:  alicePW,
		},
		{
			name:    "untrusted-server-certificate",
			profile: fmt.Sprintf("brokers: [%s]\ntls: {ca_file: %s}", k(t, "KAFKA_SSL_BOOTSTRAP"), k(t, "KAFKA_SSL_UNTRUSTED_CA")),
			want:    []string{"TLS handshake with the broker failed", "certificate verify failed"},
		},
		{
			// error: TLS handshake with the broker failed: Receive failed:
			// error:0A000412:SSL routines::sslv3 alert bad certificate: SSL
			// alert number 42; the broker requires a client certificate
			// (mutual TLS): set tls.cert_file and tls.key_file
			name:    "mutual-tls-listener-without-client-certificate",
			profile: fmt.Sprintf("brokers: [%s]\ntls: {ca_file: %s}", k(t, "KAFKA_MTLS_BOOTSTRAP"), ca),
			want:    []string{"TLS handshake with the broker failed", "alert bad certificate", "requires a client certificate", "tls.cert_file"},
		},
		{
			name: "mutual-tls-client-certificate-from-an-untrusted-ca",
			profile: fmt.Sprintf("brokers: [%s]\ntls: {ca_file: %s, cert_file: %s, key_file: %s}", k(t, "KAFKA_MTLS_BOOTSTRAP"), ca,
				k(t, "KAFKA_SSL_UNTRUSTED_CLIENT_CERT"), k(t, "KAFKA_SSL_UNTRUSTED_CLIENT_KEY")),
			want: []string{"TLS handshake with the broker failed", "alert bad certificate", "refused the client certificate"},
		},
		{
			// librdkafka's own word is "0/1 brokers are down".
			name:    "plaintext-client-on-a-tls-listener",
			profile: fmt.Sprintf("brokers: [%s]", k(t, "KAFKA_SSL_BOOTSTRAP")),
			want:    []string{k(t, "KAFKA_SSL_BOOTSTRAP") + " expects TLS", "-X security.protocol=SSL"},
		},
		{
			name:    "tls-client-on-a-plaintext-listener",
			profile: fmt.Sprintf("brokers: [%s]\ntls: {ca_file: %s}", k(t, "KAFKA_BOOTSTRAP"), ca),
			want:    []string{k(t, "KAFKA_BOOTSTRAP") + " answers plaintext Kafka, not TLS", "connect without TLS"},
		},
	}
	// OAUTHBEARER with tokens from the OIDC issuer that the broker must
	// refuse (expired, signed by a key its JWKS does not hold), or that the
	// issuer does not hand out (a wrong client secret).
	oidc := func(client string) string {
		return fmt.Sprintf("brokers: [%s]\nsasl:\n  mechanism: OAUTHBEARER\n  oauthbearer: {method: oidc, token_endpoint: %q, client_id: %s, client_secret_env: E2E_OIDC_SECRET}",
			k(t, "KAFKA_OAUTH_BOOTSTRAP"), k(t, "OIDC_TOKEN_ENDPOINT"), client)
	}
	cases = append(cases, authFailure{
		name:    "oidc-expired-token",
		profile: oidc(k(t, "OIDC_EXPIRED_CLIENT_ID")),
		env:     []string{"E2E_OIDC_SECRET=" + k(t, "OIDC_CLIENT_SECRET")},
		want:    []string{"authentication failed", `"` + k(t, "OIDC_EXPIRED_CLIENT_ID") + `"`, "OAUTHBEARER", "expired"},
		secret:  k(t, "OIDC_CLIENT_SECRET"),
	}, authFailure{
		name:    "oidc-token-signed-by-an-unknown-key",
		profile: oidc(k(t, "OIDC_WRONG_KEY_CLIENT_ID")),
		env:     []string{"E2E_OIDC_SECRET=" + k(t, "OIDC_CLIENT_SECRET")},
		want:    []string{"authentication failed", `"` + k(t, "OIDC_WRONG_KEY_CLIENT_ID") + `"`, "OAUTHBEARER", "invalid_token", "signature"},
		secret:  k(t, "OIDC_CLIENT_SECRET"),
	}, authFailure{
		name:    "oauth-token-file-with-an-expired-token",
		profile: fmt.Sprintf("brokers: [%s]\nsasl:\n  mechanism: OAUTHBEARER\n  oauthbearer: {method: token, token_file: E2E_TOKEN_FILE}", k(t, "KAFKA_OAUTH_BOOTSTRAP")),
		want:    []string{"authentication failed", "OAUTHBEARER", "expired"},
	}, authFailure{
		name:    "oidc-wrong-client-secret",
		profile: oidc(k(t, "OIDC_CLIENT_ID")),
		env:     []string{"E2E_OIDC_SECRET=" + wrong},
		want:    []string{"authentication failed", `"` + k(t, "OIDC_CLIENT_ID") + `"`, "OAUTHBEARER", "invalid_client"},
		secret:  wrong,
	})
	if boot := kenv["KAFKA_SASL_SSL_BOOTSTRAP"]; boot != "" {
		cases = append(cases, authFailure{
			name:    "sasl-ssl-wrong-password",
			profile: fmt.Sprintf("brokers: [%s]\nsasl: {mechanism: SCRAM-SHA-512, username: %s, password_env: E2E_PW}\ntls: {ca_file: %s}", boot, bob, ca),
			env:     []string{"E2E_PW=" + wrong},
			want:    []string{"authentication failed", `"` + bob + `"`, "SCRAM-SHA-512"},
			secret:  wrong,
		}, authFailure{
			name:    "sasl-ssl-untrusted-server-certificate",
			profile: fmt.Sprintf("brokers: [%s]\nsasl: {mechanism: SCRAM-SHA-512, username: %s, password_env: E2E_PW}\ntls: {ca_file: %s}", boot, bob, k(t, "KAFKA_SSL_UNTRUSTED_CA")),
			env:     []string{"E2E_PW=" + k(t, "KAFKA_SCRAM512_PASSWORD")},
			want:    []string{"TLS handshake with the broker failed", "certificate verify failed"},
			secret:  k(t, "KAFKA_SCRAM512_PASSWORD"),
		})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			u := newUserNoBrokers(t)
			u.unsetenv("STREAMCTL_TIMEOUT")
			for _, kv := range c.env {
				name, value, _ := strings.Cut(kv, "=")
				u.setenv(name, value)
			}
			profile := c.profile
			if strings.Contains(profile, "E2E_TOKEN_FILE") {
				file := u.writeFile("expired.token", []byte(oidcToken(t, k(t, "OIDC_EXPIRED_CLIENT_ID"))), 0o600)
				profile = strings.ReplaceAll(profile, "E2E_TOKEN_FILE", file)
			}
			yaml := "current_profile: p\nprofiles:\n  p:\n    " + strings.ReplaceAll(profile, "\n", "\n    ") + "\n"
			u.writeFile(".config/streamctl/config.yaml", []byte(yaml), 0o600)
			var tr transcript
			for _, args := range [][]string{
				{"topic", "list"},
				{"cluster", "describe", "-v", "-X", "debug=security,broker"},
				{"topic", "describe", "x", "-o", "json"},
				{"consume", "x", "-e"},
			} {
				r := tr.add(u.run(append(args, "--timeout", timeout.String())...)).exit(t, 1)
				if strings.Contains(r.stderr, "no answer from the cluster") {
					t.Fatalf("reported as a timeout, not as what happened:\n%s", r)
				}
				r.errContains(t, c.want...)
				if r.duration > timeout/2 {
					t.Errorf("took %s of the %s timeout: the failure should end the request at once", r.duration, timeout)
				}
				if r.stdout != "" {
					t.Errorf("stdout should be empty on failure:\n%s", r)
				}
			}
			r := tr.add(u.runIn("one\n", "produce", "x", "--timeout", timeout.String())).exit(t, 1)
			r.errContains(t, c.want...)
			// franz-go's path fails as clearly, in the same category (its
			// TLS library words certificate failures differently).
			r = tr.add(u.run("version", "--cluster", "--timeout", timeout.String())).exit(t, 1)
			r.errContains(t, c.want[0])
			if strings.Contains(r.stderr, "no answer from the cluster") || r.duration > timeout/2 {
				t.Errorf("version --cluster reported a timeout or waited for one:\n%s", r)
			}
			tr.add(u.run("profile", "show", "-o", "json")).ok(t)
			if c.secret != "" {
				tr.assertAbsent(t, c.secret)
			}
		})
	}

	// Config mistakes about the secret fail before any connection.
	t.Run("password-env-not-set", func(t *testing.T) {
		t.Parallel()
		u := newUserNoBrokers(t)
		u.run("profile", "create", "p", "--brokers", saslBoot, "--sasl-mechanism", "SCRAM-SHA-256", "--username", alice,
			"--password-env", "E2E_UNSET_PASSWORD_VARIABLE").ok(t)
		u.unsetenv("E2E_UNSET_PASSWORD_VARIABLE")
		u.run("topic", "list").exit(t, 1).errContains(t, "E2E_UNSET_PASSWORD_VARIABLE", "not set")
	})
	t.Run("password-file-missing", func(t *testing.T) {
		t.Parallel()
		u := newUserNoBrokers(t)
		missing := u.home + "/no-such-password-file"
		u.run("profile", "create", "p", "--brokers", saslBoot, "--sasl-mechanism", "SCRAM-SHA-256", "--username", alice,
			"--password-file", missing).ok(t)
		u.run("topic", "list").exit(t, 1).errContains(t, "password_file", "no-such-password-file")
	})
	t.Run("password-file-readable-by-others-warns", func(t *testing.T) {
		t.Parallel()
		u := newUserNoBrokers(t)
		file := u.writeFile("pw", []byte(alicePW+"\n"), 0o644)
		u.run("profile", "create", "p", "--brokers", saslBoot, "--sasl-mechanism", "SCRAM-SHA-256", "--username", alice,
			"--password-file", file).ok(t)
		r := u.run("topic", "list").ok(t)
		r.errContains(t, "readable by group or others", "chmod 600")
		if strings.Contains(r.stdout+r.stderr, alicePW) {
			t.Errorf("the password is in the output:\n%s", r)
		}
	})
}
