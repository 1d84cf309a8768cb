// Package config owns cluster profiles: the YAML file that holds them, which
// profile and settings win (flag > env > profile > default), secret resolution
// and redaction, and the librdkafka properties a resolved profile turns into.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// DefaultTimeout bounds every request to the cluster unless a profile,
// STREAMCTL_TIMEOUT or --timeout says otherwise.
const DefaultTimeout = 10 * time.Second

// File is the config file: a current profile and the profiles by name.
type File struct {
	CurrentProfile string              `yaml:"current_profile,omitempty" json:"current_profile,omitempty"`
	Profiles       map[string]*Profile `yaml:"profiles,omitempty" json:"profiles,omitempty"`

	path string // where it was read from and is written back to
}

// Profile is everything needed to reach one cluster.
type Profile struct {
	Brokers    []string          `yaml:"brokers,omitempty" json:"brokers,omitempty"`
	SASL       *SASL             `yaml:"sasl,omitempty" json:"sasl,omitempty"`
	TLS        *TLS              `yaml:"tls,omitempty" json:"tls,omitempty"`
	Properties map[string]string `yaml:"properties,omitempty" json:"properties,omitempty"`
	Timeout    Duration          `yaml:"timeout,omitempty" json:"timeout,omitempty"`
	// SchemaRegistry is where --decode and produce's schema flags find schemas.
	SchemaRegistry *SchemaRegistry `yaml:"schema_registry,omitempty" json:"schema_registry,omitempty"`
}

// SASL authentication. Exactly one of Password, PasswordEnv and PasswordFile
// gives the secret.
type SASL struct {
	Mechanism    string `yaml:"mechanism,omitempty" json:"mechanism,omitempty"`
	Username     string `yaml:"username,omitempty" json:"username,omitempty"`
	Password     string `yaml:"password,omitempty" json:"password,omitempty"`
	PasswordEnv  string `yaml:"password_env,omitempty" json:"password_env,omitempty"`
	PasswordFile string `yaml:"password_file,omitempty" json:"password_file,omitempty"`
	// OAuthBearer says where OAUTHBEARER tokens come from.
	OAuthBearer *OAuthBearer `yaml:"oauthbearer,omitempty" json:"oauthbearer,omitempty"`
}

// OAuthBearer is the `sasl.oauthbearer` block: where OAUTHBEARER tokens come
// from. Method oidc: from an OpenID Connect provider's token endpoint (OAuth
// client credentials grant), as librdkafka's sasl.oauthbearer.method=oidc
// gets them; exactly one of ClientSecret, ClientSecretEnv and
// ClientSecretFile gives the secret. Method token: a token obtained
// elsewhere, in exactly one of Token, TokenEnv and TokenFile (read again
// before the last one read expires, so a file that is kept fresh, such as a
// Kubernetes projected token, keeps working).
type OAuthBearer struct {
	Method           string            `yaml:"method,omitempty" json:"method,omitempty"`
	Token            string            `yaml:"token,omitempty" json:"token,omitempty"`
	TokenEnv         string            `yaml:"token_env,omitempty" json:"token_env,omitempty"`
	TokenFile        string            `yaml:"token_file,omitempty" json:"token_file,omitempty"`
	TokenEndpoint    string            `yaml:"token_endpoint,omitempty" json:"token_endpoint,omitempty"`
	ClientID         string            `yaml:"client_id,omitempty" json:"client_id,omitempty"`
	ClientSecret     string            `yaml:"client_secret,omitempty" json:"client_secret,omitempty"`
	ClientSecretEnv  string            `yaml:"client_secret_env,omitempty" json:"client_secret_env,omitempty"`
	ClientSecretFile string            `yaml:"client_secret_file,omitempty" json:"client_secret_file,omitempty"`
	Scope            string            `yaml:"scope,omitempty" json:"scope,omitempty"`
	Extensions       map[string]string `yaml:"extensions,omitempty" json:"extensions,omitempty"`
}

// OAuthBearerMethods lists the values of sasl.oauthbearer.method.
var OAuthBearerMethods = []string{"oidc", "token"}

