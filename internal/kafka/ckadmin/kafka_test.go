package ckadmin

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	ck "github.com/confluentinc/confluent-kafka-go/v2/kafka"

	"github.com/streamctl/streamctl/internal/config"
)

// Topic ids must read as in Kafka's own tools (kafka-topics --describe), so
// people can match them across tools.
func TestTopicID(t *testing.T) {
	for in, want := range map[string]string{
		"Cc5Q1z5sTQekH/dHEFe7rg":   "Cc5Q1z5sTQekH_dHEFe7rg",
		"HQHEBsQR8+6gaEcFWvRR2g":   "HQHEBsQR8-6gaEcFWvRR2g",
		"mhdXumZtQBGns0sOepnw3g":   "mhdXumZtQBGns0sOepnw3g",
		"AAAAAAAAAAAAAAAAAAAAAA==": "AAAAAAAAAAAAAAAAAAAAAA",
	} {
		if got := topicID(in); got != want {
			t.Errorf("topicID(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestErrorMessages(t *testing.T) {
	nf := (&TopicNotFoundError{Topic: "orders", Cluster: "prod", Existing: []string{"order-events", "payments"}}).Error()
	if nf != `topic "orders" not found on cluster "prod" (2 topics exist; did you mean "order-events"?)` {
		t.Errorf("TopicNotFoundError = %q", nf)
	}
	if got := (&TopicNotFoundError{Topic: "x", Cluster: "c"}).Error(); got != `topic "x" not found on cluster "c" (0 topics exist)` {
		t.Errorf("TopicNotFoundError without hints = %q", got)
	}
}

func TestBrokerErrorScrubsSecrets(t *testing.T) {
	c := &Admin{scrub: config.NewScrubber([]string{"hunter2"})}
	err := c.brokerError(errors.New("sasl.password=hunter2 rejected"))
	if strings.Contains(err.Error(), "hunter2") {
		t.Errorf("brokerError = %q", err)
	}
}

func TestIsInternal(t *testing.T) {
	if !IsInternal("__consumer_offsets", false) || !IsInternal("audit", true) || IsInternal("order-events", false) {
		t.Error("IsInternal")
	}
}

// The group coordinator's "load in progress" and "not coordinator" answers
// are retried until they pass (as Kafka's clients do); other errors are not.
func TestRequestRetriesABusyCoordinator(t *testing.T) {
	c := &Admin{cluster: &config.Cluster{Timeout: 5 * time.Second}, scrub: config.NewScrubber(nil), failed: make(chan struct{})}
	calls := 0
	err := c.request(context.Background(), "describing consumer groups", func(context.Context) error {
		calls++
		switch calls {
		case 1:
			return ck.NewError(ck.ErrCoordinatorLoadInProgress, "", false)
		case 2:
			return ck.NewError(ck.ErrNotCoordinator, "ConsumerGroupDescribe: ", false)
		}
		return nil
	})
	if err != nil || calls != 3 {
		t.Fatalf("request = %v after %d calls, want success after 3", err, calls)
	}

	calls = 0
	err = c.request(context.Background(), "deleting topics", func(context.Context) error {
		calls++
		return ck.NewError(ck.ErrTopicAuthorizationFailed, "not allowed", false)
	})
	if err == nil || calls != 1 {
		t.Fatalf("a final error was retried: %v after %d calls", err, calls)
	}

	// Still busy when the timeout runs out: the error says what and why.
	c.cluster.Timeout = 300 * time.Millisecond
	err = c.request(context.Background(), "describing consumer groups", func(context.Context) error {
		return ck.NewError(ck.ErrNotCoordinator, "ConsumerGroupDescribe: ", false)
	})
	if err == nil || !strings.Contains(err.Error(), "ConsumerGroupDescribe: Broker: Not coordinator") || !strings.Contains(err.Error(), "coordinator is moving") {
		t.Fatalf("busy past the timeout: %v", err)
	}
}
