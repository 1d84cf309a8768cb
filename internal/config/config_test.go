package config_test

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/streamctl/streamctl/internal/config"
)

func TestLoadErrorsNameFileAndLine(t *testing.T) {
	tests := []struct {
		name, body string
		want       []string
	}{
		{
			name: "malformed yaml",
			body: "current_profile: dev\nprofiles:\n  dev:\n    brokers: a:1: b\n",
			want: []string{"line 4"},
		},
		{
			name: "unknown key",
			body: "profiles:\n  dev:\n    brokers: [a:1]\n    brokerz: [b:1]\n",
			want: []string{"line 4", "brokerz"},
		},
		{
			name: "unknown nested key",
			body: "profiles:\n  dev:\n    sasl:\n      mechanism: PLAIN\n      passwrd: x\n",
			want: []string{"line 5", "passwrd"},
		},
		{
			name: "unknown top-level key",
			body: "current_profile: dev\ncurrent: dev\n",
			want: []string{"line 2", "current"},
		},
		// Type errors are said in the file's terms: no Go types or YAML tags.
		{
			name: "a list where a profile goes",
			body: "profiles:\n  a: [1, 2]\n",
			want: []string{"line 2: want a profile (keys: brokers, sasl, tls, properties, timeout, schema_registry), got a list"},
		},
		{
			name: "a number where a list goes, and a misspelt key",
			body: "profiles:\n  a:\n    brokers: 5\n    brokerz: [x]\n",
			want: []string{`line 3: want a list, got "5"`, `line 4: unknown key "brokerz" in a profile; did you mean "brokers"?`},
		},
		{
			name: "text where a block or a boolean goes",
			body: "profiles:\n  a:\n    sasl: yes\n    tls:\n      enabled: maybe\n",
			want: []string{`line 3: want the sasl block (keys: mechanism, username,`, `line 5: want true or false, got "maybe"`},
		},
		{
			name: "text where the schema_registry block goes",
			body: "profiles:\n  a:\n    schema_registry: http://x\n",
			want: []string{`line 3: want the schema_registry block (keys: url`},
		},
		{
			name: "a list where properties go",
			body: "profiles:\n  a:\n    properties: [a, b]\n",
			want: []string{"line 3: want name: value pairs (a mapping), got a list"},
		},
		{
			name: "bad timeout",
			body: "profiles:\n  dev:\n    brokers: [a:1]\n    timeout: ten seconds\n",
			want: []string{"line 4", "timeout", "ten seconds"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "config.yaml")
			if err := os.WriteFile(path, []byte(tt.body), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := config.Load(path)
			if err == nil {
				t.Fatal("want an error")
			}
			for _, want := range append([]string{path}, tt.want...) {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not mention %q", err, want)
				}
			}
			for _, leak := range []string{"!!", "config.", "unmarshal", "[]string", "map["} {
				if strings.Contains(strings.TrimPrefix(err.Error(), "config file "+path), leak) {
					t.Errorf("error %q shows the decoder's %q", err, leak)
				}
			}
		})
	}
}

