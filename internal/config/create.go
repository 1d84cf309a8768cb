package config

import (
	"fmt"
	"strings"
	"time"

	"github.com/streamctl/streamctl/internal/exitcode"
)

// ProfileRequest is a profile as `profile create` is asked for it.
type ProfileRequest struct {
	Brokers      []string
	Mechanism    string
	Username     string
	PasswordEnv  string
	PasswordFile string
	// ReadPassword, when set, reads the password to store in the profile
	// (--password-stdin); it is asked only for a profile with SASL.
	ReadPassword func() (string, error)
	OIDC         OAuthBearer // --oidc-* and --oauth-token-*: where OAUTHBEARER tokens come from
	OIDCExt      []string    // --oidc-extension key=value
	TLS          bool
	CAFile       string
	CertFile     string
	KeyFile      string
	Insecure     bool
	Timeout      time.Duration
	Properties   []string // --set key=value
	RegistryURL  string
}

// fileFlags are the flags of profile create that name files, by profile
// key.
var fileFlags = map[string]string{"tls.ca_file": "--ca-file", "tls.cert_file": "--cert-file", "tls.key_file": "--key-file"}

// Profile builds and checks the requested profile: OAUTHBEARER flags imply
// the mechanism, a CA or client certificate implies TLS, and the files it
// names must be readable. A bad value is a usage error.
func (r *ProfileRequest) Profile() (*Profile, error) {
	if len(r.Brokers) == 0 {
		return nil, exitcode.UsageError("--brokers host:port,... is required")
	}
	p := &Profile{Brokers: r.Brokers, Timeout: Duration(r.Timeout)}
	oidc, err := r.oauthBearer()
	if err != nil {
		return nil, err
	}
	mechanism := r.Mechanism
	if oidc != nil && mechanism == "" {
		mechanism = "OAUTHBEARER"
	}
	if mechanism != "" {
		p.SASL = &SASL{Mechanism: strings.ToUpper(mechanism), Username: r.Username,
			PasswordEnv: r.PasswordEnv, PasswordFile: r.PasswordFile, OAuthBearer: oidc}
		if r.ReadPassword != nil {
			if p.SASL.Password, err = r.ReadPassword(); err != nil {
				return nil, err
			}
		}
	}
	if r.TLS || r.CAFile != "" || r.CertFile != "" || r.Insecure {
		p.TLS = &TLS{CAFile: r.CAFile, CertFile: r.CertFile, KeyFile: r.KeyFile, InsecureSkipVerify: r.Insecure}
	}
	if r.RegistryURL != "" {
		p.SchemaRegistry = &SchemaRegistry{URL: r.RegistryURL}
	}
	props, err := ParseProperties(r.Properties)
	if err != nil {
		return nil, exitcode.WithCode(exitcode.Usage, err)
	}
	if len(props) > 0 {
		p.Properties = props
	}
	if err := p.Validate(); err != nil {
		return nil, exitcode.WithCode(exitcode.Usage, err)
	}
	files := p.TLSFiles()
	for _, key := range SortedKeys(files) {
		if err := CheckFile(files[key]); err != nil {
			return nil, exitcode.UsageError("%s: %v", fileFlags[key], err)
		}
	}
	return p, nil
}

// oauthBearer is the sasl.oauthbearer block the --oidc-* and
// --oauth-token-* flags describe; nil when none is given.
func (r *ProfileRequest) oauthBearer() (*OAuthBearer, error) {
	o := r.OIDC
	token := o.TokenFile != "" || o.TokenEnv != ""
	if !token && o.TokenEndpoint == "" && o.ClientID == "" && o.ClientSecretEnv == "" && o.ClientSecretFile == "" && o.Scope == "" && len(r.OIDCExt) == 0 {
		return nil, nil
	}
	o.Method = "oidc"
	if token {
		o.Method = "token" // with --oidc-* too, Validate says which flags do not go together
	}
	if len(r.OIDCExt) > 0 {
		o.Extensions = map[string]string{}
		for _, kv := range r.OIDCExt {
			k, v, ok := strings.Cut(kv, "=")
			if !ok || k == "" {
				return nil, exitcode.UsageError("--oidc-extension %q: want key=value, e.g. --oidc-extension logicalCluster=lkc-1", kv)
			}
			o.Extensions[k] = v
		}
	}
	return &o, nil
}

// CanAdd refuses to replace profile name unless force.
func (f *File) CanAdd(name string, force bool) error {
	if _, exists := f.Profiles[name]; exists && !force {
		return fmt.Errorf("profile %q already exists in %s (use --force to replace it, or `streamctl profile set`)", name, f.Path())
	}
	return nil
}

// Add puts profile p in the file under name and makes it current with use
// or when no profile is. It reports whether p is the current profile.
func (f *File) Add(name string, p *Profile, use bool) bool {
	if f.Profiles == nil {
		f.Profiles = map[string]*Profile{}
	}
	f.Profiles[name] = p
	if use || f.CurrentProfile == "" {
		f.CurrentProfile = name
	}
	return f.CurrentProfile == name
}

// Auth says how a profile authenticates, as `profile list` shows it:
// none, tls, mtls, the SASL mechanism, or the mechanism+tls.
func (p *Profile) Auth() string {
	var parts []string
	if p.SASL != nil {
		parts = append(parts, strings.ToUpper(p.SASL.Mechanism))
	}
	if p.TLS.On() {
		if p.TLS.CertFile != "" {
			parts = append(parts, "mtls")
		} else {
			parts = append(parts, "tls")
		}
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, "+")
}
