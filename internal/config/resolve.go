package config

import (
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/spf13/pflag"
	"github.com/spf13/viper"
)

// Setting names shared by flags, STREAMCTL_* variables and viper keys.
const (
	KeyConfig  = "config"
	KeyProfile = "profile"
	KeyBrokers = "brokers"
	KeyTimeout = "timeout"
)

// NewSettings binds the global flags and their STREAMCTL_* variables into a
// fresh viper instance (never the global one), so flag > env holds for each.
func NewSettings(flags *pflag.FlagSet) *viper.Viper {
	v := viper.New()
	for _, key := range []string{KeyConfig, KeyProfile, KeyBrokers, KeyTimeout} {
		_ = v.BindEnv(key, "STREAMCTL_"+strings.ToUpper(key))
		if f := flags.Lookup(key); f != nil {
			_ = v.BindPFlag(key, f)
		}
	}
	return v
}

// ConfigPath is the config file in use: --config, STREAMCTL_CONFIG, or the default.
func ConfigPath(v *viper.Viper) string {
	if p := v.GetString(KeyConfig); p != "" {
		return p
	}
	return DefaultPath()
}

// Cluster is a fully resolved connection: the profile with flags and
// environment applied and the secret read.
type Cluster struct {
	Profile    string // the profile name; empty when only flags or env were used
	Brokers    []string
	Timeout    time.Duration
	SASL       *SASL
	TLS        *TLS
	Properties map[string]string // profile properties with -X on top

	password     string
	clientSecret string          // sasl.oauthbearer's client secret
	token        string          // sasl.oauthbearer's token (method token), as first read
	fromFlag     map[string]bool // properties given with -X
	// brokersSet: the brokers are not the profile's (--brokers,
	// STREAMCTL_BROKERS, -X bootstrap.servers), so its name is not the
	// cluster's.
	brokersSet bool
}

// bootstrapKeys are librdkafka's names for the brokers to bootstrap from.
var bootstrapKeys = []string{"metadata.broker.list", "bootstrap.servers"}

// PropertySource says where property k was set, for error messages: "-X"
// or the profile's properties.
func (c *Cluster) PropertySource(k string) string {
	if c.fromFlag[k] {
		return "-X"
	}
	return fmt.Sprintf("profile %q property", c.Profile)
}

// Resolve picks the profile (--profile, STREAMCTL_PROFILE, current_profile)
// and applies flags and environment over it. extra holds -X properties. warn
// receives warnings for stderr.
func Resolve(v *viper.Viper, f *File, extra map[string]string, warn func(string)) (*Cluster, error) {
	name, p, err := f.selected(v)
	if err != nil {
		return nil, err
	}
	if p == nil {
		p = &Profile{}
	}
	c := &Cluster{Profile: name, SASL: p.SASL, TLS: p.TLS, Properties: map[string]string{}, fromFlag: map[string]bool{}}
	for k, val := range p.Properties {
		c.Properties[k] = val
	}
	for k, val := range extra {
		c.Properties[k] = val
		c.fromFlag[k] = true
	}

	// The brokers are Brokers only, so that messages name the ones in use:
	// -X bootstrap.servers (the most specific flag) wins over --brokers
	// and STREAMCTL_BROKERS, and a profile's bootstrap.servers property
	// over its brokers list, as librdkafka would have applied them.
	var flagBootstrap []string
	profileBrokers := p.Brokers
	for _, k := range bootstrapKeys {
		if val, ok := c.Properties[k]; ok {
			if c.fromFlag[k] {
				flagBootstrap = SplitList([]string{val})
			} else {
				profileBrokers = SplitList([]string{val})
			}
			delete(c.Properties, k)
		}
	}
	v.SetDefault(KeyBrokers, profileBrokers)
	c.Brokers = SplitList(v.GetStringSlice(KeyBrokers))
	if flagBootstrap != nil {
		c.Brokers = flagBootstrap
	}
	c.brokersSet = !slices.Equal(c.Brokers, SplitList(profileBrokers))
	if len(c.Brokers) == 0 {
		return nil, fmt.Errorf("no brokers to connect to: pass --brokers host:port, set STREAMCTL_BROKERS, or create a profile with `streamctl profile create NAME --brokers host:port` (`streamctl playground` starts a local one)")
	}

	v.SetDefault(KeyTimeout, DefaultTimeout)
	if p.Timeout > 0 {
		v.SetDefault(KeyTimeout, time.Duration(p.Timeout))
	}
	c.Timeout = v.GetDuration(KeyTimeout)
	if c.Timeout <= 0 {
		return nil, fmt.Errorf("timeout %q: want a positive duration such as 10s", v.GetString(KeyTimeout))
	}

	if s := c.SASL; s != nil {
		pw, err := secret("sasl.password", s.Password, s.PasswordEnv, s.PasswordFile, warn)
		if err != nil {
			return nil, fmt.Errorf("profile %q: %w", name, err)
		}
		c.password = pw
		if o := s.OAuthBearer; o != nil {
			if c.clientSecret, err = secret("sasl.oauthbearer.client_secret", o.ClientSecret, o.ClientSecretEnv, o.ClientSecretFile, warn); err != nil {
				return nil, fmt.Errorf("profile %q: %w", name, err)
			}
			if c.token, err = secret("sasl.oauthbearer.token", o.Token, o.TokenEnv, o.TokenFile, warn); err != nil {
				return nil, fmt.Errorf("profile %q: %w", name, err)
			}
		}
		if c.SASL.Password != "" || (s.OAuthBearer != nil && s.OAuthBearer.ClientSecret+s.OAuthBearer.Token != "") {
			warnIfShared(f.path, "config file", warn)
		}
	}
	return c, nil
}