// validate checks the block on its own (the mechanism is checked by the caller).
func (o *OAuthBearer) validate() error {
	if o.Method == "" {
		return errors.New("sasl.oauthbearer.method: say where tokens come from (method: oidc, or token)")
	}
	if !contains(OAuthBearerMethods, strings.ToLower(o.Method)) {
		return fmt.Errorf("sasl.oauthbearer.method %q is not one of %s", o.Method, strings.Join(OAuthBearerMethods, ", "))
	}
	if err := o.checkExtensions(); err != nil {
		return err
	}
	oidc := o.TokenEndpoint != "" || o.ClientID != "" || count(o.ClientSecret, o.ClientSecretEnv, o.ClientSecretFile, o.Scope) > 0
	if strings.EqualFold(o.Method, "token") {
		if oidc {
			return errors.New("sasl.oauthbearer: method token takes a token (token_file, token_env or token), not token_endpoint, client_id, client_secret or scope")
		}
		switch count(o.Token, o.TokenEnv, o.TokenFile) {
		case 0:
			return errors.New("sasl.oauthbearer: method token needs the token: token_file, token_env or token")
		case 1:
			return nil
		default:
			return errors.New("sasl.oauthbearer: give the token as only one of token, token_env and token_file")
		}
	}
	if count(o.Token, o.TokenEnv, o.TokenFile) > 0 {
		return errors.New("sasl.oauthbearer: method oidc gets its tokens from token_endpoint; token, token_env and token_file are for method token")
	}
	if o.TokenEndpoint == "" {
		return errors.New("sasl.oauthbearer: method oidc needs token_endpoint, the provider's OAuth token URL")
	}
	if err := checkRegistryURL(o.TokenEndpoint); err != nil {
		return fmt.Errorf("sasl.oauthbearer.token_endpoint: %w", err)
	}
	if o.ClientID == "" {
		return errors.New("sasl.oauthbearer: method oidc needs client_id")
	}
	switch count(o.ClientSecret, o.ClientSecretEnv, o.ClientSecretFile) {
	case 0:
		return errors.New("sasl.oauthbearer: method oidc needs the client secret: client_secret_env, client_secret_file or client_secret")
	case 1:
	default:
		return errors.New("sasl.oauthbearer: give the client secret as only one of client_secret, client_secret_env and client_secret_file")
	}
	return nil
}

func (o *OAuthBearer) checkExtensions() error {
	for k := range o.Extensions {
		// librdkafka's sasl.oauthbearer.extensions is "k=v,k=v"; RFC 7628
		// keys are letters only.
		if k == "" || k == "auth" || strings.ContainsAny(k, "=, \x01") {
			return fmt.Errorf("sasl.oauthbearer.extensions: %q is not a valid extension name", k)
		}
	}
	return nil
}

// TLS settings. A non-nil TLS block turns TLS on unless Enabled is false.
type TLS struct {
	Enabled            *bool  `yaml:"enabled,omitempty" json:"enabled,omitempty"`
	CAFile             string `yaml:"ca_file,omitempty" json:"ca_file,omitempty"`
	CertFile           string `yaml:"cert_file,omitempty" json:"cert_file,omitempty"`
	KeyFile            string `yaml:"key_file,omitempty" json:"key_file,omitempty"`
	ServerName         string `yaml:"server_name,omitempty" json:"server_name,omitempty"`
	InsecureSkipVerify bool   `yaml:"insecure_skip_verify,omitempty" json:"insecure_skip_verify,omitempty"`
}

// On reports whether the block enables TLS.
func (t *TLS) On() bool { return t != nil && (t.Enabled == nil || *t.Enabled) }

// Duration is a time.Duration written as "10s" in YAML and JSON.
type Duration time.Duration

func (d Duration) MarshalYAML() (any, error) {
	if d == 0 {
		return nil, nil
	}
	return time.Duration(d).String(), nil
}

func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := time.ParseDuration(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: timeout %q: want a duration such as 10s or 1m", n.Line, n.Value)
	}
	*d = Duration(v)
	return nil
}

func (d Duration) MarshalText() ([]byte, error) { return []byte(time.Duration(d).String()), nil }

// Mechanisms lists the SASL mechanisms a profile may name.
var Mechanisms = []string{"PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512", "OAUTHBEARER"}

// ErrGSSAPI is why a profile or property asking for SASL GSSAPI is refused.
const ErrGSSAPI = "SASL GSSAPI (Kerberos) is not supported: the librdkafka bundled in confluent-kafka-go, which streamctl is built with, has no Kerberos (libsasl2) support; use SCRAM, OAUTHBEARER or mutual TLS"

