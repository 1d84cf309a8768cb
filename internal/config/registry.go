package config

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/spf13/viper"
)

// EnvRegistryURL names the schema registry when no --registry-url is given;
// it wins over the profile's schema_registry.url.
const EnvRegistryURL = "STREAMCTL_SCHEMA_REGISTRY_URL"

// ErrNoRegistry is returned when no schema registry is configured anywhere.
var ErrNoRegistry = errors.New("no schema registry")

// SchemaRegistry is a profile's `schema_registry` block: where the
// Confluent-compatible schema registry of the cluster is and how to log in.
// Basic auth (username with one of password, password_env, password_file)
// and a bearer token (one of token, token_env, token_file) exclude each
// other.
type SchemaRegistry struct {
	URL          string `yaml:"url,omitempty" json:"url,omitempty"`
	Username     string `yaml:"username,omitempty" json:"username,omitempty"`
	Password     string `yaml:"password,omitempty" json:"password,omitempty"`
	PasswordEnv  string `yaml:"password_env,omitempty" json:"password_env,omitempty"`
	PasswordFile string `yaml:"password_file,omitempty" json:"password_file,omitempty"`
	Token        string `yaml:"token,omitempty" json:"token,omitempty"`
	TokenEnv     string `yaml:"token_env,omitempty" json:"token_env,omitempty"`
	TokenFile    string `yaml:"token_file,omitempty" json:"token_file,omitempty"`
	TLS          *TLS   `yaml:"tls,omitempty" json:"tls,omitempty"`
}

// validate checks the block for mistakes the registry would only answer
// with a 401.
func (r *SchemaRegistry) validate() error {
	if r.URL != "" {
		if err := checkRegistryURL(r.URL); err != nil {
			return fmt.Errorf("schema_registry.url: %w", err)
		}
	}
	if count(r.Password, r.PasswordEnv, r.PasswordFile) > 1 {
		return errors.New("schema_registry: give the password as only one of password, password_env and password_file")
	}
	if count(r.Token, r.TokenEnv, r.TokenFile) > 1 {
		return errors.New("schema_registry: give the token as only one of token, token_env and token_file")
	}
	basic := r.Username != "" || count(r.Password, r.PasswordEnv, r.PasswordFile) > 0
	if basic && count(r.Token, r.TokenEnv, r.TokenFile) > 0 {
		return errors.New("schema_registry: use basic auth (username, password) or a bearer token, not both")
	}
	if basic && r.Username == "" {
		return errors.New("schema_registry: a password needs a username")
	}
	if t := r.TLS; t != nil && (t.CertFile == "") != (t.KeyFile == "") {
		return errors.New("schema_registry.tls: mutual TLS needs both cert_file and key_file")
	}
	return nil
}

func count(vals ...string) int {
	n := 0
	for _, v := range vals {
		if v != "" {
			n++
		}
	}
	return n
}

func checkRegistryURL(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return err
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q: want http://host:port or https://host:port (with any path, e.g. /apis/ccompat/v7)", s)
	}
	return nil
}

// Registry is a resolved schema registry connection: the profile's block
// with --registry-url or STREAMCTL_SCHEMA_REGISTRY_URL applied and the
// secrets read.
type Registry struct {
	URL      string
	Username string
	TLS      *TLS
	Profile  string        // where the settings came from; empty for flags or env only
	Timeout  time.Duration // of each request: --timeout, else the profile's, else the default

	password string
	token    string
}

// Password and Token are the resolved secrets, for the HTTP client only.
func (r *Registry) Password() string { return r.password }
func (r *Registry) Token() string    { return r.token }

