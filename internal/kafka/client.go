// Package kafka is the Kafka boundary: the one package commands and use
// cases import to reach a cluster, whatever engine answers. Everything it
// returns is the project's own types, so they never see a client library.
//
// A Client is a confluent-kafka-go handle, whose admin client serves the
// admin calls confluent-kafka-go has (this package) and whose error events
// decide, for every engine, when a failure is final. Two engines sit behind
// it, each in a sub-package that only this one imports:
//
//   - rdk, our cgo binding to the same librdkafka, for records (Writer,
//     Reader), because the Go client's per-record costs halved throughput;
//   - wire, franz-go's protocol client, only for the requests librdkafka
//     lacks (log dirs, reassignments, quotas, the Kafka 4 group types, ...).
//
// Both connect from the profile resolved once by clientconfig, and their
// failures read as this package's error types. engines.go re-exports their
// types.
package kafka

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	ck "github.com/confluentinc/confluent-kafka-go/v2/kafka"

	"github.com/streamctl/streamctl/internal/config"
	"github.com/streamctl/streamctl/internal/kafka/clientconfig"
	"github.com/streamctl/streamctl/internal/kafka/rdk"
	"github.com/streamctl/streamctl/internal/kafka/wire"
)

// Client is a connection to one cluster. It is a librdkafka producer handle
// with an admin client derived from it: the producer exposes the error events
// (authentication, TLS) that a bare admin client swallows, which lets a
// request fail at once with the real cause instead of timing out.
type Client struct {
	cluster *config.Cluster
	conf    *clientconfig.Config // every engine's configuration, from the cluster
	p       *ck.Producer
	admin   *ck.AdminClient
	log     *slog.Logger
	scrub   *config.Scrubber

	// The admin client of offset lookups, on a consumer handle (see
	// offsetAdmin); made on the first lookup.
	offsetsOnce     sync.Once
	offsets         *ck.AdminClient
	offsetsConsumer *ck.Consumer
	offsetsErr      error

	rdk *rdk.Client // our librdkafka binding, for records and OffsetDelete

	// The franz-go connection, for the requests librdkafka lacks: its
	// methods (DescribeLogDirs, ListTransactions, ...) are Client's.
	*wire.Conn

	stopTokens []func() // the OAUTHBEARER token pushers of the handles above (oauth.go)

	mu      sync.Mutex
	fatal   error         // authentication or TLS failure: no request can succeed
	failed  chan struct{} // closed when fatal is set
	lastErr string        // the last transport error, for timeout messages

	probeOnce sync.Once // the listener probe after a dropped connection
}

// Connect creates a client for the cluster. librdkafka connects in the
// background; the first request reports whether the cluster is reachable.
func Connect(c *config.Cluster, log *slog.Logger) (*Client, error) {
	conf := ck.ConfigMap{
		// Route librdkafka's logs through our logger (shown with -v) instead
		// of letting it write to stderr.
		"go.logs.channel.enable": true,
		"log.connection.close":   false,
		// Key hashing compatible with the Java client, so records produced
		// here land where a Java producer would put them.
		"partitioner": "murmur2_random",
		"client.id":   "streamctl",
		// This producer only carries admin requests and error events; the
		// Go client's default million-entry channels would be 24 MB of
		// pointer slots for every garbage collection to scan.
		"go.events.channel.size":  1000,
		"go.produce.channel.size": 0,
	}
	if err := checkProperties(c); err != nil {
		return nil, err
	}
	cc, err := clientconfig.New(c)
	if err != nil {
		return nil, err
	}
	if err := cc.CheckFiles(); err != nil {
		return nil, err
	}
	for k, v := range cc.Librdkafka() {
		conf[k] = v
	}
	p, err := ck.NewProducer(&conf)
	if err != nil {
		return nil, fmt.Errorf("invalid client configuration: %w", err)
	}
	admin, err := ck.NewAdminClientFromProducer(p)
	if err != nil {
		p.Close()
		return nil, err
	}
	cl := &Client{
		cluster: c,
		conf:    cc,
		p:       p,
		admin:   admin,
		log:     log,
		scrub:   config.NewScrubber(c.Secrets()),
		failed:  make(chan struct{}),
	}
	cl.Conn = wire.New(c, cc, log, cl.scrub.Scrub, failures{cl})
	cl.rdk = rdk.New(c, cc.Librdkafka(), log, cl.scrub.Scrub, cl.pushTokens, failures{cl})
	cl.stopTokens = append(cl.stopTokens, cl.handleTokens(p))
	go cl.watchLogs()
	go cl.watchEvents()
	return cl, nil
}

