// Package wire is the franz-go engine: Kafka protocol requests (kmsg,
// sent with kgo) for what librdkafka and confluent-kafka-go have no call
// for. librdkafka stays the engine for records and for the admin calls it
// has; this package exists because it lacks DescribeLogDirs and
// AlterReplicaLogDirs (topic sizes, log dirs), the partition reassignment
// requests, per-broker ApiVersions (version --cluster), the cluster-wide
// config default, quotas, client-metrics subscriptions, feature levels,
// the KRaft quorum, the transaction admin requests (KIP-664), the Kafka 4
// group types (ConsumerGroupDescribe, ShareGroupDescribe, share-group
// offsets, StreamsGroupDescribe) and the share-group member (KIP-932,
// sharereader.go).
//
// A Conn is connected from the same resolved profile as the librdkafka
// handles (clientconfig.Config.FranzGo), on first use: most commands never
// need it. Its transport failures become the façade's error types
// (Failures), so a command reads the same "authentication failed" or "no
// answer" whichever engine met it. Only internal/kafka imports this
// package; it re-exports the types (scripts/check-imports).
package wire

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/streamctl/streamctl/internal/config"
	"github.com/streamctl/streamctl/internal/kafka/clientconfig"
)

// Failures turns what went wrong on a connection into the error types
// every engine returns (internal/kafka's AuthError, TLSError,
// ListenerError, ConnectionError).
type Failures interface {
	// AuthFailed: the brokers refused the credentials.
	AuthFailed(detail string) error
	// TLSFailed: the TLS handshake failed; refused says the broker
	// refused the client's certificate (or its lack of one).
	TLSFailed(detail string, refused bool) error
	// ListenerMismatch probes the brokers' listeners after a dropped
	// connection: an error saying the listener is of the other kind
	// (TLS, plaintext), or nil.
	ListenerMismatch() error
	// Unreachable: no broker answered within the timeout.
	Unreachable(what, cause string) error
}

// Conn is a Client's franz-go connection, made on first use.
type Conn struct {
	cluster  *config.Cluster      // the resolved profile: its timeout, its group.protocol
	conf     *clientconfig.Config // its franz-go options
	log      *slog.Logger
	scrub    func(string) string // removes the profile's secrets from what is logged
	failures Failures

	mu  sync.Mutex
	cl  *kgo.Client
	err error
}

// New is the franz-go connection of the resolved profile cluster, whose
// engine configuration is conf. Nothing connects until a request.
func New(cluster *config.Cluster, conf *clientconfig.Config, log *slog.Logger, scrub func(string) string, failures Failures) *Conn {
	return &Conn{cluster: cluster, conf: conf, log: log, scrub: scrub, failures: failures}
}

// client returns the franz-go client, made on the first call.
func (c *Conn) client() (*kgo.Client, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cl == nil && c.err == nil {
		opts, err := c.options()
		if err == nil {
			c.cl, err = kgo.NewClient(opts...)
		}
		c.err = err
	}
	return c.cl, c.err
}

// options are the franz-go options of the resolved profile (clientconfig)
// with the connection's logger: every franz-go client of a Client connects
// with them (the admin connection here, a share-group member).
func (c *Conn) options() ([]kgo.Opt, error) {
	opts, err := c.conf.FranzGo()
	if err != nil {
		return nil, err
	}
	return append(opts, kgo.WithLogger(logger{c})), nil
}

// logger passes franz-go's logs to the connection's logger at debug level
// (shown with -v, as librdkafka's are), secrets scrubbed.
type logger struct{ c *Conn }

func (l logger) Level() kgo.LogLevel {
	if l.c.log.Enabled(context.Background(), slog.LevelDebug) {
		return kgo.LogLevelDebug
	}
	return kgo.LogLevelNone
}

func (l logger) Log(_ kgo.LogLevel, msg string, keyvals ...any) {
	args := []any{"source", "franz-go"}
	for i := 0; i+1 < len(keyvals); i += 2 {
		args = append(args, fmt.Sprint(keyvals[i]), l.c.scrub(fmt.Sprint(keyvals[i+1])))
	}
	l.c.log.Debug(l.c.scrub(msg), args...)
}

// Close ends the franz-go connection, if one was made.
func (c *Conn) Close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cl != nil {
		c.cl.Close()
		c.cl = nil
	}
}

// request runs fn over the franz-go connection with the cluster's request
// timeout, and turns a transport failure into the error types the
// librdkafka client returns. Errors in a response's error codes are the
// caller's to read.
func (c *Conn) request(ctx context.Context, what string, fn func(context.Context, *kgo.Client) error) error {
	cl, err := c.client()
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	ctx, cancel := context.WithTimeout(ctx, c.cluster.Timeout)
	defer cancel()
	if err := fn(ctx, cl); err != nil {
		return c.translate(ctx, what, err)
	}
	return nil
}

// brokers asks for the cluster's brokers (a metadata request for no
// topics). Besides answering, the metadata response tells the franz-go
// client where each broker is, which requests pinned to one broker
// (cl.Broker(id)) need.
func brokers(ctx context.Context, cl *kgo.Client) (*kmsg.MetadataResponse, error) {
	req := kmsg.NewPtrMetadataRequest()
	req.Topics = []kmsg.MetadataRequestTopic{} // none: brokers only
	return req.RequestWith(ctx, cl)
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

// translate turns a franz-go request failure into the same error types
// the librdkafka client returns.
func (c *Conn) translate(ctx context.Context, what string, err error) error {
	var certErr *tls.CertificateVerificationError
	var unknownAuth x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var tokenErr *clientconfig.TokenError
	switch {
	case errors.As(err, &tokenErr):
		return c.failures.AuthFailed(tokenErr.Error())
	case errors.Is(err, kerr.SaslAuthenticationFailed), errors.Is(err, kerr.IllegalSaslState), errors.Is(err, kerr.UnsupportedSaslMechanism):
		return c.failures.AuthFailed(err.Error())
	case errors.As(err, &certErr), errors.As(err, &unknownAuth), errors.As(err, &hostErr):
		return c.failures.TLSFailed(err.Error(), false)
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return c.failures.Unreachable(what, err.Error())
	}
	// A connection the broker drops (or a handshake that fails) may be a
	// listener of the other kind: a TLS client on a plaintext listener, or
	// the reverse. The probe says so where franz-go's words would not.
	var netErr net.Error
	var firstEOF *kgo.ErrFirstReadEOF
	// franz-go reads a TLS alert as a huge response size, untyped.
	dropped := errors.As(err, &netErr) || errors.As(err, &firstEOF) || errors.Is(err, io.EOF) ||
		strings.Contains(err.Error(), "tls: ") || strings.Contains(err.Error(), "invalid large response size")
	if dropped {
		if lerr := c.failures.ListenerMismatch(); lerr != nil {
			return lerr
		}
	}
	switch {
	case strings.Contains(err.Error(), "tls: "):
		return c.failures.TLSFailed(err.Error(), true)
	case errors.As(err, &netErr):
		return c.failures.Unreachable(what, err.Error())
	}
	return fmt.Errorf("%s: %w", what, err)
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
	if resp, err := meta.RequestWith(ctx, cl); err == nil && resp.ClusterID != nil && *resp.ClusterID == PlaygroundClusterID {
		ue.Playground = true
	}
	return ue
}
