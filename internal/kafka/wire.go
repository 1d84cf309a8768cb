package kafka

// The wire adapter. confluent-kafka-go v2.11.1 has no binding for a few admin
// requests librdkafka or Kafka have: DescribeLogDirs (topic sizes, log
// dirs), AlterPartitionReassignments and ListPartitionReassignments (topic
// reassign), ApiVersions per broker (version --cluster). Those go through
// franz-go's protocol client (kgo and kmsg, already here for the
// playground), connected with the same brokers, SASL and TLS settings as the
// librdkafka client. This file is the only place that connects it.
// (OffsetDelete, which librdkafka has, goes through our own binding:
// rdk_admin.go.)

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"maps"
	"net"
	"os"
	"slices"
	"strings"
	"sync"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
	"github.com/twmb/franz-go/pkg/sasl"
	"github.com/twmb/franz-go/pkg/sasl/plain"
	"github.com/twmb/franz-go/pkg/sasl/scram"
)

// wireConn is a Client's franz-go connection, made on first use: most
// commands never need it, and building it costs nothing until then.
type wireConn struct {
	mu  sync.Mutex
	cl  *kgo.Client
	err error
}

// wire returns the client's franz-go connection.
func (c *Client) wire() (*kgo.Client, error) {
	w := &c.wireConn
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.cl == nil && w.err == nil {
		opts, err := wireOptions(c.cluster.ClientConfig())
		if err == nil {
			w.cl, err = kgo.NewClient(opts...)
		}
		w.err = err
	}
	return w.cl, w.err
}

// close ends the franz-go connection, if one was made.
func (w *wireConn) close() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.cl != nil {
		w.cl.Close()
		w.cl = nil
	}
}

// wireRequest runs fn over the franz-go connection with the cluster's
// request timeout, and turns a transport failure into the error types the
// librdkafka client returns. Errors in a response's error codes are the
// caller's to read.
func (c *Client) wireRequest(ctx context.Context, what string, fn func(context.Context, *kgo.Client) error) error {
	cl, err := c.wire()
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	ctx, cancel := context.WithTimeout(ctx, c.cluster.Timeout)
	defer cancel()
	if err := fn(ctx, cl); err != nil {
		return c.wireError(ctx, what, err)
	}
	return nil
}

// wireBrokers asks for the cluster's brokers. Besides answering, the
// metadata response tells the franz-go client where each broker is, which
// requests pinned to one broker (cl.Broker(id)) need.
func wireBrokers(ctx context.Context, cl *kgo.Client) ([]kmsg.MetadataResponseBroker, error) {
	req := kmsg.NewPtrMetadataRequest()
	req.Topics = []kmsg.MetadataRequestTopic{} // none: brokers only
	resp, err := req.RequestWith(ctx, cl)
	if err != nil {
		return nil, err
	}
	return resp.Brokers, nil
}

// codeError is the broker's error for a response error code, nil for none.
// A message the broker sent with it replaces the code's stock description,
// being the more specific.
func codeError(code int16, message *string) error {
	err := kerr.ErrorForCode(code)
	var ke *kerr.Error
	if err == nil || message == nil || *message == "" || !errors.As(err, &ke) {
		return err
	}
	return &brokerMessage{code: ke, msg: *message}
}

type brokerMessage struct {
	code *kerr.Error
	msg  string
}

func (e *brokerMessage) Error() string { return e.code.Message + ": " + e.msg }
func (e *brokerMessage) Unwrap() error { return e.code }

// wireError turns a franz-go request failure into the same error types the
// librdkafka client returns.
func (c *Client) wireError(ctx context.Context, what string, err error) error {
	var certErr *tls.CertificateVerificationError
	var unknownAuth x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	switch {
	case errors.Is(err, kerr.SaslAuthenticationFailed), errors.Is(err, kerr.IllegalSaslState), errors.Is(err, kerr.UnsupportedSaslMechanism):
		return &AuthError{Mechanism: c.cluster.Mechanism(), User: c.cluster.User(), Detail: err.Error()}
	case errors.As(err, &certErr), errors.As(err, &unknownAuth), errors.As(err, &hostErr):
		return &TLSError{Detail: err.Error()}
	case strings.Contains(err.Error(), "tls: "):
		return &TLSError{Detail: err.Error() + "; " + c.clientCertHint()}
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return &ConnectionError{Brokers: c.cluster.Brokers, Timeout: c.cluster.Timeout, Cause: err.Error(), What: what}
	}
	var netErr net.Error
	if errors.As(err, &netErr) {
		return &ConnectionError{Brokers: c.cluster.Brokers, Timeout: c.cluster.Timeout, Cause: err.Error(), What: what}
	}
	return fmt.Errorf("%s: %w", what, err)
}