// checkProperties checks each property of the profile and -X on its own,
// so that a bad one is named as the user wrote it and where (-X or the
// profile), with its value unless it is a secret.
func checkProperties(c *config.Cluster) error {
	for _, k := range config.SortedKeys(c.Properties) {
		if strings.HasPrefix(k, "go.") {
			continue // the Go client's own settings
		}
		v := c.Properties[k]
		if err := rdk.CheckProperty(k, v); err != nil {
			if config.IsSensitiveProperty(k) {
				v = "<redacted>"
			}
			return fmt.Errorf("%s %s=%s: %w", c.PropertySource(k), k, v, err)
		}
	}
	return nil
}

// Close releases the connection, without waiting for it: the Go client's
// Close waits out its poller's 100 ms poll, which every command paid at
// exit (a tenth of a 1M-record produce's time). The handle carries admin
// requests only, no records, so nothing is lost when the process exits
// first.
func (c *Client) Close() {
	go func() {
		c.offsetsOnce.Do(func() {}) // none made after this
		for _, stop := range c.stopTokens {
			stop()
		}
		c.Conn.Close()
		c.admin.Close()
		c.p.Close()
		if c.offsets != nil {
			c.offsets.Close() // derived: the consumer stays open
			c.offsetsConsumer.Close()
		}
	}()
}

// Cluster is the resolved profile this client connects to.
func (c *Client) Cluster() *config.Cluster { return c.cluster }

func (c *Client) watchLogs() { c.logFrom(c.p.Logs()) }

// logFrom passes a handle's librdkafka log lines to the logger (-v).
func (c *Client) logFrom(logs chan ck.LogEvent) {
	for ev := range logs {
		c.log.Debug(c.scrub.Scrub(ev.Message), "source", "librdkafka", "tag", ev.Tag, "level", ev.Level)
	}
}

// watchEvents records client-level errors. Authentication and TLS failures
// are final, so they cancel requests in flight; transport errors are kept to
// explain a timeout.
func (c *Client) watchEvents() {
	for ev := range c.p.Events() {
		kerr, ok := ev.(ck.Error)
		if !ok {
			continue
		}
		msg := c.scrub.Scrub(kerr.Error())
		c.log.Debug("client error", "code", kerr.Code().String(), "error", msg)
		var fatal error
		switch kerr.Code() {
		case ck.ErrAuthentication:
			fatal = &AuthError{Mechanism: c.cluster.Mechanism(), User: c.cluster.User(), Detail: brokerDetail(msg)}
		case ck.ErrSsl:
			fatal = &TLSError{Detail: brokerDetail(msg)}
		case ck.ErrTransport:
			if peerRejectedCert(msg) {
				fatal = &TLSError{Detail: brokerDetail(msg) + "; " + c.clientCertHint()}
			}
		}
		switch kerr.Code() {
		case ck.ErrTransport, ck.ErrAllBrokersDown, ck.ErrSsl:
			// Dropped connections may be a listener of the other kind:
			// ask it once, and fail at once rather than at the timeout.
			c.probeOnce.Do(func() {
				go func() {
					if hint := c.listenerHint(); hint != "" {
						c.setFatal(&ListenerError{Hint: hint})
					}
				}()
			})
		}
		c.mu.Lock()
		// "1/1 brokers are down" says less than the connection error before it.
		if kerr.Code() != ck.ErrAllBrokersDown || c.lastErr == "" {
			c.lastErr = brokerDetail(msg)
		}
		c.mu.Unlock()
		if fatal != nil {
			c.setFatal(fatal)
		}
	}
}

// setFatal records the first failure no request can get past, and cancels
// the requests in flight.
func (c *Client) setFatal(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.fatal == nil {
		c.fatal = err
		close(c.failed)
	}
}

// peerRejectedCert reports a TLS alert from the broker about the client's
// certificate, as OpenSSL words it: "sslv3 alert bad certificate", "tlsv13
// alert certificate required", "tlsv1 alert unknown ca". With TLS 1.3 the
// client's side of the handshake completes before the broker checks the
// client certificate, so librdkafka sees the alert on its first read and
// reports a transport error, not an SSL one. It is just as final: without
// this a mutual-TLS listener that refuses the client waits out the timeout.
func peerRejectedCert(msg string) bool {
	return strings.Contains(msg, "SSL alert number") &&
		(strings.Contains(msg, "certificate") || strings.Contains(msg, "unknown ca"))
}

// clientCertHint says what to change when the broker refuses the client's
// certificate, or its lack of one.
func (c *Client) clientCertHint() string {
	if c.cluster.TLS == nil || c.cluster.TLS.CertFile == "" {
		return "the broker requires a client certificate (mutual TLS): set tls.cert_file and tls.key_file"
	}
	return "the broker refused the client certificate in tls.cert_file: is it signed by a CA the broker trusts?"
}

