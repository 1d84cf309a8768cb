package kafka

// The franz-go requests. confluent-kafka-go has no binding for a few admin
// requests librdkafka or Kafka have: DescribeLogDirs (topic sizes, log
// dirs), AlterPartitionReassignments and ListPartitionReassignments (topic
// reassign), ApiVersions per broker (version --cluster), the cluster-wide
// configs. Those go through franz-go's protocol client (kgo and kmsg),
// configured by the same resolver as the librdkafka handles
// (clientconfig.Config.FranzGo). This file is the only place that connects
// it: a request runs through wireRequest.
// (OffsetDelete, which librdkafka has, goes through our own binding:
// rdk_admin.go.)

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

	"github.com/streamctl/streamctl/internal/kafka/clientconfig"
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
		opts, err := c.franzGoOptions()
		if err == nil {
			w.cl, err = kgo.NewClient(opts...)
		}
		w.err = err
	}
	return w.cl, w.err
}

// franzGoOptions are the franz-go options of the resolved profile
// (clientconfig) with the client's logger: every franz-go client of this
// Client connects with them (the admin connection here, a share-group
// member).
func (c *Client) franzGoOptions() ([]kgo.Opt, error) {
	opts, err := c.conf.FranzGo()
	if err != nil {
		return nil, err
	}
	return append(opts, kgo.WithLogger(wireLogger{c})), nil
}

// wireLogger passes franz-go's logs to the client's logger at debug level
// (shown with -v, as librdkafka's are), secrets scrubbed.
type wireLogger struct{ c *Client }

func (l wireLogger) Level() kgo.LogLevel {
	if l.c.log.Enabled(context.Background(), slog.LevelDebug) {
		return kgo.LogLevelDebug
	}
	return kgo.LogLevelNone
}

func (l wireLogger) Log(_ kgo.LogLevel, msg string, keyvals ...any) {
	args := []any{"source", "franz-go"}
	for i := 0; i+1 < len(keyvals); i += 2 {
		args = append(args, fmt.Sprint(keyvals[i]), l.c.scrub.Scrub(fmt.Sprint(keyvals[i+1])))
	}
	l.c.log.Debug(l.c.scrub.Scrub(msg), args...)
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

// wireBrokers asks for the cluster's brokers (a metadata request for no
// topics). Besides answering, the metadata response tells the franz-go
// client where each broker is, which requests pinned to one broker
// (cl.Broker(id)) need.
func wireBrokers(ctx context.Context, cl *kgo.Client) (*kmsg.MetadataResponse, error) {
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

// wireError turns a franz-go request failure into the same error types the
// librdkafka client returns.
func (c *Client) wireError(ctx context.Context, what string, err error) error {
	var certErr *tls.CertificateVerificationError
	var unknownAuth x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var tokenErr *clientconfig.TokenError
	switch {
	case errors.As(err, &tokenErr):
		return &AuthError{Mechanism: c.cluster.Mechanism(), User: c.cluster.User(), Detail: tokenErr.Error()}
	case errors.Is(err, kerr.SaslAuthenticationFailed), errors.Is(err, kerr.IllegalSaslState), errors.Is(err, kerr.UnsupportedSaslMechanism):
		return &AuthError{Mechanism: c.cluster.Mechanism(), User: c.cluster.User(), Detail: err.Error()}
	case errors.As(err, &certErr), errors.As(err, &unknownAuth), errors.As(err, &hostErr):
		return &TLSError{Detail: err.Error()}
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return c.connectionError(what, err.Error())
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
		if hint := c.listenerHint(); hint != "" {
			return &ListenerError{Hint: hint}
		}
	}
	switch {
	case strings.Contains(err.Error(), "tls: "):
		return &TLSError{Detail: err.Error() + "; " + c.clientCertHint()}
	case errors.As(err, &netErr):
		return c.connectionError(what, err.Error())
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