func TestLoadEmptyAndNullProfiles(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := config.Load(path)
	if err != nil {
		t.Fatalf("an empty file is an empty config: %v", err)
	}
	if len(f.Profiles) != 0 || f.Path() != path {
		t.Errorf("got %+v", f)
	}

	// "dev:" with nothing under it is a null profile; commands must not crash on it.
	if err := os.WriteFile(path, []byte("profiles:\n  dev:\n  prod: {}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err = config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if p, err := f.Profile("dev"); err != nil || p == nil {
		t.Errorf("Profile(dev) = %v, %v", p, err)
	}
	if got := f.Names(); !reflect.DeepEqual(got, []string{"dev", "prod"}) {
		t.Errorf("Names() = %q", got)
	}
}

func TestSaveRoundTripAtomicAndPrivate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "streamctl") // does not exist yet
	path := filepath.Join(dir, "config.yaml")
	f, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	yes := true
	f.CurrentProfile = "prod"
	f.Profiles = map[string]*config.Profile{
		"prod": {
			Brokers:    []string{"b1:9093", "b2:9093"},
			SASL:       &config.SASL{Mechanism: "SCRAM-SHA-512", Username: "ops", Password: "pw"},
			TLS:        &config.TLS{Enabled: &yes, CAFile: "/ca.pem", InsecureSkipVerify: true},
			Properties: map[string]string{"client.id": "ops"},
			Timeout:    config.Duration(30 * time.Second),
		},
		"dev": {Brokers: []string{"localhost:9092"}},
	}
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
	assertMode(t, path, 0o600)
	if st, err := os.Stat(dir); err != nil || st.Mode().Perm()&0o077 != 0 {
		t.Errorf("config directory mode = %v, %v; want private", st.Mode(), err)
	}

	raw, _ := os.ReadFile(path)
	if !strings.Contains(string(raw), "timeout: 30s") {
		t.Errorf("timeout should be written as a duration:\n%s", raw)
	}
	back, err := config.Load(path)
	if err != nil {
		t.Fatalf("reading back what Save wrote: %v\n%s", err, raw)
	}
	if back.CurrentProfile != "prod" || !reflect.DeepEqual(back.Profiles, f.Profiles) {
		t.Errorf("round trip changed the config:\nwrote %+v\nread  %+v", f.Profiles["prod"], back.Profiles["prod"])
	}

	// An existing file that someone made world-readable is replaced by a
	// private one, through a rename: a reader never sees a half-written file.
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	before, _ := os.Stat(path)
	back.Profiles["dev"].Brokers = []string{"localhost:19092"}
	if err := back.Save(); err != nil {
		t.Fatal(err)
	}
	assertMode(t, path, 0o600)
	after, _ := os.Stat(path)
	if os.SameFile(before, after) {
		t.Error("Save rewrote the file in place; want a temp file renamed over it")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("Save left files behind: %q", names)
	}
}

func TestSaveFailureLeavesNoTempFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config.yaml")
	f, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	f.Profiles = map[string]*config.Profile{"dev": {Brokers: []string{"a:1"}}}
	// A non-empty directory where the file should go makes the final rename
	// fail, even for root.
	if err := os.MkdirAll(filepath.Join(path, "occupied"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := f.Save(); err == nil {
		t.Fatal("Save over a directory should fail")
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.Name() != "config.yaml" {
			t.Errorf("a failed Save left %s behind", e.Name())
		}
	}
}

func assertMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := st.Mode().Perm(); got != want {
		t.Errorf("%s mode = %04o, want %04o", path, got, want)
	}
}

func TestProfileNotFound(t *testing.T) {
	f := &config.File{Profiles: map[string]*config.Profile{"b": {}, "a": {}}}
	_, err := f.Profile("c")
	if err == nil || !strings.Contains(err.Error(), `"c"`) || !strings.Contains(err.Error(), "known profiles: a, b") {
		t.Errorf("error = %v", err)
	}
}

