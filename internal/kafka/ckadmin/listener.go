package ckadmin

import (
	"crypto/tls"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	"github.com/streamctl/streamctl/internal/kafka/answer"
)

// A client whose TLS setting does not match the listener gets no word
// that says so: a plaintext client on a TLS listener reads "0/1 brokers
// are down", a TLS client on a plaintext one (the playground) waits out
// its timeout with no cause at all. When no answer came, these probes ask
// the first broker what it speaks, so the error can say what to change.

// listenerProbeTimeout bounds each probe.
const listenerProbeTimeout = 2 * time.Second

// usesTLS reports whether the client connects with TLS.
func (c *Admin) usesTLS() bool {
	switch strings.ToUpper(c.conf.Librdkafka()["security.protocol"]) {
	case "SSL", "SASL_SSL":
		return true
	}
	return false
}

// listenerHint says what to change when the first broker's listener and
// the client disagree about TLS, or "" when they agree or nothing answers.
func (c *Admin) listenerHint() string {
	if len(c.cluster.Brokers) == 0 {
		return ""
	}
	addr := c.cluster.Brokers[0]
	if c.usesTLS() {
		if speaksPlainKafka(addr) {
			return fmt.Sprintf("%s answers plaintext Kafka, not TLS: it is a PLAINTEXT (or SASL_PLAINTEXT) listener, and this client uses TLS; connect without TLS (the profile's tls, -X security.protocol) or to the brokers' TLS listener", addr)
		}
		return ""
	}
	if !speaksPlainKafka(addr) && speaksTLS(addr) {
		return fmt.Sprintf("%s expects TLS: it is an SSL (or SASL_SSL) listener, and this client connects without TLS; use TLS (profile create --tls or --ca-file, profile set tls.enabled=true, or -X security.protocol=SSL)", addr)
	}
	return ""
}

// speaksPlainKafka reports whether addr answers a Kafka ApiVersions request
// (v0, which every broker takes) sent without TLS.
func speaksPlainKafka(addr string) bool {
	conn, err := net.DialTimeout("tcp", addr, listenerProbeTimeout)
	if err != nil {
		return false
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(listenerProbeTimeout))
	const correlationID = 0x5c7e1
	clientID := "streamctl-probe"
	req := binary.BigEndian.AppendUint16(nil, 18) // ApiVersions
	req = binary.BigEndian.AppendUint16(req, 0)   // version 0
	req = binary.BigEndian.AppendUint32(req, correlationID)
	req = binary.BigEndian.AppendUint16(req, uint16(len(clientID)))
	req = append(req, clientID...)
	if _, err := conn.Write(append(binary.BigEndian.AppendUint32(nil, uint32(len(req))), req...)); err != nil {
		return false
	}
	var head [8]byte // response size, correlation id
	if _, err := io.ReadFull(conn, head[:]); err != nil {
		return false
	}
	size := binary.BigEndian.Uint32(head[:4])
	return size >= 6 && size < 1<<20 && binary.BigEndian.Uint32(head[4:]) == correlationID
}

// speaksTLS reports whether addr completes a TLS handshake. The broker's
// certificate is not checked: the question is only whether it speaks TLS.
func speaksTLS(addr string) bool {
	d := &net.Dialer{Timeout: listenerProbeTimeout}
	conn, err := tls.DialWithDialer(d, "tcp", addr, &tls.Config{InsecureSkipVerify: true}) //nolint:gosec // a probe, not a connection
	if err != nil {
		return false
	}
	conn.Close()
	return true
}

// connectionError is the error of a request nobody answered in time,
// with the listener hint when the probes find one.
func (c *Admin) connectionError(what, cause string) *answer.ConnectionError {
	return &answer.ConnectionError{Brokers: c.cluster.Brokers, Timeout: c.cluster.Timeout, Cause: cause, What: what, Hint: c.listenerHint()}
}

// Failures says what the connection knows of a failure, for the other
// engines (internal/kafka/wire's and internal/kafka/rdk's Failures): their
// errors read as this connection's would.
type Failures struct{ c *Admin }

// Failures is the connection's Failures.
func (c *Admin) Failures() Failures { return Failures{c} }

// AuthFailed: the brokers refused the credentials.
func (f Failures) AuthFailed(detail string) error {
	return &answer.AuthError{Mechanism: f.c.cluster.Mechanism(), User: f.c.cluster.User(), Detail: detail}
}

// TLSFailed: the TLS handshake failed; refused says the broker refused
// the client's certificate (or its lack of one).
func (f Failures) TLSFailed(detail string, refused bool) error {
	if refused {
		detail += "; " + f.c.clientCertHint()
	}
	return &answer.TLSError{Detail: detail}
}

// ListenerMismatch: the listener is of the other kind (TLS, plaintext),
// or nil when the probes find nothing.
func (f Failures) ListenerMismatch() error {
	if hint := f.c.listenerHint(); hint != "" {
		return &answer.ListenerError{Hint: hint}
	}
	return nil
}

// Unreachable: no broker answered within the timeout; cause "" is the
// last transport error the connection saw.
func (f Failures) Unreachable(what, cause string) error {
	if cause == "" {
		f.c.mu.Lock()
		cause = f.c.lastErr
		f.c.mu.Unlock()
	}
	return f.c.connectionError(what, cause)
}
