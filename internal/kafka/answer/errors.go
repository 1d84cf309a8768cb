package answer

import (
	"fmt"
	"strings"
	"time"
)

// The errors every engine's failures read as, whichever engine met them:
// no answer, refused credentials, a failed TLS handshake, a listener of
// the other kind.

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

// ListenerError: the brokers' listener and the client disagree about TLS.
type ListenerError struct{ Hint string }

func (e *ListenerError) Error() string { return e.Hint }

// BrokerDetail trims librdkafka's "[proto://]host:port/id: " prefix and
// its "(after 3ms in state X)" suffix, leaving the part a person can act
// on (librdkafka words the errors of the Go client and of our binding).
func BrokerDetail(msg string) string {
	if i := strings.Index(msg, ": "); i > 0 && strings.Contains(msg[:i], "/") && !strings.Contains(msg[:i], " ") {
		msg = msg[i+2:]
	}
	if i := strings.LastIndex(msg, " (after "); i > 0 {
		msg = msg[:i]
	}
	return msg
}