func TestProfileSet(t *testing.T) {
	yes, no := true, false
	tests := []struct {
		key, value string
		want       config.Profile
	}{
		{"brokers", "a:1, b:2", config.Profile{Brokers: []string{"a:1", "b:2"}}},
		{"brokers", "", config.Profile{}},
		{"timeout", "30s", config.Profile{Timeout: config.Duration(30 * time.Second)}},
		{"timeout", "", config.Profile{}},
		{"sasl.mechanism", "scram-sha-256", config.Profile{SASL: &config.SASL{Mechanism: "SCRAM-SHA-256"}}},
		{"sasl.username", "ops", config.Profile{SASL: &config.SASL{Username: "ops"}}},
		{"sasl.password", "pw", config.Profile{SASL: &config.SASL{Password: "pw"}}},
		{"sasl.password_env", "PW", config.Profile{SASL: &config.SASL{PasswordEnv: "PW"}}},
		{"sasl.password_file", "/pw", config.Profile{SASL: &config.SASL{PasswordFile: "/pw"}}},
		{"tls.enabled", "true", config.Profile{TLS: &config.TLS{Enabled: &yes}}},
		{"tls.enabled", "false", config.Profile{TLS: &config.TLS{Enabled: &no}}},
		{"tls.ca_file", "/ca.pem", config.Profile{TLS: &config.TLS{CAFile: "/ca.pem"}}},
		{"tls.cert_file", "/c.pem", config.Profile{TLS: &config.TLS{CertFile: "/c.pem"}}},
		{"tls.key_file", "/k.pem", config.Profile{TLS: &config.TLS{KeyFile: "/k.pem"}}},
		{"tls.server_name", "kafka", config.Profile{TLS: &config.TLS{ServerName: "kafka"}}},
		{"tls.insecure_skip_verify", "true", config.Profile{TLS: &config.TLS{InsecureSkipVerify: true}}},
		{"properties.client.id", "ops", config.Profile{Properties: map[string]string{"client.id": "ops"}}},
	}
	for _, tt := range tests {
		t.Run(tt.key+"="+tt.value, func(t *testing.T) {
			var p config.Profile
			if err := p.Set(tt.key, tt.value); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(p, tt.want) {
				t.Errorf("got %+v, want %+v", p, tt.want)
			}
		})
	}
}

// Every key SettableKeys advertises must be accepted by Set, or the help of
// `profile set` lies.
func TestSettableKeysAreSettable(t *testing.T) {
	values := map[string]string{"timeout": "5s", "tls.enabled": "true", "tls.insecure_skip_verify": "false",
		"schema_registry.url": "http://127.0.0.1:8081", "schema_registry.tls.insecure_skip_verify": "false"}
	for _, key := range config.SettableKeys {
		key = strings.Replace(key, "<librdkafka property>", "linger.ms", 1)
		v, ok := values[key]
		if !ok {
			v = "x"
		}
		var p config.Profile
		if err := p.Set(key, v); err != nil {
			t.Errorf("Set(%q) = %v", key, err)
		}
	}
}

func TestProfileSetPasswordSourcesReplaceEachOther(t *testing.T) {
	p := config.Profile{SASL: &config.SASL{Mechanism: "PLAIN", Username: "u", Password: "old"}}
	if err := p.Set("sasl.password_env", "PW"); err != nil {
		t.Fatal(err)
	}
	if p.SASL.Password != "" || p.SASL.PasswordEnv != "PW" || p.SASL.Username != "u" {
		t.Errorf("got %+v: setting password_env should clear password and keep the rest", p.SASL)
	}
	if err := p.Set("sasl.password_file", "/pw"); err != nil {
		t.Fatal(err)
	}
	if p.SASL.PasswordEnv != "" || p.SASL.PasswordFile != "/pw" {
		t.Errorf("got %+v", p.SASL)
	}
	if err := p.Validate(); err != nil {
		t.Errorf("after Set the profile should be valid: %v", err)
	}
	if err := p.Set("properties.client.id", "x"); err != nil {
		t.Fatal(err)
	}
	if err := p.Set("properties.client.id", ""); err != nil {
		t.Fatal(err)
	}
	if _, ok := p.Properties["client.id"]; ok {
		t.Error("an empty value should remove the property")
	}
}

