// Package ckadmin is the confluent-kafka-go engine: one cluster
// connection (Admin) on a librdkafka producer handle with the Go client's
// admin client derived from it, for the admin calls confluent-kafka-go has
// (topics, classic groups, offsets, configs, ACLs, SCRAM users, leader
// elections, record deletion). The handle's error events are where a
// connection learns that a failure is final (authentication, TLS, a
// listener of the other kind) and what a timeout says, so Failures lends
// that knowledge to the other engines (internal/kafka/rdk and
// internal/kafka/wire). confluent-kafka-go comes first because it is the
// librdkafka that records go through anyway (rdk binds the same library).
// Only internal/kafka imports this package (scripts/check-imports).
package ckadmin

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
	"github.com/streamctl/streamctl/internal/kafka/answer"
	"github.com/streamctl/streamctl/internal/kafka/clientconfig"
)

// Admin is a connection to one cluster. It is a librdkafka producer handle
// with an admin client derived from it: the producer exposes the error events
// (authentication, TLS) that a bare admin client swallows, which lets a
// request fail at once with the real cause instead of timing out.
type Admin struct {
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

	stopTokens []func() // the OAUTHBEARER token pushers of the handles above (oauth.go)

	mu      sync.Mutex
	fatal   error         // authentication or TLS failure: no request can succeed
	failed  chan struct{} // closed when fatal is set
	lastErr string        // the last transport error, for timeout messages

	probeOnce sync.Once // the listener probe after a dropped connection
}

// handleConf completes a handle's own settings, conf, with the handles'
// defaults under them and the cluster's client configuration cc over them.
func handleConf(conf ck.ConfigMap, cc *clientconfig.Config) {
	for k, v := range clientconfig.Defaults() {
		if _, set := conf[k]; !set {
			conf[k] = v
		}
	}
	for k, v := range cc.Librdkafka() {
		conf[k] = v
	}
}

// Connect creates the admin connection to the cluster c, whose engine
// configuration (the one resolver's) is cc. librdkafka connects in the
// background; the first request reports whether the cluster is reachable.
func Connect(c *config.Cluster, cc *clientconfig.Config, log *slog.Logger) (*Admin, error) {
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
	handleConf(conf, cc)
	p, err := ck.NewProducer(&conf)
	if err != nil {
		return nil, fmt.Errorf("invalid client configuration: %w", err)
	}
	admin, err := ck.NewAdminClientFromProducer(p)
	if err != nil {
		p.Close()
		return nil, err
	}
	cl := &Admin{
		cluster: c,
		conf:    cc,
		p:       p,
		admin:   admin,
		log:     log,
		scrub:   config.NewScrubber(c.Secrets()),
		failed:  make(chan struct{}),
	}
	cl.stopTokens = append(cl.stopTokens, cl.handleTokens(p))
	go cl.watchLogs()
	go cl.watchEvents()
	return cl, nil
}

// Close releases the connection, without waiting for it: the Go client's
// Close waits out its poller's 100 ms poll, which every command paid at
// exit (a tenth of a 1M-record produce's time). The handle carries admin
// requests only, no records, so nothing is lost when the process exits
// first.
func (c *Admin) Close() {
	go func() {
		c.offsetsOnce.Do(func() {}) // none made after this
		for _, stop := range c.stopTokens {
			stop()
		}
		c.admin.Close()
		c.p.Close()
		if c.offsets != nil {
			c.offsets.Close() // derived: the consumer stays open
			c.offsetsConsumer.Close()
		}
	}()
}

// Cluster is the resolved profile this client connects to.
func (c *Admin) Cluster() *config.Cluster { return c.cluster }

func (c *Admin) watchLogs() { c.logFrom(c.p.Logs()) }

// logFrom passes a handle's librdkafka log lines to the logger (-v).
func (c *Admin) logFrom(logs chan ck.LogEvent) {
	for ev := range logs {
		c.log.Debug(c.scrub.Scrub(ev.Message), "source", "librdkafka", "tag", ev.Tag, "level", ev.Level)
	}
}

// watchEvents records client-level errors. Authentication and TLS failures
// are final, so they cancel requests in flight; transport errors are kept to
// explain a timeout.
func (c *Admin) watchEvents() {
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
			fatal = &answer.AuthError{Mechanism: c.cluster.Mechanism(), User: c.cluster.User(), Detail: answer.BrokerDetail(msg)}
		case ck.ErrSsl:
			fatal = &answer.TLSError{Detail: answer.BrokerDetail(msg)}
		case ck.ErrTransport:
			if peerRejectedCert(msg) {
				fatal = &answer.TLSError{Detail: answer.BrokerDetail(msg) + "; " + c.clientCertHint()}
			}
		}
		switch kerr.Code() {
		case ck.ErrTransport, ck.ErrAllBrokersDown, ck.ErrSsl:
			// Dropped connections may be a listener of the other kind:
			// ask it once, and fail at once rather than at the timeout.
			c.probeOnce.Do(func() {
				go func() {
					if hint := c.listenerHint(); hint != "" {
						c.setFatal(&answer.ListenerError{Hint: hint})
					}
				}()
			})
		}
		c.mu.Lock()
		// "1/1 brokers are down" says less than the connection error before it.
		if kerr.Code() != ck.ErrAllBrokersDown || c.lastErr == "" {
			c.lastErr = answer.BrokerDetail(msg)
		}
		c.mu.Unlock()
		if fatal != nil {
			c.setFatal(fatal)
		}
	}
}

// setFatal records the first failure no request can get past, and cancels
// the requests in flight.
func (c *Admin) setFatal(err error) {
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
func (c *Admin) clientCertHint() string {
	if c.cluster.TLS == nil || c.cluster.TLS.CertFile == "" {
		return "the broker requires a client certificate (mutual TLS): set tls.cert_file and tls.key_file"
	}
	return "the broker refused the client certificate in tls.cert_file: is it signed by a CA the broker trusts?"
}

// request runs fn with the cluster's request timeout, cancelled early when the
// client hits an authentication or TLS failure, and translates the failure
// into an error that says what happened.
func (c *Admin) request(ctx context.Context, what string, fn func(ctx context.Context) error) error {
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
func (c *Admin) brokerError(err error) error {
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
