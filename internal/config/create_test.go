package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/streamctl/streamctl/internal/exitcode"
)

// What profile create is asked for becomes a checked profile: OAUTHBEARER
// flags imply the mechanism, a CA file implies TLS, and what is wrong is
// a usage error naming the flag.
func TestProfileRequest(t *testing.T) {
	for _, c := range []struct {
		r    ProfileRequest
		want string
	}{
		{ProfileRequest{}, "--brokers host:port,... is required"},
		{ProfileRequest{Brokers: []string{"b:9092"}, CAFile: "/missing.pem"}, "--ca-file: /missing.pem: no such file"},
		{ProfileRequest{Brokers: []string{"b:9092"}, OIDC: OAuthBearer{TokenEndpoint: "https://idp/token", ClientID: "a", ClientSecretEnv: "S"}, OIDCExt: []string{"x"}}, `--oidc-extension "x": want key=value`},
		{ProfileRequest{Brokers: []string{"b:9092"}, OIDC: OAuthBearer{ClientID: "a"}}, "method oidc needs token_endpoint"},
		{ProfileRequest{Brokers: []string{"b:9092"}, Properties: []string{"novalue"}}, "novalue"},
	} {
		_, err := c.r.Profile()
		if err == nil || !strings.Contains(err.Error(), c.want) || !exitcode.IsUsage(err) {
			t.Errorf("%+v: want a usage error with %q, got %v", c.r, c.want, err)
		}
	}
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, []byte("pem"), 0o600); err != nil {
		t.Fatal(err)
	}
	asked := 0
	p, err := (&ProfileRequest{Brokers: []string{"b:9093"}, CAFile: ca, RegistryURL: "http://sr:8081",
		OIDC: OAuthBearer{TokenFile: "/run/token"}, OIDCExt: []string{"logicalCluster=lkc-1"},
		ReadPassword: func() (string, error) { asked++; return "", nil }}).Profile()
	if err != nil {
		t.Fatal(err)
	}
	if p.SASL == nil || p.SASL.Mechanism != "OAUTHBEARER" || p.SASL.OAuthBearer.Method != "token" || p.SASL.OAuthBearer.Extensions["logicalCluster"] != "lkc-1" {
		t.Errorf("sasl %+v", p.SASL)
	}
	if !p.TLS.On() || p.TLS.CAFile != ca || p.SchemaRegistry.URL != "http://sr:8081" || asked != 1 {
		t.Errorf("tls %+v, registry %+v, password read %d times", p.TLS, p.SchemaRegistry, asked)
	}
	if p, err := (&ProfileRequest{Brokers: []string{"b:9092"}, ReadPassword: func() (string, error) { asked++; return "", nil }}).Profile(); err != nil || p.SASL != nil || asked != 1 {
		t.Errorf("no SASL: %+v, %v, password read %d times", p, err, asked)
	}
}

// A profile is replaced only with --force, and becomes current with --use
// or as the first one.
func TestFileAdd(t *testing.T) {
	f := &File{}
	if !f.Add("a", &Profile{}, false) {
		t.Error("the first profile is not current")
	}
	if f.Add("b", &Profile{}, false) || !f.Add("c", &Profile{}, true) {
		t.Errorf("current %q: want b not made current, c made current with use", f.CurrentProfile)
	}
	if err := f.CanAdd("a", false); err == nil || !strings.Contains(err.Error(), `profile "a" already exists`) {
		t.Errorf("replacing a: %v", err)
	}
	if err := f.CanAdd("a", true); err != nil {
		t.Errorf("replacing a with force: %v", err)
	}
}

// profile list says how each profile authenticates.
func TestProfileAuth(t *testing.T) {
	for _, c := range []struct {
		p    Profile
		want string
	}{
		{Profile{}, "none"},
		{Profile{TLS: &TLS{}}, "tls"},
		{Profile{TLS: &TLS{CertFile: "c.pem"}}, "mtls"},
		{Profile{SASL: &SASL{Mechanism: "scram-sha-512"}, TLS: &TLS{}}, "SCRAM-SHA-512+tls"},
	} {
		if got := c.p.Auth(); got != c.want {
			t.Errorf("%+v: %q, want %q", c.p, got, c.want)
		}
	}
}