// wireUnsupported are the librdkafka connection properties franz-go cannot
// carry over, with what to use instead. Refusing them is better than
// connecting differently from the librdkafka client.
var wireUnsupported = map[string]string{
	"ssl.keystore.location":      "a PKCS#12 key store: use PEM files (tls.cert_file and tls.key_file)",
	"ssl.key.password":           "an encrypted private key: use an unencrypted PEM key file with mode 0600",
	"ssl.engine.location":        "an OpenSSL engine",
	"ssl.providers":              "OpenSSL providers",
	"sasl.oauthbearer.config":    "SASL OAUTHBEARER",
	"sasl.oauthbearer.method":    "SASL OAUTHBEARER",
	"sasl.kerberos.service.name": "SASL GSSAPI (Kerberos)",
	"sasl.kerberos.keytab":       "SASL GSSAPI (Kerberos)",
	"sasl.kerberos.principal":    "SASL GSSAPI (Kerberos)",
}

// wireOptions translates the librdkafka configuration the cluster resolves
// to (profile, flags and -X properties merged) into franz-go options, so
// both clients connect the same way. Connection settings it cannot carry
// over are refused rather than silently dropped.
func wireOptions(conf map[string]string) ([]kgo.Opt, error) {
	id := conf["client.id"]
	if id == "" {
		id = "streamctl"
	}
	opts := []kgo.Opt{kgo.SeedBrokers(strings.Split(conf["bootstrap.servers"], ",")...), kgo.ClientID(id)}
	for _, k := range slices.Sorted(maps.Keys(wireUnsupported)) {
		if what := wireUnsupported[k]; conf[k] != "" {
			return nil, fmt.Errorf("the %s property (%s) is not supported by this command, which also connects through franz-go", k, what)
		}
	}
	proto := strings.ToUpper(conf["security.protocol"])
	switch proto {
	case "", "PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL":
	default:
		return nil, fmt.Errorf("security.protocol %q is not supported by this command", conf["security.protocol"])
	}
	if strings.HasPrefix(proto, "SASL_") {
		mech := conf["sasl.mechanisms"]
		if mech == "" {
			mech = conf["sasl.mechanism"]
		}
		if mech == "" {
			mech = "GSSAPI" // librdkafka's default
		}
		user, pass := conf["sasl.username"], conf["sasl.password"]
		var m sasl.Mechanism
		switch strings.ToUpper(mech) {
		case "PLAIN":
			m = plain.Auth{User: user, Pass: pass}.AsMechanism()
		case "SCRAM-SHA-256":
			m = scram.Auth{User: user, Pass: pass}.AsSha256Mechanism()
		case "SCRAM-SHA-512":
			m = scram.Auth{User: user, Pass: pass}.AsSha512Mechanism()
		default:
			return nil, fmt.Errorf("SASL mechanism %s is not supported by this command, which also connects through franz-go (PLAIN and SCRAM are)", mech)
		}
		opts = append(opts, kgo.SASL(m))
	}
	if strings.HasSuffix(proto, "SSL") {
		cfg, err := wireTLS(conf)
		if err != nil {
			return nil, err
		}
		opts = append(opts, kgo.DialTLSConfig(cfg))
	}
	return opts, nil
}

