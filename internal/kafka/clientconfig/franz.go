package clientconfig

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/streamctl/streamctl/internal/config"
	"github.com/twmb/franz-go/pkg/sasl"
	"github.com/twmb/franz-go/pkg/sasl/oauth"
	"github.com/twmb/franz-go/pkg/sasl/plain"
	"github.com/twmb/franz-go/pkg/sasl/scram"
)

// How each librdkafka property reaches franz-go, which carries the admin
// requests librdkafka lacks (log dirs, reassignments, API versions per
// broker, cluster-wide configs, and the Kafka 4 requests).

// franzMapped are the properties FranzGo translates.
var franzMapped = setOf(
	"bootstrap.servers", "metadata.broker.list", "client.id", "security.protocol",
	"sasl.mechanism", "sasl.mechanisms", "sasl.username", "sasl.password",
	"enable.sasl.oauthbearer.unsecure.jwt", "sasl.oauthbearer.config",
	"sasl.oauthbearer.method", "sasl.oauthbearer.token.endpoint.url", "sasl.oauthbearer.client.id",
	"sasl.oauthbearer.client.secret", "sasl.oauthbearer.scope", "sasl.oauthbearer.extensions",
	"sasl.oauthbearer.grant.type", "https.ca.location", "https.ca.pem",
	"sasl.oauthbearer.assertion.file", "sasl.oauthbearer.assertion.algorithm", "sasl.oauthbearer.assertion.private.key.file",
	"sasl.oauthbearer.assertion.private.key.pem", "sasl.oauthbearer.assertion.private.key.passphrase",
	"sasl.oauthbearer.assertion.jwt.template.file", "sasl.oauthbearer.assertion.claim.sub", "sasl.oauthbearer.assertion.claim.iss",
	"sasl.oauthbearer.assertion.claim.aud", "sasl.oauthbearer.assertion.claim.exp.seconds",
	"sasl.oauthbearer.assertion.claim.nbf.seconds", "sasl.oauthbearer.assertion.claim.jti.include",
	"ssl.ca.location", "ssl.ca.pem", "ssl.certificate.location", "ssl.certificate.pem",
	"ssl.key.location", "ssl.key.pem", "ssl.key.password", "ssl.keystore.location", "ssl.keystore.password",
	"enable.ssl.certificate.verification", "ssl.endpoint.identification.algorithm",
	"socket.timeout.ms", "socket.connection.setup.timeout.ms", "connections.max.idle.ms",
	"metadata.max.age.ms", "retry.backoff.ms",
	"socket.keepalive.enable", // Go's dialer always sends TCP keep-alives
	"ssl.cipher.suites", "ssl.curves.list", "ssl.crl.location", "broker.address.family",
	"client.dns.lookup", // check refuses all but use_all_dns_ips, what Go does
	"client.software.name", "client.software.version",
)

// franzIrrelevant are connection-looking properties that change nothing
// about which brokers are reached or how the client authenticates, so the
// admin requests franz-go carries do without them: librdkafka's own
// logging, buffers and retry pacing, Kerberos settings while the mechanism
// is not GSSAPI (which New refuses), and defaults restated.
var franzIrrelevant = setOf(
	"debug", "log_level", "log.queue", "log.thread.name", "log.connection.close", "enable.random.seed",
	"statistics.interval.ms", "socket.send.buffer.bytes", "socket.receive.buffer.bytes", "socket.nagle.disable",
	"socket.max.fails", "broker.address.ttl", "retry.backoff.max.ms", "reconnect.backoff.ms", "reconnect.backoff.max.ms",
	"topic.metadata.refresh.interval.ms", "topic.metadata.refresh.fast.interval.ms", "topic.metadata.refresh.sparse",
	"topic.metadata.propagation.max.ms", "api.version.request", "api.version.request.timeout.ms",
	"api.version.fallback.ms", "broker.version.fallback", "allow.auto.create.topics", "client.rack",
	"sasl.kerberos.service.name", "sasl.kerberos.principal", "sasl.kerberos.kinit.cmd", "sasl.kerberos.keytab",
	"sasl.kerberos.min.time.before.relogin", "enable.metrics.push", "opaque", "background_event_cb",
	"message.max.bytes", "message.copy.max.bytes", "receive.message.max.bytes", "max.in.flight.requests.per.connection",
	"max.in.flight",
)

// connectionPrefixes mark the properties that decide how the client
// connects; one of them that FranzGo does not know is refused by name
// rather than ignored. Other properties set how librdkafka produces,
// consumes or joins groups, which franz-go's requests never do.
var connectionPrefixes = []string{"security.", "sasl.", "enable.sasl.", "ssl.", "ssl_", "enable.ssl.", "https.", "socket.", "broker.", "client.", "connections."}

// franzRefusal says why a property cannot be honoured by franz-go, or ""
// when it can (or has nothing to do with the requests franz-go carries).
func franzRefusal(k, v string) string {
	switch {
	case franzMapped[k], franzIrrelevant[k], strings.HasPrefix(k, "go."):
		return ""
	}
	for _, p := range connectionPrefixes {
		if strings.HasPrefix(k, p) {
			return "a connection setting with no franz-go equivalent"
		}
	}
	return ""
}