func TestProfileSetErrors(t *testing.T) {
	tests := []struct{ key, value, want string }{
		{"broker", "a:1", "known keys"},
		{"sasl.user", "u", "sasl.user"},
		{"tls.verify", "true", "tls.verify"},
		{"properties.", "x", "properties."},
		{"timeout", "10", "positive duration"},
		{"timeout", "-5s", "positive duration"},
		{"tls.enabled", "maybe", "true or false"},
		{"tls.insecure_skip_verify", "sure", "true or false"},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			var p config.Profile
			err := p.Set(tt.key, tt.value)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Set(%q, %q) error = %v, want one mentioning %q", tt.key, tt.value, err, tt.want)
			}
		})
	}
	var p config.Profile
	err := p.Set("bogus", "x")
	for _, key := range []string{"brokers", "sasl.password_env", "tls.ca_file", "properties."} {
		if !strings.Contains(err.Error(), key) {
			t.Errorf("unknown-key error %q should list %q", err, key)
		}
	}
}

func TestRedacted(t *testing.T) {
	p := &config.Profile{
		Brokers: []string{"b:1"},
		SASL:    &config.SASL{Mechanism: "PLAIN", Username: "ops", Password: "hunter2"},
		Properties: map[string]string{
			"ssl.key.password":               "keypw",
			"sasl.oauthbearer.client.secret": "oauth",
			"sasl.oauthbearer.config":        "principal=x secret=y",
			"client.id":                      "ops",
		},
	}
	r := p.Redacted()
	if r.SASL.Password != config.Redacted || r.SASL.Username != "ops" {
		t.Errorf("SASL = %+v", r.SASL)
	}
	for _, k := range []string{"ssl.key.password", "sasl.oauthbearer.client.secret", "sasl.oauthbearer.config"} {
		if r.Properties[k] != config.Redacted {
			t.Errorf("property %s = %q, want redacted", k, r.Properties[k])
		}
	}
	if r.Properties["client.id"] != "ops" {
		t.Errorf("client.id was redacted")
	}
	// The original must be untouched: it may be saved back afterwards.
	if p.SASL.Password != "hunter2" || p.Properties["ssl.key.password"] != "keypw" {
		t.Error("Redacted modified the profile it copied")
	}

	// Where a secret comes from is not itself secret.
	env := (&config.Profile{SASL: &config.SASL{PasswordEnv: "PW", PasswordFile: ""}}).Redacted()
	if env.SASL.PasswordEnv != "PW" {
		t.Errorf("password_env = %q, want it shown", env.SASL.PasswordEnv)
	}
	if got := (&config.Profile{}).Redacted(); got.SASL != nil {
		t.Errorf("Redacted invented a SASL block: %+v", got.SASL)
	}

	// sasl.oauthbearer's client secret and token, not where they come from.
	o := &config.Profile{SASL: &config.SASL{Mechanism: "OAUTHBEARER", OAuthBearer: &config.OAuthBearer{
		Method: "oidc", ClientID: "cid", ClientSecret: "s3cret", Token: "tok", TokenFile: "/t"}}}
	ro := o.Redacted().SASL.OAuthBearer
	if ro.ClientSecret != config.Redacted || ro.Token != config.Redacted || ro.ClientID != "cid" || ro.TokenFile != "/t" {
		t.Errorf("oauthbearer = %+v", ro)
	}
	if o.SASL.OAuthBearer.ClientSecret != "s3cret" {
		t.Error("Redacted modified the oauthbearer block it copied")
	}
}

