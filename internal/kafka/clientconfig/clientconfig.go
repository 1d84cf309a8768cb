// Package clientconfig is the one place where a resolved profile (file,
// environment, flags and -X properties: a config.Cluster) becomes the
// configuration of each Kafka engine streamctl uses: librdkafka's
// properties, for confluent-kafka-go's handles and for our own librdkafka
// binding alike, and franz-go's options for the protocol requests librdkafka
// lacks. The librdkafka properties are the canonical form: every profile
// field is first written as the librdkafka property it means, -X goes on
// top, and franz-go's options are translated from the result, so both
// engines read one configuration with one set of rules.
//
// What no engine can do is refused up front by New, naming the setting, on
// every command alike (GSSAPI, an OAUTHBEARER mechanism with no token
// source). A connection property that only franz-go cannot honour is named
// by FranzGo, which only the commands that need franz-go call.
//
// Pure Go, no cgo: the engines' packages import it, not the other way round.
package clientconfig

import (
	"fmt"
	"maps"
	"strings"
	"sync"

	"github.com/streamctl/streamctl/internal/config"
)

// Config is one cluster's client configuration for every engine.
type Config struct {
	cluster *config.Cluster
	props   map[string]string

	tokensOnce sync.Once
	tokens     *TokenSource
}

// New resolves the cluster's client configuration, refusing what no engine
// can connect with.
func New(c *config.Cluster) (*Config, error) {
	cfg := &Config{cluster: c, props: librdkafka(c)}
	if err := cfg.check(); err != nil {
		return nil, err
	}
	return cfg, nil
}

// Cluster is the resolved profile the configuration comes from.
func (c *Config) Cluster() *config.Cluster { return c.cluster }

// Librdkafka returns librdkafka's properties (a copy): for confluent-kafka-go's
// ConfigMap and for our binding's rd_kafka_conf_t.
func (c *Config) Librdkafka() map[string]string { return maps.Clone(c.props) }

// Defaults are the librdkafka properties every handle starts from, under
// the profile's and -X (which win).
func Defaults() map[string]string {
	return map[string]string{
		// librdkafka drops the bootstrap connection after the first
		// metadata and connects to a broker it learned of no sooner than
		// reconnect.backoff.ms / 2 later (at least 11 ms; 50 ms with the
		// default 100). Every handle waited that long for its first
		// request: a produce for its first batch (one idempotent record:
		// 80 ms, 40 ms with 20), the admin handle for a group's coordinator
		// and the offsets handle once more (group describe --all of 50
		// groups: 0.13-0.19 s, 0.10-0.12 s with 20). A broker that stays
		// away is still retried with the backoff doubling up to
		// reconnect.backoff.max.ms (10 s).
		"reconnect.backoff.ms": "20",
	}
}

// librdkafka writes the profile's fields as the librdkafka properties they
// mean, with the profile's properties and -X on top.
func librdkafka(c *config.Cluster) map[string]string {
	m := map[string]string{"bootstrap.servers": strings.Join(c.Brokers, ",")}
	sasl, tls := c.SASL != nil, c.TLS.On()
	switch {
	case sasl && tls:
		m["security.protocol"] = "SASL_SSL"
	case sasl:
		m["security.protocol"] = "SASL_PLAINTEXT"
	case tls:
		m["security.protocol"] = "SSL"
	}
	if sasl {
		m["sasl.mechanisms"] = strings.ToUpper(c.SASL.Mechanism)
		setIf(m, "sasl.username", c.SASL.Username)
		setIf(m, "sasl.password", c.Password())
		// method token has no librdkafka property: the handles get their
		// tokens from Tokens.
		if o := c.SASL.OAuthBearer; o != nil && strings.EqualFold(o.Method, "oidc") {
			m["sasl.oauthbearer.method"] = "oidc"
			m["sasl.oauthbearer.token.endpoint.url"] = o.TokenEndpoint
			m["sasl.oauthbearer.client.id"] = o.ClientID
			m["sasl.oauthbearer.client.secret"] = c.ClientSecret()
			setIf(m, "sasl.oauthbearer.scope", o.Scope)
			if len(o.Extensions) > 0 {
				var ext []string
				for _, k := range config.SortedKeys(o.Extensions) {
					ext = append(ext, k+"="+o.Extensions[k])
				}
				m["sasl.oauthbearer.extensions"] = strings.Join(ext, ",")
			}
		}
	}
	if tls {
		setIf(m, "ssl.ca.location", c.TLS.CAFile)
		setIf(m, "ssl.certificate.location", c.TLS.CertFile)
		setIf(m, "ssl.key.location", c.TLS.KeyFile)
		if c.TLS.InsecureSkipVerify {
			m["enable.ssl.certificate.verification"] = "false"
			m["ssl.endpoint.identification.algorithm"] = "none"
		}
	}
	for k, v := range c.Properties {
		m[k] = v
	}
	return m
}