// DefaultPath is where the config file lives unless --config or
// STREAMCTL_CONFIG says otherwise.
func DefaultPath() string {
	if dir := os.Getenv("XDG_CONFIG_HOME"); dir != "" {
		return filepath.Join(dir, "streamctl", "config.yaml")
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return filepath.Join(".config", "streamctl", "config.yaml")
	}
	return filepath.Join(home, ".config", "streamctl", "config.yaml")
}

// Load reads the config file at path. A missing file is an empty config, so
// --brokers works with no file at all.
func Load(path string) (*File, error) {
	f := &File{path: path}
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return f, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading config file: %w", err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)                                            // a misspelt key is a mistake worth reporting
	if err := dec.Decode(f); err != nil && !errors.Is(err, io.EOF) { // io.EOF: an empty file
		return nil, fmt.Errorf("config file %s: %w", path, yamlError(err))
	}
	for name, p := range f.Profiles {
		if p == nil {
			f.Profiles[name] = &Profile{}
		}
	}
	return f, nil
}

// Path is the file this config is read from and saved to.
func (f *File) Path() string { return f.path }

// Names returns the profile names, sorted.
func (f *File) Names() []string {
	names := make([]string, 0, len(f.Profiles))
	for n := range f.Profiles {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Profile returns the named profile or an error that lists the known ones.
func (f *File) Profile(name string) (*Profile, error) {
	if p, ok := f.Profiles[name]; ok {
		return p, nil
	}
	known := "no profiles exist yet; create one with `streamctl profile create`"
	if names := f.Names(); len(names) > 0 {
		known = "known profiles: " + strings.Join(names, ", ")
	}
	return nil, fmt.Errorf("profile %q not found in %s (%s)", name, f.path, known)
}

// Save writes the file atomically (temp file and rename) with mode 0600,
// because profiles may hold secrets.
func (f *File) Save() error {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(f); err != nil {
		return err
	}
	path := f.path
	if target, err := filepath.EvalSymlinks(path); err == nil {
		path = target // write through a link (dotfiles), do not replace it
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("creating config directory: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".config-*.yaml")
	if err != nil {
		return fmt.Errorf("writing config file: %w", err)
	}
	defer os.Remove(tmp.Name()) // no-op after a successful rename
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(buf.Bytes()); err != nil {
		tmp.Close()
		return fmt.Errorf("writing config file: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("writing config file: %w", err)
	}
	return nil
}

// Validate checks a profile for mistakes that would otherwise surface as a
// confusing broker error.
func (p *Profile) Validate() error {
	if s := p.SASL; s != nil {
		if strings.EqualFold(s.Mechanism, "GSSAPI") {
			return errors.New("sasl.mechanism GSSAPI: " + ErrGSSAPI)
		}
		if !contains(Mechanisms, strings.ToUpper(s.Mechanism)) {
			return fmt.Errorf("sasl.mechanism %q is not one of %s", s.Mechanism, strings.Join(Mechanisms, ", "))
		}
		n := 0
		for _, v := range []string{s.Password, s.PasswordEnv, s.PasswordFile} {
			if v != "" {
				n++
			}
		}
		if n > 1 {
			return errors.New("sasl: give the password as only one of password, password_env and password_file")
		}
		if strings.ToUpper(s.Mechanism) != "OAUTHBEARER" && s.Username == "" {
			return fmt.Errorf("sasl: mechanism %s needs a username", s.Mechanism)
		}
		if o := s.OAuthBearer; o != nil {
			if strings.ToUpper(s.Mechanism) != "OAUTHBEARER" {
				return fmt.Errorf("sasl.oauthbearer is for mechanism OAUTHBEARER, not %s", s.Mechanism)
			}
			if err := o.validate(); err != nil {
				return err
			}
		}
	}
	if r := p.SchemaRegistry; r != nil {
		if err := r.validate(); err != nil {
			return err
		}
	}
	if t := p.TLS; t != nil {
		if (t.CertFile == "") != (t.KeyFile == "") {
			return errors.New("tls: mutual TLS needs both cert_file and key_file")
		}
		if t.ServerName != "" {
			// librdkafka verifies the broker's advertised host name and has no
			// override (librdkafka issue 3321); ignoring the setting would
			// verify against a name the user did not ask for.
			return errors.New("tls.server_name is not supported by librdkafka, which always verifies the broker's advertised host name; put that name in the certificate, or set insecure_skip_verify")
		}
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