// profile set reaches every sasl.oauthbearer key; one source of the client
// secret (or the token) replaces the others; clearing every key drops the
// block.
func TestSetOAuthBearer(t *testing.T) {
	p := &config.Profile{}
	for _, kv := range [][2]string{
		{"sasl.mechanism", "oauthbearer"}, {"sasl.oauthbearer.method", "OIDC"}, {"sasl.oauthbearer.token_endpoint", "https://idp/token"},
		{"sasl.oauthbearer.client_id", "cid"}, {"sasl.oauthbearer.client_secret", "inline"}, {"sasl.oauthbearer.client_secret_env", "SECRET"},
		{"sasl.oauthbearer.scope", "kafka"}, {"sasl.oauthbearer.extensions.logicalCluster", "lkc-1"},
	} {
		if err := p.Set(kv[0], kv[1]); err != nil {
			t.Fatalf("Set(%s): %v", kv[0], err)
		}
	}
	o := p.SASL.OAuthBearer
	if p.SASL.Mechanism != "OAUTHBEARER" || o.Method != "oidc" || o.ClientSecret != "" || o.ClientSecretEnv != "SECRET" || o.Extensions["logicalCluster"] != "lkc-1" {
		t.Errorf("after profile set: %+v %+v", p.SASL, o)
	}
	if err := p.Validate(); err != nil {
		t.Errorf("Validate: %v", err)
	}
	if err := p.Set("sasl.oauthbearer.nosuch", "x"); err == nil || !strings.Contains(err.Error(), "sasl.oauthbearer.client_secret_env") {
		t.Errorf("an unknown key: %v, want the known keys listed", err)
	}
	for _, k := range []string{"method", "token_endpoint", "client_id", "client_secret_env", "scope", "extensions.logicalCluster"} {
		if err := p.Set("sasl.oauthbearer."+k, ""); err != nil {
			t.Fatal(err)
		}
	}
	if p.SASL.OAuthBearer != nil {
		t.Errorf("every key cleared, the block is %+v", p.SASL.OAuthBearer)
	}
}

func TestScrubber(t *testing.T) {
	s := config.NewScrubber([]string{"hunter2", "", "t0ken"})
	got := s.Scrub("sasl.password=hunter2 oauth=t0ken user=ops")
	if strings.Contains(got, "hunter2") || strings.Contains(got, "t0ken") || !strings.Contains(got, "user=ops") {
		t.Errorf("Scrub = %q", got)
	}
	if strings.Count(got, config.Redacted) != 2 {
		t.Errorf("Scrub = %q, want two redactions", got)
	}
	if got := config.NewScrubber(nil).Scrub("plain"); got != "plain" {
		t.Errorf("empty scrubber changed text: %q", got)
	}
	var nilScrubber *config.Scrubber
	if got := nilScrubber.Scrub("plain"); got != "plain" {
		t.Errorf("nil scrubber changed text: %q", got)
	}
}

func TestSecretsIncludeSensitiveProperties(t *testing.T) {
	c := &config.Cluster{Brokers: []string{"b:1"}, Properties: map[string]string{
		"ssl.key.password": "keypw", "sasl.password": "raw", "client.id": "ops",
	}}
	got := c.Secrets()
	if len(got) != 2 || !contains(got, "keypw") || !contains(got, "raw") {
		t.Errorf("Secrets() = %q", got)
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func TestIsSensitiveProperty(t *testing.T) {
	for k, want := range map[string]bool{
		"sasl.password": true, "ssl.key.password": true, "ssl.keystore.password": true,
		"sasl.oauthbearer.client.secret": true, "sasl.oauthbearer.config": true, "ssl.key.pem": true,
		"SASL.PASSWORD": true, "client.id": false, "sasl.username": false, "bootstrap.servers": false,
	} {
		if got := config.IsSensitiveProperty(k); got != want {
			t.Errorf("IsSensitiveProperty(%q) = %v, want %v", k, got, want)
		}
	}
}

// People keep dotfiles in a repository and link them into place; saving must
// write through the link, not replace it with a regular file.
func TestSaveThroughSymlink(t *testing.T) {
	real := filepath.Join(t.TempDir(), "dotfiles", "streamctl.yaml")
	if err := os.MkdirAll(filepath.Dir(real), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(real, []byte("profiles:\n  dev:\n    brokers: [a:1]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	f, err := config.Load(link)
	if err != nil {
		t.Fatal(err)
	}
	f.CurrentProfile = "dev"
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Lstat(link); err != nil || st.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("Save replaced the symlink %s with a regular file", link)
	}
	raw, _ := os.ReadFile(real)
	if !strings.Contains(string(raw), "current_profile: dev") {
		t.Errorf("the link's target was not updated:\n%s", raw)
	}
	assertMode(t, real, 0o600)
}
