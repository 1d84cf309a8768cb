package answer

import (
	"strings"
	"testing"
	"time"
)

func TestBrokerDetail(t *testing.T) {
	for in, want := range map[string]string{
		"127.0.0.1:9092/bootstrap: Connect to ipv4#127.0.0.1:9092 failed: Connection refused (after 0ms in state CONNECT)": "Connect to ipv4#127.0.0.1:9092 failed: Connection refused",
		"sasl_ssl://b1:9093/1: SASL authentication error: Authentication failed (after 12ms in state AUTH_REQ)":            "SASL authentication error: Authentication failed",
		"1/1 brokers are down": "1/1 brokers are down",
		"Local: Timed out":     "Local: Timed out",
	} {
		if got := BrokerDetail(in); got != want {
			t.Errorf("BrokerDetail(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestErrorMessages(t *testing.T) {
	conn := (&ConnectionError{Brokers: []string{"a:9092", "b:9092"}, Timeout: 2 * time.Second, Cause: "Connection refused", What: "listing topics"}).Error()
	for _, want := range []string{"listing topics", "a:9092,b:9092", "within 2s", "Connection refused", "--timeout"} {
		if !strings.Contains(conn, want) {
			t.Errorf("ConnectionError %q lacks %q", conn, want)
		}
	}
	auth := (&AuthError{Mechanism: "SCRAM-SHA-256", User: "alice", Detail: "invalid credentials"}).Error()
	if auth != `authentication failed for user "alice" with SASL mechanism SCRAM-SHA-256: invalid credentials` {
		t.Errorf("AuthError = %q", auth)
	}
}