func setIf(m map[string]string, k, v string) {
	if v != "" {
		m[k] = v
	}
}

// protocol is security.protocol, upper case; "PLAINTEXT" when unset.
func (c *Config) protocol() string {
	if p := strings.ToUpper(c.props["security.protocol"]); p != "" {
		return p
	}
	return "PLAINTEXT"
}

// mechanism is the SASL mechanism librdkafka uses: sasl.mechanisms (or its
// alias sasl.mechanism), else librdkafka's default, GSSAPI.
func (c *Config) mechanism() string {
	for _, k := range []string{"sasl.mechanisms", "sasl.mechanism"} {
		if v := c.props[k]; v != "" {
			return strings.ToUpper(v)
		}
	}
	return "GSSAPI"
}

// setting names where a property came from, for messages: the profile's
// field when a field wrote it, else -X or the profile's properties.
func (c *Config) setting(k string) string {
	if _, ok := c.cluster.Properties[k]; ok {
		return c.cluster.PropertySource(k) + " " + k
	}
	return "property " + k
}

// refusedEverywhere are the librdkafka settings one engine cannot honour
// and no command does without: refused up front on every command, so that
// no command connects differently from another.
var refusedEverywhere = map[string]string{
	"ssl.engine.location": "an OpenSSL engine, which franz-go (Go's TLS) cannot load",
	"ssl.engine.id":       "an OpenSSL engine, which franz-go (Go's TLS) cannot load",
	"ssl.providers":       "OpenSSL providers, which franz-go (Go's TLS) cannot load",
	"ssl.sigalgs.list":    "Go's TLS, which franz-go uses, cannot restrict the signature algorithms",
}

// check refuses what no engine can connect with, by name.
func (c *Config) check() error {
	for _, k := range config.SortedKeys(refusedEverywhere) {
		if _, set := c.props[k]; set {
			return fmt.Errorf("%s is not supported: %s, and every command must connect the same way", c.setting(k), refusedEverywhere[k])
		}
	}
	if v := c.props["client.dns.lookup"]; v != "" && v != "use_all_dns_ips" {
		return fmt.Errorf("%s=%s is not supported: franz-go, which some commands use, resolves each broker's own name (use_all_dns_ips), and every command must connect the same way", c.setting("client.dns.lookup"), v)
	}
	switch p := c.protocol(); p {
	case "PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL":
	default:
		return fmt.Errorf("%s=%s: want one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL", c.setting("security.protocol"), c.props["security.protocol"])
	}
	if !strings.HasPrefix(c.protocol(), "SASL_") {
		return nil
	}
	switch mech := c.mechanism(); mech {
	case "GSSAPI":
		if c.props["sasl.mechanisms"] == "" && c.props["sasl.mechanism"] == "" {
			return fmt.Errorf("security.protocol %s with no SASL mechanism means GSSAPI, librdkafka's default: %s; set sasl.mechanism in the profile", c.protocol(), config.ErrGSSAPI)
		}
		key := "sasl.mechanisms"
		if c.props[key] == "" {
			key = "sasl.mechanism"
		}
		return fmt.Errorf("%s=%s: %s", c.setting(key), c.props[key], config.ErrGSSAPI)
	case "PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512":
	case "OAUTHBEARER":
		return c.checkOAuth()
	default:
		return fmt.Errorf("SASL mechanism %s is not one of %s", mech, strings.Join(config.Mechanisms, ", "))
	}
	return nil
}

// fileProperties are librdkafka's properties that name a file to read
// (certificates, keys, key stores, CRLs).
var fileProperties = []string{"ssl.ca.location", "ssl.certificate.location", "ssl.key.location", "ssl.keystore.location", "ssl.crl.location"}

// profileFileKeys are the profile keys that become those properties.
var profileFileKeys = map[string]string{"ssl.ca.location": "tls.ca_file", "ssl.certificate.location": "tls.cert_file", "ssl.key.location": "tls.key_file"}

// CheckFiles names a certificate or key file that cannot be read, and
// where it was set, before librdkafka says it in OpenSSL's words
// ("ssl.ca.location failed: error:05880002:x509 certificate routines::system
// lib"). Connecting calls it; New does not, so the configuration itself can
// be worked out (and tested) without the files.
func (c *Config) CheckFiles() error {
	for _, k := range fileProperties {
		path := c.props[k]
		if path == "" || (k == "ssl.ca.location" && path == "probe") {
			continue
		}
		if err := config.CheckFile(path); err != nil {
			if _, isProp := c.cluster.Properties[k]; isProp {
				return fmt.Errorf("%s: %w", c.setting(k), err)
			}
			return fmt.Errorf("profile %q: %s: %w", c.cluster.Profile, profileFileKeys[k], err)
		}
	}
	return nil
}
