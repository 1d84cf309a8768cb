package clientconfig

import (
	"maps"
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"github.com/streamctl/streamctl/internal/config"
)

// cluster resolves a profile as a command would, with -X properties.
func cluster(t *testing.T, p *config.Profile, x map[string]string) *config.Cluster {
	t.Helper()
	if err := p.Validate(); err != nil {
		t.Fatalf("profile: %v", err)
	}
	f := &config.File{CurrentProfile: "p", Profiles: map[string]*config.Profile{"p": p}}
	for _, k := range []string{"STREAMCTL_BROKERS", "STREAMCTL_PROFILE", "STREAMCTL_TIMEOUT", "STREAMCTL_CONFIG"} {
		t.Setenv(k, "")
	}
	c, err := config.Resolve(config.NewSettings(pflag.NewFlagSet("test", pflag.ContinueOnError)), f, x, nil)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Every field a profile can have becomes the librdkafka property it means,
// and -X goes on top.
func TestLibrdkafkaProperties(t *testing.T) {
	t.Setenv("CC_TEST_SECRET", "s3cret")
	off := false
	tests := []struct {
		name string
		p    *config.Profile
		x    map[string]string
		want map[string]string
	}{
		{"plaintext", &config.Profile{Brokers: []string{"a:1", "b:2"}}, nil,
			map[string]string{"bootstrap.servers": "a:1,b:2"}},
		{"scram", &config.Profile{Brokers: []string{"a:1"}, SASL: &config.SASL{Mechanism: "scram-sha-512", Username: "u", PasswordEnv: "CC_TEST_SECRET"}}, nil,
			map[string]string{"bootstrap.servers": "a:1", "security.protocol": "SASL_PLAINTEXT", "sasl.mechanisms": "SCRAM-SHA-512", "sasl.username": "u", "sasl.password": "s3cret"}},
		{"tls", &config.Profile{Brokers: []string{"a:1"}, TLS: &config.TLS{CAFile: "/ca.pem", CertFile: "/c.pem", KeyFile: "/k.pem"}}, nil,
			map[string]string{"bootstrap.servers": "a:1", "security.protocol": "SSL", "ssl.ca.location": "/ca.pem", "ssl.certificate.location": "/c.pem", "ssl.key.location": "/k.pem"}},
		{"tls off", &config.Profile{Brokers: []string{"a:1"}, TLS: &config.TLS{Enabled: &off, CAFile: "/ca.pem"}}, nil,
			map[string]string{"bootstrap.servers": "a:1"}},
		{"insecure", &config.Profile{Brokers: []string{"a:1"}, TLS: &config.TLS{InsecureSkipVerify: true}}, nil,
			map[string]string{"bootstrap.servers": "a:1", "security.protocol": "SSL", "enable.ssl.certificate.verification": "false", "ssl.endpoint.identification.algorithm": "none"}},
		{"oidc over tls", &config.Profile{Brokers: []string{"a:1"}, TLS: &config.TLS{}, SASL: &config.SASL{Mechanism: "OAUTHBEARER", OAuthBearer: &config.OAuthBearer{
			Method: "oidc", TokenEndpoint: "https://idp/token", ClientID: "cid", ClientSecretEnv: "CC_TEST_SECRET", Scope: "kafka",
			Extensions: map[string]string{"logicalCluster": "lkc-1", "identityPoolId": "pool-2"}}}}, nil,
			map[string]string{"bootstrap.servers": "a:1", "security.protocol": "SASL_SSL", "sasl.mechanisms": "OAUTHBEARER",
				"sasl.oauthbearer.method": "oidc", "sasl.oauthbearer.token.endpoint.url": "https://idp/token", "sasl.oauthbearer.client.id": "cid",
				"sasl.oauthbearer.client.secret": "s3cret", "sasl.oauthbearer.scope": "kafka",
				"sasl.oauthbearer.extensions": "identityPoolId=pool-2,logicalCluster=lkc-1"}},
		{"-X over the profile", &config.Profile{Brokers: []string{"a:1"}, Properties: map[string]string{"client.id": "profile", "linger.ms": "5"}},
			map[string]string{"client.id": "flag", "ssl.key.password": "pw"},
			map[string]string{"bootstrap.servers": "a:1", "client.id": "flag", "linger.ms": "5", "ssl.key.password": "pw"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := New(cluster(t, tt.p, tt.x))
			if err != nil {
				t.Fatal(err)
			}
			if got := cfg.Librdkafka(); !maps.Equal(got, tt.want) {
				t.Errorf("librdkafka properties:\n got %v\nwant %v", got, tt.want)
			}
			// Every property a profile field writes is one franz-go
			// honours: no auth mode a profile can express is refused by a
			// command that needs franz-go.
			for k := range cfg.Librdkafka() {
				if tt.x[k] == "" && tt.p.Properties[k] == "" && !franzMapped[k] {
					t.Errorf("the profile writes %s, which FranzGo does not translate", k)
				}
			}
		})
	}
}

// What no engine can connect with is refused up front, naming the setting,
// whichever command runs.
func TestRefusedUpFront(t *testing.T) {
	tests := []struct {
		name string
		x    map[string]string
		want []string
	}{
		{"GSSAPI", map[string]string{"security.protocol": "SASL_SSL", "sasl.mechanisms": "GSSAPI"},
			[]string{"-X sasl.mechanisms=GSSAPI", "Kerberos", "bundled in confluent-kafka-go"}},
		{"GSSAPI as librdkafka's default", map[string]string{"security.protocol": "sasl_plaintext"},
			[]string{"no SASL mechanism means GSSAPI", "Kerberos"}},
		{"OAUTHBEARER without a token source", map[string]string{"security.protocol": "SASL_PLAINTEXT", "sasl.mechanism": "OAUTHBEARER"},
			[]string{"needs a token source", "--oidc-token-endpoint", "enable.sasl.oauthbearer.unsecure.jwt"}},
		{"OIDC without a client secret", map[string]string{"security.protocol": "SASL_PLAINTEXT", "sasl.mechanism": "OAUTHBEARER",
			"sasl.oauthbearer.method": "oidc", "sasl.oauthbearer.token.endpoint.url": "http://idp/token", "sasl.oauthbearer.client.id": "c"},
			[]string{"sasl.oauthbearer.client.secret"}},
		{"unsecured JWT without a principal", map[string]string{"security.protocol": "SASL_PLAINTEXT", "sasl.mechanism": "OAUTHBEARER",
			"enable.sasl.oauthbearer.unsecure.jwt": "true", "sasl.oauthbearer.config": "scope=a"},
			[]string{"-X sasl.oauthbearer.config", "principal=NAME"}},
		{"unknown protocol", map[string]string{"security.protocol": "QUIC"}, []string{"-X security.protocol=QUIC"}},
		{"an OpenSSL engine", map[string]string{"ssl.engine.location": "/e.so"}, []string{"-X ssl.engine.location", "every command must connect the same way"}},
		{"signature algorithms", map[string]string{"ssl.sigalgs.list": "RSA+SHA256"}, []string{"-X ssl.sigalgs.list", "cannot restrict"}},
		{"canonical bootstrap names", map[string]string{"client.dns.lookup": "resolve_canonical_bootstrap_servers_only"}, []string{"-X client.dns.lookup=resolve_canonical_bootstrap_servers_only"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(cluster(t, &config.Profile{Brokers: []string{"a:1"}}, tt.x))
			if err == nil {
				t.Fatal("want a refusal")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%q lacks %q", err, w)
				}
			}
		})
	}
	// In a profile, GSSAPI is refused when the profile is read.
	err := (&config.Profile{SASL: &config.SASL{Mechanism: "gssapi", Username: "u"}}).Validate()
	if err == nil || !strings.Contains(err.Error(), "Kerberos") {
		t.Errorf("a GSSAPI profile: %v", err)
	}
}