// Secrets lists the values that must never reach output or logs.
func (r *Registry) Secrets() []string {
	var out []string
	for _, s := range []string{r.password, r.token} {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// ResolveRegistry finds the schema registry for this run: flagURL (from
// --registry-url), else STREAMCTL_SCHEMA_REGISTRY_URL, else the selected
// profile's schema_registry.url. Credentials and TLS come from the profile
// block, whichever URL wins: a flag points at another address of the same
// registry more often than at another registry.
func ResolveRegistry(v *viper.Viper, f *File, flagURL string, warn func(string)) (*Registry, error) {
	return resolveRegistry(v, f, flagURL, true, warn)
}

func resolveRegistry(v *viper.Viper, f *File, flagURL string, env bool, warn func(string)) (*Registry, error) {
	name, p, err := f.selected(v)
	if err != nil {
		return nil, err
	}
	block := &SchemaRegistry{}
	if p != nil && p.SchemaRegistry != nil {
		block = p.SchemaRegistry
	}
	if err := block.validate(); err != nil {
		return nil, fmt.Errorf("profile %q in %s: %w", name, f.path, err)
	}
	r := &Registry{URL: block.URL, Username: block.Username, TLS: block.TLS, Profile: name, Timeout: DefaultTimeout}
	if p != nil && p.Timeout > 0 {
		r.Timeout = time.Duration(p.Timeout)
	}
	if d := v.GetDuration(KeyTimeout); d > 0 {
		r.Timeout = d
	}
	from := fmt.Sprintf("profile %q", name)
	if u := os.Getenv(EnvRegistryURL); env && u != "" {
		r.URL, from = u, EnvRegistryURL
	}
	if flagURL != "" {
		r.URL, from = flagURL, "--registry-url"
	}
	if r.URL == "" {
		where := "add schema_registry.url to a profile (`streamctl profile set schema_registry.url URL`)"
		if name != "" {
			where = fmt.Sprintf("add schema_registry.url to profile %q (`streamctl profile set schema_registry.url URL`)", name)
		}
		return nil, fmt.Errorf("%w: pass --registry-url URL, set %s, or %s", ErrNoRegistry, EnvRegistryURL, where)
	}
	if err := checkRegistryURL(r.URL); err != nil {
		return nil, fmt.Errorf("%s: %w", from, err)
	}
	r.URL = strings.TrimRight(r.URL, "/")
	if r.password, err = secret("schema_registry.password", block.Password, block.PasswordEnv, block.PasswordFile, warn); err != nil {
		return nil, fmt.Errorf("profile %q: %w", name, err)
	}
	if r.token, err = secret("schema_registry.token", block.Token, block.TokenEnv, block.TokenFile, warn); err != nil {
		return nil, fmt.Errorf("profile %q: %w", name, err)
	}
	if block.Password != "" || block.Token != "" {
		warnIfShared(f.path, "config file", warn)
	}
	return r, nil
}

func (r *SchemaRegistry) set(key, value string) error {
	switch key {
	case "url":
		if value != "" {
			if err := checkRegistryURL(value); err != nil {
				return fmt.Errorf("schema_registry.url: %w", err)
			}
		}
		r.URL = value
	case "username":
		r.Username = value
	case "password", "password_env", "password_file":
		r.Password, r.PasswordEnv, r.PasswordFile = "", "", ""
		*map[string]*string{"password": &r.Password, "password_env": &r.PasswordEnv, "password_file": &r.PasswordFile}[key] = value
	case "token", "token_env", "token_file":
		r.Token, r.TokenEnv, r.TokenFile = "", "", ""
		*map[string]*string{"token": &r.Token, "token_env": &r.TokenEnv, "token_file": &r.TokenFile}[key] = value
	default:
		if tk, ok := strings.CutPrefix(key, "tls."); ok {
			if r.TLS == nil {
				r.TLS = &TLS{}
			}
			return r.TLS.set(tk, value)
		}
		return unknownKey("schema_registry." + key)
	}
	return nil
}

func (r *SchemaRegistry) redacted() *SchemaRegistry {
	c := *r
	if c.Password != "" {
		c.Password = Redacted
	}
	if c.Token != "" {
		c.Token = Redacted
	}
	return &c
}