// brokerDetail trims librdkafka's "[proto://]host:port/id: " prefix and its
// "(after 3ms in state X)" suffix, leaving the part a person can act on.
func brokerDetail(msg string) string { return rdk.BrokerDetail(msg) }

// request runs fn with the cluster's request timeout, cancelled early when the
// client hits an authentication or TLS failure, and translates the failure
// into an error that says what happened.
func (c *Client) request(ctx context.Context, what string, fn func(ctx context.Context) error) error {
	ctx, cancel := context.WithTimeout(ctx, c.cluster.Timeout)
	defer cancel()
	go func() {
		select {
		case <-c.failed:
			cancel()
		case <-ctx.Done():
		}
	}()
	err := fn(ctx)
	for backoff := 50 * time.Millisecond; coordinatorBusy(err) && ctx.Err() == nil; backoff = min(2*backoff, time.Second) {
		select {
		case <-ctx.Done():
		case <-time.After(backoff):
			err = fn(ctx)
		}
	}
	if err == nil {
		return nil
	}
	c.mu.Lock()
	fatal, last := c.fatal, c.lastErr
	c.mu.Unlock()
	if fatal != nil {
		return fatal
	}
	if coordinatorBusy(err) {
		return fmt.Errorf("%s: %w (retried for %s; the group coordinator is moving or loading, try again)", what, c.brokerError(err), c.cluster.Timeout)
	}
	if isUnreachable(err) || errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return c.connectionError(what, last)
	}
	if errors.Is(err, context.Canceled) {
		return err
	}
	return fmt.Errorf("%s: %w", what, c.brokerError(err))
}

// coordinatorBusy reports the group coordinator errors Kafka's clients
// retry: right after a broker starts it loads __consumer_offsets
// ("coordinator load in progress"), and when that topic's leadership moves
// the old coordinator answers "not coordinator" until clients look it up
// again. librdkafka's admin requests return them instead of retrying.
func coordinatorBusy(err error) bool {
	var kerr ck.Error
	if !errors.As(err, &kerr) {
		return false
	}
	switch kerr.Code() {
	case ck.ErrCoordinatorLoadInProgress, ck.ErrCoordinatorNotAvailable, ck.ErrNotCoordinator:
		return true
	}
	return false
}

// isUnreachable reports errors that mean no broker answered in time.
func isUnreachable(err error) bool {
	var kerr ck.Error
	if errors.As(err, &kerr) {
		switch kerr.Code() {
		case ck.ErrTimedOut, ck.ErrTimedOutQueue, ck.ErrRequestTimedOut, ck.ErrTransport, ck.ErrAllBrokersDown:
			return true
		}
		return false
	}
	return errors.Is(err, context.DeadlineExceeded)
}

// brokerError scrubs secrets from a client error and keeps it wrappable.
func (c *Client) brokerError(err error) error {
	msg := err.Error()
	var kerr ck.Error
	// Some broker errors come with an empty message ("ConsumerGroupDescribe: "):
	// the code's own description says more.
	if errors.As(err, &kerr) && (msg == "" || strings.HasSuffix(msg, ": ")) {
		msg = strings.TrimSuffix(msg, " ")
		if msg != "" {
			msg += " "
		}
		msg += kerr.Code().String()
	}
	return errors.New(c.scrub.Scrub(msg))
}

// ConnectionError: no broker answered within the timeout.
type ConnectionError struct {
	Brokers []string
	Timeout time.Duration
	Cause   string
	What    string
	Hint    string // what the listener probes found, if anything
}

func (e *ConnectionError) Error() string {
	msg := fmt.Sprintf("%s: no answer from the cluster at %s within %s", e.What, strings.Join(e.Brokers, ","), e.Timeout)
	if e.Cause != "" {
		msg += " (last error: " + e.Cause + ")"
	}
	if e.Hint != "" {
		return msg + ": " + e.Hint
	}
	return msg + "; check the brokers are up and reachable, or raise --timeout"
}

// AuthError: the brokers refused the credentials.
type AuthError struct {
	Mechanism, User, Detail string
}

func (e *AuthError) Error() string {
	msg := fmt.Sprintf("authentication failed for user %q with SASL mechanism %s: %s", e.User, e.Mechanism, e.Detail)
	if e.User == "" { // a token's own
		msg = fmt.Sprintf("authentication failed with SASL mechanism %s: %s", e.Mechanism, e.Detail)
	}
	if strings.Contains(e.Detail, "invalid_token") {
		// Kafka's validator says no more; its log has the reason.
		msg += " (the broker refused the token: its signature, expiry, issuer or audience does not match what the broker checks)"
	}
	return msg
}

// TLSError: the TLS handshake failed, usually certificate verification.
type TLSError struct{ Detail string }

func (e *TLSError) Error() string {
	return "TLS handshake with the broker failed: " + e.Detail
}