// FranzGo returns franz-go's options for the cluster: the same brokers,
// client id, security protocol, SASL mechanism and credentials, TLS
// material and verification, and timeouts as librdkafka's properties say.
// A connection property franz-go cannot honour is an error that names it.
func (c *Config) FranzGo() ([]kgo.Opt, error) {
	for _, k := range config.SortedKeys(c.props) {
		if why := franzRefusal(k, c.props[k]); why != "" {
			return nil, fmt.Errorf("%s=%s cannot be honoured by this command, which also connects through franz-go (%s); this command needs it removed", c.setting(k), c.displayValue(k), why)
		}
	}
	id := c.props["client.id"]
	if id == "" {
		id = "streamctl"
	}
	opts := []kgo.Opt{kgo.SeedBrokers(c.cluster.Brokers...), kgo.ClientID(id)}
	if name := c.props["client.software.name"]; name != "" {
		opts = append(opts, kgo.SoftwareNameAndVersion(name, c.props["client.software.version"]))
	}
	durations := []struct {
		key string
		opt func(time.Duration) kgo.Opt
	}{
		{"socket.timeout.ms", kgo.RequestTimeoutOverhead},
		{"socket.connection.setup.timeout.ms", kgo.DialTimeout},
		{"connections.max.idle.ms", kgo.ConnIdleTimeout},
		{"metadata.max.age.ms", kgo.MetadataMaxAge},
		{"retry.backoff.ms", func(d time.Duration) kgo.Opt {
			return kgo.RetryBackoffFn(func(int) time.Duration { return d })
		}},
	}
	for _, d := range durations {
		v, ok := c.props[d.key]
		if !ok {
			continue
		}
		ms, err := strconv.Atoi(v)
		if err != nil || ms < 0 {
			return nil, fmt.Errorf("%s=%s: want milliseconds", c.setting(d.key), v)
		}
		if ms > 0 {
			opts = append(opts, d.opt(time.Duration(ms)*time.Millisecond))
		}
	}
	proto := c.protocol()
	if strings.HasPrefix(proto, "SASL_") {
		m, err := c.saslMechanism()
		if err != nil {
			return nil, err
		}
		opts = append(opts, kgo.SASL(m))
	}
	var tlsCfg *tls.Config
	if strings.HasSuffix(proto, "SSL") {
		var err error
		if tlsCfg, err = c.brokerTLS(); err != nil {
			return nil, err
		}
	}
	switch fam := strings.ToLower(c.props["broker.address.family"]); fam {
	case "", "any":
		if tlsCfg != nil {
			opts = append(opts, kgo.DialTLSConfig(tlsCfg))
		}
	case "v4", "v6":
		opts = append(opts, kgo.Dialer(dialer("tcp"+fam[1:], tlsCfg)))
	default:
		return nil, fmt.Errorf("%s=%s: want any, v4 or v6", c.setting("broker.address.family"), fam)
	}
	return opts, nil
}

// dialer dials brokers over one address family only (librdkafka's
// broker.address.family), with TLS when cfg is given; kgo's own TLS dialing
// cannot be combined with a dialer of ours.
func dialer(network string, cfg *tls.Config) func(ctx context.Context, _, host string) (net.Conn, error) {
	return func(ctx context.Context, _, host string) (net.Conn, error) {
		var d net.Dialer
		conn, err := d.DialContext(ctx, network, host)
		if err != nil || cfg == nil {
			return conn, err
		}
		c := cfg.Clone()
		if c.ServerName == "" {
			c.ServerName, _, _ = net.SplitHostPort(host)
		}
		tc := tls.Client(conn, c)
		if err := tc.HandshakeContext(ctx); err != nil {
			conn.Close()
			return nil, err
		}
		return tc, nil
	}
}

func (c *Config) saslMechanism() (sasl.Mechanism, error) {
	user, pass := c.props["sasl.username"], c.props["sasl.password"]
	switch mech := c.mechanism(); mech {
	case "PLAIN":
		return plain.Auth{User: user, Pass: pass}.AsMechanism(), nil
	case "SCRAM-SHA-256":
		return scram.Auth{User: user, Pass: pass}.AsSha256Mechanism(), nil
	case "SCRAM-SHA-512":
		return scram.Auth{User: user, Pass: pass}.AsSha512Mechanism(), nil
	case "OAUTHBEARER":
		httpTLS, err := c.httpsTLS()
		if err != nil {
			return nil, err
		}
		fn, err := c.oauthFn(httpTLS)
		if err != nil {
			return nil, err
		}
		return oauth.Oauth(fn), nil
	default: // New refused it already
		return nil, fmt.Errorf("SASL mechanism %s is not supported", mech)
	}
}

// displayValue is a property's value for a message, unless it is a secret.
func (c *Config) displayValue(k string) string {
	if config.IsSensitiveProperty(k) {
		return config.Redacted
	}
	return c.props[k]
}

func setOf(keys ...string) map[string]bool {
	m := make(map[string]bool, len(keys))
	for _, k := range keys {
		m[k] = true
	}
	return m
}
