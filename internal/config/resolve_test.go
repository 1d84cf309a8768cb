package config_test

import (
	"cmp"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"

	"github.com/streamctl/streamctl/internal/config"
	"github.com/streamctl/streamctl/internal/kafka/clientconfig"
)

// flags builds the global flags exactly as cmd/root.go names them and parses
// args into them.
func flags(t *testing.T, args ...string) *pflag.FlagSet {
	t.Helper()
	fs := pflag.NewFlagSet("streamctl", pflag.ContinueOnError)
	fs.String(config.KeyConfig, "", "")
	fs.String(config.KeyProfile, "", "")
	fs.StringSlice(config.KeyBrokers, nil, "")
	fs.Duration(config.KeyTimeout, 0, "")
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return fs
}

// clearEnv unsets every STREAMCTL_* variable for the test, so the developer's
// own environment cannot leak in.
func clearEnv(t *testing.T) {
	t.Helper()
	for _, k := range []string{"STREAMCTL_CONFIG", "STREAMCTL_PROFILE", "STREAMCTL_BROKERS", "STREAMCTL_TIMEOUT"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
}

// writeConfig writes a config file with the given mode and loads it.
func writeConfig(t *testing.T, body string, mode os.FileMode) *config.File {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte(body), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil { // umask may have narrowed it
		t.Fatal(err)
	}
	f, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

const twoProfiles = `current_profile: dev
profiles:
  dev:
    brokers: [dev-1:9092, dev-2:9092]
    timeout: 5s
  prod:
    brokers: [prod-1:9093]
`

func TestResolvePrecedence(t *testing.T) {
	tests := []struct {
		name        string
		args        []string
		env         map[string]string
		wantProfile string
		wantBrokers []string
		wantTimeout time.Duration
		// wantName: what messages call the cluster (Name), the profile's
		// name unless its brokers were overridden; then the brokers.
		wantName string
	}{
		{
			name:        "current profile and its settings",
			wantProfile: "dev", wantBrokers: []string{"dev-1:9092", "dev-2:9092"}, wantTimeout: 5 * time.Second,
		},
		{
			name:        "default timeout when the profile has none",
			args:        []string{"--profile", "prod"},
			wantProfile: "prod", wantBrokers: []string{"prod-1:9093"}, wantTimeout: config.DefaultTimeout,
		},
		{
			name:        "STREAMCTL_PROFILE beats current_profile",
			env:         map[string]string{"STREAMCTL_PROFILE": "prod"},
			wantProfile: "prod", wantBrokers: []string{"prod-1:9093"}, wantTimeout: config.DefaultTimeout,
		},
		{
			name:        "--profile beats STREAMCTL_PROFILE",
			args:        []string{"--profile", "dev"},
			env:         map[string]string{"STREAMCTL_PROFILE": "prod"},
			wantProfile: "dev", wantBrokers: []string{"dev-1:9092", "dev-2:9092"}, wantTimeout: 5 * time.Second,
		},
		{
			name:        "STREAMCTL_BROKERS beats the profile, comma separated",
			env:         map[string]string{"STREAMCTL_BROKERS": "env-1:9092,env-2:9092"},
			wantProfile: "dev", wantBrokers: []string{"env-1:9092", "env-2:9092"}, wantTimeout: 5 * time.Second, wantName: "env-1:9092,env-2:9092",
		},
		{
			name:        "--brokers beats STREAMCTL_BROKERS",
			args:        []string{"--brokers", "flag-1:9092,flag-2:9092"},
			env:         map[string]string{"STREAMCTL_BROKERS": "env-1:9092"},
			wantProfile: "dev", wantBrokers: []string{"flag-1:9092", "flag-2:9092"}, wantTimeout: 5 * time.Second, wantName: "flag-1:9092,flag-2:9092",
		},
		{
			name:        "repeated --brokers flags add up",
			args:        []string{"--brokers", "a:1", "--brokers", "b:2"},
			wantProfile: "dev", wantBrokers: []string{"a:1", "b:2"}, wantTimeout: 5 * time.Second, wantName: "a:1,b:2",
		},
		{
			name:        "STREAMCTL_TIMEOUT beats the profile",
			env:         map[string]string{"STREAMCTL_TIMEOUT": "3s"},
			wantProfile: "dev", wantBrokers: []string{"dev-1:9092", "dev-2:9092"}, wantTimeout: 3 * time.Second,
		},
		{
			name:        "--timeout beats STREAMCTL_TIMEOUT",
			args:        []string{"--timeout", "1500ms"},
			env:         map[string]string{"STREAMCTL_TIMEOUT": "3s"},
			wantProfile: "dev", wantBrokers: []string{"dev-1:9092", "dev-2:9092"}, wantTimeout: 1500 * time.Millisecond,
		},
		{
			name:        "STREAMCTL_TIMEOUT beats the built-in default",
			args:        []string{"--profile", "prod"},
			env:         map[string]string{"STREAMCTL_TIMEOUT": "42s"},
			wantProfile: "prod", wantBrokers: []string{"prod-1:9093"}, wantTimeout: 42 * time.Second,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clearEnv(t)
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			file := writeConfig(t, twoProfiles, 0o600)
			c, err := config.Resolve(config.NewSettings(flags(t, tt.args...)), file, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			if c.Profile != tt.wantProfile {
				t.Errorf("profile = %q, want %q", c.Profile, tt.wantProfile)
			}
			if !reflect.DeepEqual(c.Brokers, tt.wantBrokers) {
				t.Errorf("brokers = %q, want %q", c.Brokers, tt.wantBrokers)
			}
			if c.Timeout != tt.wantTimeout {
				t.Errorf("timeout = %s, want %s", c.Timeout, tt.wantTimeout)
			}
			if want := cmp.Or(tt.wantName, tt.wantProfile); c.Name() != want {
				t.Errorf("Name() = %q, want %q", c.Name(), want)
			}
			if got := librdkafka(t, c)["bootstrap.servers"]; got != strings.Join(tt.wantBrokers, ",") {
				t.Errorf("bootstrap.servers = %q", got)
			}
		})
	}
}

func TestResolveUnknownProfileListsKnownOnes(t *testing.T) {
	for _, how := range []struct {
		name string
		args []string
		env  string
	}{
		{name: "flag", args: []string{"--profile", "staging"}},
		{name: "env", env: "staging"},
	} {
		t.Run(how.name, func(t *testing.T) {
			clearEnv(t)
			if how.env != "" {
				t.Setenv("STREAMCTL_PROFILE", how.env)
			}
			file := writeConfig(t, twoProfiles, 0o600)
			_, err := config.Resolve(config.NewSettings(flags(t, how.args...)), file, nil, nil)
			if err == nil {
				t.Fatal("want an error for an unknown profile")
			}
			for _, want := range []string{`"staging"`, "dev, prod", file.Path()} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not mention %q", err, want)
				}
			}
		})
	}

	t.Run("no profiles at all", func(t *testing.T) {
		clearEnv(t)
		file, err := config.Load(filepath.Join(t.TempDir(), "missing.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		_, err = config.Resolve(config.NewSettings(flags(t, "--profile", "x")), file, nil, nil)
		if err == nil || !strings.Contains(err.Error(), "profile create") {
			t.Errorf("error %v should say how to create a profile", err)
		}
	})
}

func TestBrokersWithoutConfigFile(t *testing.T) {
	clearEnv(t)
	path := filepath.Join(t.TempDir(), "nowhere", "config.yaml")
	file, err := config.Load(path)
	if err != nil {
		t.Fatalf("a missing config file must not be an error: %v", err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("Load created %s", path)
	}

	c, err := config.Resolve(config.NewSettings(flags(t, "--brokers", "localhost:9092")), file, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Profile != "" || !reflect.DeepEqual(c.Brokers, []string{"localhost:9092"}) || c.Timeout != config.DefaultTimeout {
		t.Errorf("got profile %q brokers %q timeout %s", c.Profile, c.Brokers, c.Timeout)
	}
	if c.Name() != "localhost:9092" {
		t.Errorf("Name() = %q, want the brokers when there is no profile", c.Name())
	}

	t.Setenv("STREAMCTL_BROKERS", "env:9092")
	c, err = config.Resolve(config.NewSettings(flags(t)), file, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(c.Brokers, []string{"env:9092"}) {
		t.Errorf("brokers from STREAMCTL_BROKERS = %q", c.Brokers)
	}
}

func TestResolveNoBrokersSaysWhatToDo(t *testing.T) {
	clearEnv(t)
	file, _ := config.Load(filepath.Join(t.TempDir(), "config.yaml"))
	_, err := config.Resolve(config.NewSettings(flags(t)), file, nil, nil)
	if err == nil || !strings.Contains(err.Error(), "--brokers") || !strings.Contains(err.Error(), "profile create") {
		t.Errorf("error = %v, want a hint about --brokers and profile create", err)
	}
}

func TestResolveBadTimeout(t *testing.T) {
	clearEnv(t)
	t.Setenv("STREAMCTL_TIMEOUT", "soon")
	file, _ := config.Load(filepath.Join(t.TempDir(), "config.yaml"))
	_, err := config.Resolve(config.NewSettings(flags(t, "--brokers", "b:1")), file, nil, nil)
	if err == nil || !strings.Contains(err.Error(), "timeout") {
		t.Errorf("error = %v, want a timeout error", err)
	}
}

func TestConfigPath(t *testing.T) {
	clearEnv(t)
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", "")
	if got, want := config.ConfigPath(config.NewSettings(flags(t))), filepath.Join(home, ".config", "streamctl", "config.yaml"); got != want {
		t.Errorf("default path = %q, want %q", got, want)
	}
	xdg := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", xdg)
	if got, want := config.ConfigPath(config.NewSettings(flags(t))), filepath.Join(xdg, "streamctl", "config.yaml"); got != want {
		t.Errorf("XDG path = %q, want %q", got, want)
	}
	t.Setenv("STREAMCTL_CONFIG", "/env/config.yaml")
	if got := config.ConfigPath(config.NewSettings(flags(t))); got != "/env/config.yaml" {
		t.Errorf("STREAMCTL_CONFIG path = %q", got)
	}
	if got := config.ConfigPath(config.NewSettings(flags(t, "--config", "/flag/config.yaml"))); got != "/flag/config.yaml" {
		t.Errorf("--config path = %q", got)
	}
}

// resolveProfile resolves the only profile of a config body, collecting warnings.
func resolveProfile(t *testing.T, body string, mode os.FileMode) (*config.Cluster, []string, error) {
	t.Helper()
	clearEnv(t)
	file := writeConfig(t, body, mode)
	var warnings []string
	c, err := config.Resolve(config.NewSettings(flags(t)), file, nil, func(s string) { warnings = append(warnings, s) })
	return c, warnings, err
}

func TestPasswordSources(t *testing.T) {
	const head = "current_profile: p\nprofiles:\n  p:\n    brokers: [b:9092]\n    sasl:\n      mechanism: scram-sha-512\n      username: ops\n"

	t.Run("password", func(t *testing.T) {
		c, warnings, err := resolveProfile(t, head+"      password: inline-secret\n", 0o600)
		if err != nil {
			t.Fatal(err)
		}
		if got := librdkafka(t, c)["sasl.password"]; got != "inline-secret" {
			t.Errorf("sasl.password = %q", got)
		}
		if len(warnings) != 0 {
			t.Errorf("a 0600 config file should not warn: %q", warnings)
		}
		if !reflect.DeepEqual(c.Secrets(), []string{"inline-secret"}) {
			t.Errorf("Secrets() = %q", c.Secrets())
		}
	})

	t.Run("password_env", func(t *testing.T) {
		_, _, err := resolveProfile(t, head+"      password_env: TEST_KAFKA_PW\n", 0o600)
		if err == nil {
			t.Fatal("an unset password_env variable must be an error")
		}
		if !strings.Contains(err.Error(), "TEST_KAFKA_PW") {
			t.Errorf("error %q should name the variable", err)
		}
		t.Setenv("TEST_KAFKA_PW", "from-env")
		file := writeConfig(t, head+"      password_env: TEST_KAFKA_PW\n", 0o600)
		c, err := config.Resolve(config.NewSettings(flags(t)), file, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := librdkafka(t, c)["sasl.password"]; got != "from-env" {
			t.Errorf("sasl.password = %q", got)
		}
	})

	t.Run("password_file", func(t *testing.T) {
		pwFile := filepath.Join(t.TempDir(), "pw")
		if err := os.WriteFile(pwFile, []byte("from-file\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		c, warnings, err := resolveProfile(t, head+"      password_file: "+pwFile+"\n", 0o600)
		if err != nil {
			t.Fatal(err)
		}
		if got := librdkafka(t, c)["sasl.password"]; got != "from-file" {
			t.Errorf("sasl.password = %q, want the file's content without the newline", got)
		}
		if len(warnings) != 0 {
			t.Errorf("a 0600 password file should not warn: %q", warnings)
		}
		if got := librdkafka(t, c)["sasl.mechanisms"]; got != "SCRAM-SHA-512" {
			t.Errorf("sasl.mechanisms = %q", got)
		}
		if got := librdkafka(t, c)["sasl.username"]; got != "ops" {
			t.Errorf("sasl.username = %q", got)
		}
		if c.User() != "ops" || c.Mechanism() != "SCRAM-SHA-512" {
			t.Errorf("User/Mechanism = %q/%q", c.User(), c.Mechanism())
		}
	})

	t.Run("missing password_file", func(t *testing.T) {
		_, _, err := resolveProfile(t, head+"      password_file: /does/not/exist\n", 0o600)
		if err == nil || !strings.Contains(err.Error(), "/does/not/exist") {
			t.Errorf("error = %v, want it to name the file", err)
		}
	})

	t.Run("two sources", func(t *testing.T) {
		_, _, err := resolveProfile(t, head+"      password: a\n      password_env: B\n", 0o600)
		if err == nil || !strings.Contains(err.Error(), "only one") {
			t.Errorf("error = %v, want only one password source", err)
		}
	})
}

func TestWarnsAboutSharedSecretFiles(t *testing.T) {
	const head = "current_profile: p\nprofiles:\n  p:\n    brokers: [b:9092]\n    sasl:\n      mechanism: PLAIN\n      username: ops\n"

	t.Run("password file readable by group", func(t *testing.T) {
		pwFile := filepath.Join(t.TempDir(), "pw")
		if err := os.WriteFile(pwFile, []byte("pw"), 0o640); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(pwFile, 0o640); err != nil {
			t.Fatal(err)
		}
		_, warnings, err := resolveProfile(t, head+"      password_file: "+pwFile+"\n", 0o600)
		if err != nil {
			t.Fatal(err)
		}
		if len(warnings) != 1 || !strings.Contains(warnings[0], pwFile) || !strings.Contains(warnings[0], "chmod 600") {
			t.Errorf("warnings = %q, want one naming %s with the chmod fix", warnings, pwFile)
		}
	})

	t.Run("config file holding a password readable by others", func(t *testing.T) {
		c, warnings, err := resolveProfile(t, head+"      password: pw\n", 0o604)
		if err != nil {
			t.Fatal(err)
		}
		if len(warnings) != 1 || !strings.Contains(warnings[0], "config file") || !strings.Contains(warnings[0], "0604") {
			t.Errorf("warnings = %q, want one about the config file and its mode", warnings)
		}
		if c == nil {
			t.Fatal("a warning must not stop the command")
		}
	})

	t.Run("shared config file without a password", func(t *testing.T) {
		_, warnings, err := resolveProfile(t, "current_profile: p\nprofiles:\n  p:\n    brokers: [b:9092]\n", 0o644)
		if err != nil {
			t.Fatal(err)
		}
		if len(warnings) != 0 {
			t.Errorf("no secret, no warning; got %q", warnings)
		}
	})

	t.Run("password by env in a shared config file", func(t *testing.T) {
		t.Setenv("PW_FOR_TEST", "x")
		_, warnings, err := resolveProfile(t, head+"      password_env: PW_FOR_TEST\n", 0o644)
		if err != nil {
			t.Fatal(err)
		}
		if len(warnings) != 0 {
			t.Errorf("the file holds no secret, so no warning; got %q", warnings)
		}
	})
}

func TestTLSServerNameIsAClearError(t *testing.T) {
	_, _, err := resolveProfile(t, "current_profile: p\nprofiles:\n  p:\n    brokers: [b:9093]\n    tls:\n      server_name: kafka.internal\n", 0o600)
	if err == nil {
		t.Fatal("tls.server_name must be refused, not silently ignored")
	}
	for _, want := range []string{`profile "p"`, "tls.server_name", "insecure_skip_verify"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name    string
		p       config.Profile
		wantErr string
	}{
		{"plain profile", config.Profile{Brokers: []string{"b:1"}}, ""},
		{"bad mechanism", config.Profile{SASL: &config.SASL{Mechanism: "GSSAPI", Username: "u"}}, "GSSAPI"},
		{"scram needs a username", config.Profile{SASL: &config.SASL{Mechanism: "SCRAM-SHA-256"}}, "username"},
		{"oauthbearer needs no username", config.Profile{SASL: &config.SASL{Mechanism: "OAUTHBEARER"}}, ""},
		{"GSSAPI says why", config.Profile{SASL: &config.SASL{Mechanism: "gssapi", Username: "u"}}, "has no Kerberos (libsasl2) support"},
		{"oidc", config.Profile{SASL: &config.SASL{Mechanism: "OAUTHBEARER", OAuthBearer: &config.OAuthBearer{Method: "oidc",
			TokenEndpoint: "https://idp/token", ClientID: "c", ClientSecretFile: "/s", Extensions: map[string]string{"logicalCluster": "x"}}}}, ""},
		{"oidc block for another mechanism", config.Profile{SASL: &config.SASL{Mechanism: "PLAIN", Username: "u", OAuthBearer: &config.OAuthBearer{Method: "oidc"}}}, "for mechanism OAUTHBEARER, not PLAIN"},
		{"oidc without a method", config.Profile{SASL: &config.SASL{Mechanism: "OAUTHBEARER", OAuthBearer: &config.OAuthBearer{TokenEndpoint: "https://idp/token"}}}, "method: oidc, or token"},
		{"unknown method", config.Profile{SASL: &config.SASL{Mechanism: "OAUTHBEARER", OAuthBearer: &config.OAuthBearer{Method: "magic"}}}, `"magic" is not one of oidc, token`},
		{"oidc without endpoint", config.Profile{SASL: &config.SASL{Mechanism: "OAUTHBEARER", OAuthBearer: &config.OAuthBearer{Method: "oidc", ClientID: "c", ClientSecretEnv: "S"}}}, "needs token_endpoint"},
		{"oidc endpoint not a URL", config.Profile{SASL: &config.SASL{Mechanism: "OAUTHBEARER", OAuthBearer: &config.OAuthBearer{Method: "oidc", TokenEndpoint: "idp/token", ClientID: "c", ClientSecretEnv: "S"}}}, "sasl.oauthbearer.token_endpoint"},
		{"oidc without client id", config.Profile{SASL: &config.SASL{Mechanism: "OAUTHBEARER", OAuthBearer: &config.OAuthBearer{Method: "oidc", TokenEndpoint: "https://idp/token", ClientSecretEnv: "S"}}}, "needs client_id"},
		{"oidc without secret", config.Profile{SASL: &config.SASL{Mechanism: "OAUTHBEARER", OAuthBearer: &config.OAuthBearer{Method: "oidc", TokenEndpoint: "https://idp/token", ClientID: "c"}}}, "needs the client secret"},
		{"oidc with two secrets", config.Profile{SASL: &config.SASL{Mechanism: "OAUTHBEARER", OAuthBearer: &config.OAuthBearer{Method: "oidc", TokenEndpoint: "https://idp/token", ClientID: "c", ClientSecret: "x", ClientSecretEnv: "S"}}}, "only one of client_secret"},
		{"oidc with a token", config.Profile{SASL: &config.SASL{Mechanism: "OAUTHBEARER", OAuthBearer: &config.OAuthBearer{Method: "oidc", TokenEndpoint: "https://idp/token", ClientID: "c", ClientSecretEnv: "S", TokenFile: "/t"}}}, "are for method token"},
		{"bad extension name", config.Profile{SASL: &config.SASL{Mechanism: "OAUTHBEARER", OAuthBearer: &config.OAuthBearer{Method: "token", TokenFile: "/t", Extensions: map[string]string{"a=b": "c"}}}}, "not a valid extension name"},
		{"token file", config.Profile{SASL: &config.SASL{Mechanism: "OAUTHBEARER", OAuthBearer: &config.OAuthBearer{Method: "token", TokenFile: "/t"}}}, ""},
		{"token without one", config.Profile{SASL: &config.SASL{Mechanism: "OAUTHBEARER", OAuthBearer: &config.OAuthBearer{Method: "token"}}}, "needs the token"},
		{"two tokens", config.Profile{SASL: &config.SASL{Mechanism: "OAUTHBEARER", OAuthBearer: &config.OAuthBearer{Method: "token", Token: "x", TokenEnv: "T"}}}, "only one of token"},
		{"lower-case mechanism", config.Profile{SASL: &config.SASL{Mechanism: "plain", Username: "u"}}, ""},
		{"cert without key", config.Profile{TLS: &config.TLS{CertFile: "c.pem"}}, "key_file"},
		{"key without cert", config.Profile{TLS: &config.TLS{KeyFile: "k.pem"}}, "cert_file"},
		{"server name", config.Profile{TLS: &config.TLS{ServerName: "x"}}, "server_name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.p.Validate()
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("unexpected error %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("error = %v, want one mentioning %q", err, tt.wantErr)
			}
		})
	}
}

func TestClientConfigSecurityProtocol(t *testing.T) {
	off := false
	tests := []struct {
		name     string
		sasl     *config.SASL
		tls      *config.TLS
		protocol string // "" means not set (librdkafka's default, plaintext)
	}{
		{"none", nil, nil, ""},
		{"tls", nil, &config.TLS{CAFile: "/ca.pem"}, "SSL"},
		{"tls disabled", nil, &config.TLS{Enabled: &off, CAFile: "/ca.pem"}, ""},
		{"sasl", &config.SASL{Mechanism: "PLAIN", Username: "u"}, nil, "SASL_PLAINTEXT"},
		{"sasl and tls", &config.SASL{Mechanism: "SCRAM-SHA-256", Username: "u"}, &config.TLS{}, "SASL_SSL"},
		{"sasl and disabled tls", &config.SASL{Mechanism: "SCRAM-SHA-256", Username: "u"}, &config.TLS{Enabled: &off}, "SASL_PLAINTEXT"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &config.Cluster{Brokers: []string{"a:1", "b:2"}, SASL: tt.sasl, TLS: tt.tls}
			m := librdkafka(t, c)
			if got, ok := m["security.protocol"]; got != tt.protocol || ok != (tt.protocol != "") {
				t.Errorf("security.protocol = %q (set %v), want %q", got, ok, tt.protocol)
			}
			if m["bootstrap.servers"] != "a:1,b:2" {
				t.Errorf("bootstrap.servers = %q", m["bootstrap.servers"])
			}
			if tt.tls.On() {
				if m["ssl.ca.location"] != tt.tls.CAFile {
					t.Errorf("ssl.ca.location = %q, want %q", m["ssl.ca.location"], tt.tls.CAFile)
				}
			} else if _, ok := m["ssl.ca.location"]; ok {
				t.Error("ssl.ca.location set without TLS")
			}
			if _, ok := m["enable.ssl.certificate.verification"]; ok {
				t.Error("certificate verification turned off without insecure_skip_verify")
			}
		})
	}
}

func TestClientConfigTLSFilesAndInsecure(t *testing.T) {
	c := &config.Cluster{Brokers: []string{"b:9093"}, TLS: &config.TLS{
		CAFile: "/ca.pem", CertFile: "/client.pem", KeyFile: "/client.key", InsecureSkipVerify: true,
	}}
	m := librdkafka(t, c)
	want := map[string]string{
		"security.protocol":                     "SSL",
		"ssl.ca.location":                       "/ca.pem",
		"ssl.certificate.location":              "/client.pem",
		"ssl.key.location":                      "/client.key",
		"enable.ssl.certificate.verification":   "false",
		"ssl.endpoint.identification.algorithm": "none",
	}
	for k, v := range want {
		if m[k] != v {
			t.Errorf("%s = %q, want %q", k, m[k], v)
		}
	}
}

func TestPropertiesPrecedence(t *testing.T) {
	clearEnv(t)
	file := writeConfig(t, `current_profile: p
profiles:
  p:
    brokers: [b:9092]
    properties:
      client.id: from-profile
      linger.ms: "5"
`, 0o600)
	extra, err := config.ParseProperties([]string{"client.id=from-flag", "acks=all", "opaque=a=b"})
	if err != nil {
		t.Fatal(err)
	}
	c, err := config.Resolve(config.NewSettings(flags(t)), file, extra, nil)
	if err != nil {
		t.Fatal(err)
	}
	m := librdkafka(t, c)
	for k, v := range map[string]string{"client.id": "from-flag", "linger.ms": "5", "acks": "all", "opaque": "a=b"} {
		if m[k] != v {
			t.Errorf("%s = %q, want %q", k, m[k], v)
		}
	}
	// -X must not change the profile as loaded (it would be saved back).
	if file.Profiles["p"].Properties["client.id"] != "from-profile" {
		t.Error("-X leaked into the profile")
	}

	for _, bad := range []string{"novalue", "=x"} {
		if _, err := config.ParseProperties([]string{bad}); err == nil || !strings.Contains(err.Error(), "key=value") {
			t.Errorf("ParseProperties(%q) error = %v", bad, err)
		}
	}
}

// The brokers in use are the cluster's Brokers, whichever way they were
// given, so that messages name them: -X bootstrap.servers wins over
// --brokers and the profile, a profile's bootstrap.servers property over its
// brokers, and neither is left in the properties to disagree.
func TestBootstrapPropertiesAreTheBrokers(t *testing.T) {
	clearEnv(t)
	file := writeConfig(t, `current_profile: p
profiles:
  p:
    brokers: [b:9092]
  q:
    brokers: [b:9092]
    properties:
      metadata.broker.list: q1:9092,q2:9092
`, 0o600)
	for _, tc := range []struct {
		args []string
		x    []string
		want string
	}{
		{nil, nil, "b:9092"},
		{nil, []string{"bootstrap.servers=x:1"}, "x:1"},
		{[]string{"--brokers", "f:1"}, []string{"bootstrap.servers=x:1,y:2"}, "x:1,y:2"},
		{[]string{"--profile", "q"}, nil, "q1:9092,q2:9092"},
		{[]string{"--profile", "q", "--brokers", "f:1"}, nil, "f:1"},
	} {
		fl := flags(t)
		if err := fl.Parse(tc.args); err != nil {
			t.Fatal(err)
		}
		extra, _ := config.ParseProperties(tc.x)
		c, err := config.Resolve(config.NewSettings(fl), file, extra, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(c.Brokers, ","); got != tc.want {
			t.Errorf("%v -X %v: brokers %s, want %s", tc.args, tc.x, got, tc.want)
		}
		m := librdkafka(t, c)
		if m["bootstrap.servers"] != tc.want || m["metadata.broker.list"] != "" {
			t.Errorf("%v -X %v: client config %v, want bootstrap.servers=%s only", tc.args, tc.x, m, tc.want)
		}
	}
	// With no profile at all, -X bootstrap.servers is enough.
	c, err := config.Resolve(config.NewSettings(flags(t)), &config.File{}, map[string]string{"bootstrap.servers": "only:1"}, nil)
	if err != nil || strings.Join(c.Brokers, ",") != "only:1" {
		t.Errorf("Resolve = %v, %v", c, err)
	}
}

func TestSplitList(t *testing.T) {
	got := config.SplitList([]string{"a:1, b:2", "", " c:3 ,,"})
	if want := []string{"a:1", "b:2", "c:3"}; !reflect.DeepEqual(got, want) {
		t.Errorf("SplitList = %q, want %q", got, want)
	}
}

// librdkafka is the librdkafka configuration the resolver makes of c.
func librdkafka(t *testing.T, c *config.Cluster) map[string]string {
	t.Helper()
	cc, err := clientconfig.New(c)
	if err != nil {
		t.Fatal(err)
	}
	return cc.Librdkafka()
}