// wireTLS builds the TLS configuration librdkafka's ssl.* properties
// describe: PEM files (ssl.*.location) or PEM text (ssl.*.pem).
func wireTLS(conf map[string]string) (*tls.Config, error) {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	ca, err := pemProperty(conf, "ssl.ca.location", "ssl.ca.pem")
	if err != nil {
		return nil, err
	}
	if ca != nil {
		cfg.RootCAs = x509.NewCertPool()
		if !cfg.RootCAs.AppendCertsFromPEM(ca) {
			return nil, errors.New("ssl.ca.location/ssl.ca.pem: no PEM certificate in it")
		}
	}
	cert, err := pemProperty(conf, "ssl.certificate.location", "ssl.certificate.pem")
	if err != nil {
		return nil, err
	}
	key, err := pemProperty(conf, "ssl.key.location", "ssl.key.pem")
	if err != nil {
		return nil, err
	}
	if cert != nil || key != nil {
		pair, err := tls.X509KeyPair(cert, key)
		if err != nil {
			return nil, fmt.Errorf("client certificate: %w", err)
		}
		cfg.Certificates = []tls.Certificate{pair}
	}
	switch {
	case strings.EqualFold(conf["enable.ssl.certificate.verification"], "false"):
		cfg.InsecureSkipVerify = true
	case strings.EqualFold(conf["ssl.endpoint.identification.algorithm"], "none"):
		// Verify the chain but not the host name, as librdkafka does here.
		cfg.InsecureSkipVerify = true
		roots := cfg.RootCAs
		cfg.VerifyConnection = func(cs tls.ConnectionState) error {
			inter := x509.NewCertPool()
			for _, c := range cs.PeerCertificates[1:] {
				inter.AddCert(c)
			}
			_, err := cs.PeerCertificates[0].Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter})
			return err
		}
	}
	return cfg, nil
}

// pemProperty reads PEM from a file property or its inline twin; nil when
// neither is set. librdkafka's "probe" (search the system's CA paths) is
// what Go does with no roots given, so it reads as unset.
func pemProperty(conf map[string]string, fileKey, pemKey string) ([]byte, error) {
	file, text := conf[fileKey], conf[pemKey]
	switch {
	case file != "" && text != "":
		return nil, fmt.Errorf("both %s and %s are set: use one", fileKey, pemKey)
	case text != "":
		return []byte(text), nil
	case file == "" || (fileKey == "ssl.ca.location" && file == "probe"):
		return nil, nil
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", fileKey, err)
	}
	return b, nil
}

// UnsupportedAPIError: the brokers do not offer a request a command needs
// (an older Kafka, or the playground's kfake, which lacks a few).
type UnsupportedAPIError struct {
	API        string // Kafka's name of the request: DescribeQuorum
	Key        int16
	Playground bool // the cluster is streamctl's playground
}

func (e *UnsupportedAPIError) Error() string {
	msg := fmt.Sprintf("the cluster does not offer %s (API key %d)", e.API, e.Key)
	if e.Playground {
		return msg + ": the playground's broker (franz-go's kfake) does not implement it; run this against a Kafka cluster"
	}
	return msg + ": its brokers are too old for it, or it is disabled"
}

// playgroundClusterID is the cluster id the playground's broker reports.
const playgroundClusterID = "streamctl-playground"

// errBrokerTooOld is how franz-go says a broker does not advertise the
// request in its ApiVersions answer (its own error is unexported).
const errBrokerTooOld = "broker is too old; the broker has already indicated it will not know how to handle the request"

// unsupported turns franz-go's "broker too old" (the request is not in the
// broker's ApiVersions) and a broker's UNSUPPORTED_VERSION into an
// UnsupportedAPIError for req, saying whether the cluster is the
// playground, which tells why plainly. Other errors pass.
func unsupported(ctx context.Context, cl *kgo.Client, req kmsg.Request, err error) error {
	if err == nil || (!strings.Contains(err.Error(), errBrokerTooOld) && !errors.Is(err, kerr.UnsupportedVersion)) {
		return err
	}
	ue := &UnsupportedAPIError{API: kmsg.NameForKey(req.Key()), Key: req.Key()}
	meta := kmsg.NewPtrMetadataRequest()
	meta.Topics = []kmsg.MetadataRequestTopic{}
	if resp, err := meta.RequestWith(ctx, cl); err == nil && resp.ClusterID != nil && *resp.ClusterID == playgroundClusterID {
		ue.Playground = true
	}
	return ue
}
