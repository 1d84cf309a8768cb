//go:build e2e

package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/streamctl/streamctl/internal/playground"
)

// The playground refuses the topic names and configs Kafka refuses, with
// Kafka's words: each bad request below goes to the real broker and to a
// playground, and both must fail with the same error line (the topic names
// are the same on both). What works on the playground then works on a
// cluster.
func TestPlaygroundValidatesTopicsAsKafkaDoes(t *testing.T) {
	t.Parallel()
	p, err := playground.Start(playground.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	kafka, pg := newUser(t), newUserNoBrokers(t)
	pg.setenv("STREAMCTL_BROKERS", p.Addr())
	ok := uniqueName(t, "ok")
	for _, u := range []*user{kafka, pg} {
		u.run("topic", "create", ok, "-p", "1").ok(t)
	}
	name := func() string { return uniqueName(t, "") } // random: a new one each time
	for _, args := range [][]string{
		{"topic", "create", name(), "-c", "retention.ms=abc"},
		{"topic", "create", name(), "-c", "retention.ms=-5"},
		{"topic", "create", name(), "-c", "retention.ms=1.5"},
		{"topic", "create", name(), "-c", "retention.bytes=abc"},
		{"topic", "create", name(), "-c", "max.message.bytes=2147483648"},
		{"topic", "create", name(), "-c", "foo.bar=1"},
		{"topic", "create", name(), "-c", "message.format.version=3.0"},
		{"topic", "create", name(), "-c", "cleanup.policy=bogus"},
		{"topic", "create", name(), "-c", "cleanup.policy=compact,COMPACT"},
		{"topic", "create", name(), "-c", "compression.type=brotli"},
		{"topic", "create", name(), "-c", "compression.gzip.level=10"},
		{"topic", "create", name(), "-c", "compression.lz4.level=0"},
		{"topic", "create", name(), "-c", "compression.zstd.level=30"},
		{"topic", "create", name(), "-c", "preallocate=maybe"},
		{"topic", "create", name(), "-c", "min.cleanable.dirty.ratio=2"},
		{"topic", "create", name(), "-c", "min.cleanable.dirty.ratio=abc"},
		{"topic", "create", name(), "-c", "segment.bytes=100"},
		{"topic", "create", name(), "-c", "min.insync.replicas=0"},
		{"topic", "create", name(), "-c", "message.timestamp.type=Foo"},
		{"topic", "create", name(), "-c", "follower.replication.throttled.replicas=bogus"},
		// Topic configs as dry runs (validated) and as changes.
		{"topic", "config", "set", ok, "retention.ms=xyz"},
		{"topic", "config", "set", ok, "foo.bar=1"},
		{"topic", "config", "set", ok, "cleanup.policy=compact,bogus"},
		{"topic", "config", "set", ok, "retention.ms=xyz", "--execute"},
		{"topic", "config", "set", ok, "foo.bar=1", "--execute"},
		{"topic", "config", "set", ok, "cleanup.policy=compact,bogus", "--execute"},
		// Cluster-wide broker defaults, as dry runs (the broker validates
		// them without applying): the real broker is shared.
		{"cluster", "config", "set", "log.retention.ms=abc"},
		{"cluster", "config", "set", "log.retention.bytes=1.5"},
		{"cluster", "config", "set", "message.max.bytes=abc"},
		{"cluster", "config", "set", "log.segment.bytes=2147483648"},
	} {
		got := map[string]string{}
		for who, u := range map[string]*user{"kafka": kafka, "playground": pg} {
			r := u.run(args...).exit(t, 1)
			got[who] = lastLine(r.stderr)
		}
		if got["kafka"] != got["playground"] {
			t.Errorf("streamctl %s:\n  kafka:      %s\n  playground: %s", shellJoin(args), got["kafka"], got["playground"])
		}
	}
	// Names: topic create refuses bad ones itself, so they go to both as
	// CreateTopics requests of another client would.
	for _, topic := range []string{"bad name!", "..", ".", strings.Repeat("a", 250), ""} {
		kafkaErr := createTopicRequest(t, k(t, "KAFKA_BOOTSTRAP"), topic)
		pgErr := createTopicRequest(t, p.Addr(), topic)
		if kafkaErr == "" || kafkaErr != pgErr {
			t.Errorf("CreateTopics %q:\n  kafka:      %s\n  playground: %s", topic, kafkaErr, pgErr)
		}
	}
	// And what Kafka takes, the playground takes.
	for _, cfg := range []string{"cleanup.policy=", "cleanup.policy=compact,delete", "retention.ms= 5", "preallocate=TRUE", "retention.ms=-1", "follower.replication.throttled.replicas=*"} {
		topic := name()
		for _, u := range []*user{kafka, pg} {
			u.run("topic", "create", topic, "-p", "1", "-c", cfg).ok(t)
		}
	}
	for _, u := range []*user{kafka, pg} {
		u.run("topic", "config", "delete", ok, "foo.bar", "--execute").ok(t) // Kafka reverts even an unknown name
	}
}

// createTopicRequest sends one CreateTopics request for topic (1 partition)
// to the broker at addr and returns the broker's answer for it: the error
// code's name and message, "" when it was created.
func createTopicRequest(t *testing.T, addr, topic string) string {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(addr))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req := kmsg.NewPtrCreateTopicsRequest()
	rt := kmsg.NewCreateTopicsRequestTopic()
	rt.Topic, rt.NumPartitions, rt.ReplicationFactor = topic, 1, -1
	req.Topics = append(req.Topics, rt)
	req.TimeoutMillis = 10000
	resp, err := req.RequestWith(ctx, cl)
	if err != nil {
		t.Fatalf("CreateTopics %q at %s: %v", topic, addr, err)
	}
	if len(resp.Topics) != 1 {
		t.Fatalf("CreateTopics %q at %s: %d topics in the answer", topic, addr, len(resp.Topics))
	}
	rt0 := resp.Topics[0]
	if err := kerr.ErrorForCode(rt0.ErrorCode); err != nil {
		msg := ""
		if rt0.ErrorMessage != nil {
			msg = *rt0.ErrorMessage
		}
		return err.Error() + ": " + msg
	}
	return ""
}