// A connection property franz-go cannot honour is named when a command
// needs franz-go; record-path properties are not its business.
func TestFranzGoProperties(t *testing.T) {
	tests := []struct {
		x       map[string]string
		refused string // "" when FranzGo accepts
	}{
		{map[string]string{"linger.ms": "5", "acks": "all", "debug": "security", "socket.nagle.disable": "true"}, ""},
		{map[string]string{"client.id": "ops", "socket.timeout.ms": "30000", "socket.connection.setup.timeout.ms": "5000", "metadata.max.age.ms": "1000"}, ""},
		{map[string]string{"broker.address.family": "v4", "client.dns.lookup": "use_all_dns_ips", "client.software.name": "ops"}, ""},
		{map[string]string{"security.protocol": "ssl", "ssl.cipher.suites": "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384", "ssl.curves.list": "prime256v1:X25519"}, ""},
		{map[string]string{"security.protocol": "ssl", "ssl.cipher.suites": "HIGH:!aNULL"}, "-X ssl.cipher.suites: \"HIGH\""},
		{map[string]string{"security.protocol": "ssl", "ssl.curves.list": "brainpoolP256r1"}, "-X ssl.curves.list"},
		{map[string]string{"security.protocol": "ssl", "ssl.crl.location": "/no/crl.pem"}, "-X ssl.crl.location"},
		{map[string]string{"broker.address.family": "v5"}, "want any, v4 or v6"},
		{map[string]string{"ssl.some.future.setting": "x"}, "-X ssl.some.future.setting=x"},
		{map[string]string{"socket.timeout.ms": "soon"}, "want milliseconds"},
	}
	for _, tt := range tests {
		cfg, err := New(cluster(t, &config.Profile{Brokers: []string{"a:1"}}, tt.x))
		if err != nil {
			t.Fatal(err)
		}
		_, err = cfg.FranzGo()
		switch {
		case tt.refused == "" && err != nil:
			t.Errorf("%v: %v", tt.x, err)
		case tt.refused != "" && (err == nil || !strings.Contains(err.Error(), tt.refused)):
			t.Errorf("%v: %v, want a refusal naming %q", tt.x, err, tt.refused)
		}
	}
	// A secret is never shown, even in a refusal.
	cfg, err := New(cluster(t, &config.Profile{Brokers: []string{"a:1"}}, map[string]string{"ssl.future.secret": "hush"}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cfg.FranzGo(); err == nil || strings.Contains(err.Error(), "hush") || !strings.Contains(err.Error(), "[redacted]") {
		t.Errorf("a secret property's refusal: %v", err)
	}
}
