package config_test

import (
	"os"
	"strings"
	"testing"

	"github.com/streamctl/streamctl/internal/config"
)

const registryProfile = `current_profile: prod
profiles:
  prod:
    brokers: [b:9092]
    schema_registry:
      url: https://sr.example.com:8081/
      username: ops
      password_env: SR_PW
      tls:
        ca_file: /etc/sr/ca.pem
  token:
    schema_registry:
      url: http://sr:8081
      token: s3cr3t-token
`

// --registry-url > STREAMCTL_SCHEMA_REGISTRY_URL > schema_registry.url;
// credentials come from the profile, the password from where it points.
func TestResolveRegistry(t *testing.T) {
	clearEnv(t)
	t.Setenv(config.EnvRegistryURL, "")
	os.Unsetenv(config.EnvRegistryURL)
	t.Setenv("SR_PW", "pw-from-env")
	f := writeConfig(t, registryProfile, 0o600)
	r, err := config.ResolveRegistry(config.NewSettings(flags(t)), f, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.URL != "https://sr.example.com:8081" || r.Username != "ops" || r.Password() != "pw-from-env" || r.TLS.CAFile != "/etc/sr/ca.pem" || r.Profile != "prod" {
		t.Errorf("got %+v", r)
	}
	if s := r.Secrets(); len(s) != 1 || s[0] != "pw-from-env" {
		t.Errorf("secrets = %q", s)
	}
	t.Setenv(config.EnvRegistryURL, "http://env:8081")
	if r, _ = config.ResolveRegistry(config.NewSettings(flags(t)), f, "", nil); r.URL != "http://env:8081" {
		t.Errorf("env: %s", r.URL)
	}
	if r, _ = config.ResolveRegistry(config.NewSettings(flags(t)), f, "http://flag:8081", nil); r.URL != "http://flag:8081" || r.Username != "ops" {
		t.Errorf("flag: %+v", r)
	}
	os.Unsetenv("SR_PW")
	if _, err := config.ResolveRegistry(config.NewSettings(flags(t)), f, "", nil); err == nil || !strings.Contains(err.Error(), "schema_registry.password_env names SR_PW, which is not set") {
		t.Errorf("unset password env: %v", err)
	}
	r, err = config.ResolveRegistry(config.NewSettings(flags(t, "--profile", "token")), f, "", nil)
	if err != nil || r.Token() != "s3cr3t-token" {
		t.Errorf("token profile: %v %+v", err, r)
	}
}

func TestResolveRegistryNone(t *testing.T) {
	clearEnv(t)
	os.Unsetenv(config.EnvRegistryURL)
	f := writeConfig(t, "current_profile: p\nprofiles:\n  p:\n    brokers: [b:9092]\n", 0o600)
	_, err := config.ResolveRegistry(config.NewSettings(flags(t)), f, "", nil)
	if err == nil || !strings.Contains(err.Error(), `add schema_registry.url to profile "p"`) {
		t.Errorf("err = %v", err)
	}
}

// Redacted hides the registry's password and token; where they come from
// stays visible.
func TestRedactedRegistry(t *testing.T) {
	p := &config.Profile{SchemaRegistry: &config.SchemaRegistry{URL: "http://sr", Username: "u", Password: "pw", Token: "tok", PasswordFile: "/x"}}
	r := p.Redacted().SchemaRegistry
	if r.Password != config.Redacted || r.Token != config.Redacted || r.Username != "u" || r.PasswordFile != "/x" {
		t.Errorf("redacted: %+v", r)
	}
	if p.SchemaRegistry.Password != "pw" {
		t.Error("Redacted changed the profile itself")
	}
}

func TestRegistryValidation(t *testing.T) {
	for _, tt := range []struct {
		r    config.SchemaRegistry
		want string
	}{
		{config.SchemaRegistry{URL: "sr:8081"}, "want http://host:port"},
		{config.SchemaRegistry{URL: "http://sr", Password: "a", PasswordEnv: "B", Username: "u"}, "only one of password"},
		{config.SchemaRegistry{URL: "http://sr", Username: "u", Token: "t"}, "not both"},
		{config.SchemaRegistry{URL: "http://sr", Password: "p"}, "needs a username"},
	} {
		p := config.Profile{SchemaRegistry: &tt.r}
		if err := p.Validate(); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%+v: err = %v, want %q", tt.r, err, tt.want)
		}
	}
}