// selected returns the profile a command uses: --profile, else
// STREAMCTL_PROFILE, else the current profile; nil when there is none.
func (f *File) selected(v *viper.Viper) (string, *Profile, error) {
	name := v.GetString(KeyProfile)
	if name == "" {
		name = f.CurrentProfile
	}
	if name == "" {
		return "", nil, nil
	}
	p, err := f.Profile(name)
	if err != nil {
		return "", nil, err
	}
	if err := p.Validate(); err != nil {
		return "", nil, fmt.Errorf("profile %q in %s: %w", name, f.path, err)
	}
	return name, p, nil
}

// secret reads a secret from where the profile says it is: in the file
// (value), an environment variable or a file. field names it in errors,
// e.g. "sasl.password".
func secret(field, value, env, file string, warn func(string)) (string, error) {
	switch {
	case env != "":
		pw, ok := os.LookupEnv(env)
		if !ok {
			return "", fmt.Errorf("%s_env names %s, which is not set", field, env)
		}
		return pw, nil
	case file != "":
		data, err := os.ReadFile(file)
		if err != nil {
			return "", fmt.Errorf("%s_file: %w", field, err)
		}
		warnIfShared(file, "secret file", warn)
		return strings.TrimRight(string(data), "\r\n"), nil
	}
	return value, nil
}

// warnIfShared warns when a file holding a secret can be read by group or others.
func warnIfShared(path, what string, warn func(string)) {
	st, err := os.Stat(path)
	if err != nil || warn == nil {
		return
	}
	if st.Mode().Perm()&0o077 != 0 {
		warn(fmt.Sprintf("%s %s holds a secret and is readable by group or others (mode %04o); run: chmod 600 %s", what, path, st.Mode().Perm(), path))
	}
}

// Secrets lists the secret values that must never reach output or logs.
func (c *Cluster) Secrets() []string {
	var out []string
	for _, s := range []string{c.password, c.clientSecret, c.token} {
		if s != "" {
			out = append(out, s)
		}
	}
	for k, v := range c.Properties {
		if IsSensitiveProperty(k) && v != "" {
			out = append(out, v)
		}
	}
	return out
}

// Password is the SASL password, read from where the profile says.
func (c *Cluster) Password() string { return c.password }

// ClientSecret is sasl.oauthbearer's client secret, read from where the
// profile says.
func (c *Cluster) ClientSecret() string { return c.clientSecret }

// Token is sasl.oauthbearer's token (method token) as Resolve read it; a
// token_file is read again by whoever needs a newer one.
func (c *Cluster) Token() string { return c.token }

// Mechanism is the SASL mechanism in use: the profile's sasl section, else
// librdkafka's sasl.mechanisms (or sasl.mechanism) from -X or properties.
func (c *Cluster) Mechanism() string {
	if c.SASL != nil {
		return strings.ToUpper(c.SASL.Mechanism)
	}
	for _, k := range []string{"sasl.mechanisms", "sasl.mechanism"} {
		if m := c.Properties[k]; m != "" {
			return strings.ToUpper(m)
		}
	}
	return ""
}

// User is the SASL user: the profile's (an OIDC client's id), else
// sasl.username from -X or properties.
func (c *Cluster) User() string {
	if c.SASL == nil {
		return c.Properties["sasl.username"]
	}
	if o := c.SASL.OAuthBearer; o != nil && o.ClientID != "" {
		return o.ClientID
	}
	return c.SASL.Username
}

// Name is how messages refer to the cluster: the profile name, else (or
// when other brokers were given) the brokers.
func (c *Cluster) Name() string {
	if c.Profile != "" && !c.brokersSet {
		return c.Profile
	}
	return strings.Join(c.Brokers, ",")
}

// SplitList flattens comma-separated items ("a:9092,b:9092") and drops blanks.
func SplitList(items []string) []string {
	var out []string
	for _, item := range items {
		for _, s := range strings.Split(item, ",") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}

// ParseProperties turns -X key=value pairs into a map.
func ParseProperties(pairs []string) (map[string]string, error) {
	m := map[string]string{}
	for _, kv := range pairs {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("-X %q: want key=value, e.g. -X client.id=ops", kv)
		}
		m[k] = v
	}
	return m, nil
}

// SortedKeys returns a map's keys in order, for stable output.
func SortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// ResolveProfile resolves another profile of the file by name, as the
// second cluster of a command that works on two (replay --to-profile). The
// flags and STREAMCTL_* variables that pick and override the active
// profile (--brokers, -X, STREAMCTL_BROKERS) are the active one's and do
// not apply; timeout, when not zero, is --timeout's.
func ResolveProfile(f *File, name string, timeout time.Duration, warn func(string)) (*Cluster, error) {
	c, err := Resolve(profileSettings(name, timeout), f, nil, warn)
	if err != nil {
		return nil, err
	}
	if c.Profile == "" {
		return nil, fmt.Errorf("profile %q not found", name)
	}
	return c, nil
}

// ResolveProfileRegistry is ResolveRegistry for another profile of the
// file by name, without --registry-url and STREAMCTL_SCHEMA_REGISTRY_URL
// (the active profile's).
func ResolveProfileRegistry(f *File, name string, timeout time.Duration, warn func(string)) (*Registry, error) {
	return resolveRegistry(profileSettings(name, timeout), f, "", false, warn)
}

func profileSettings(name string, timeout time.Duration) *viper.Viper {
	v := viper.New()
	v.Set(KeyProfile, name)
	if timeout > 0 {
		v.Set(KeyTimeout, timeout)
	}
	return v
}
