//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Who has handled it, for every type of group Kafka has: a classic group
// and a KIP-848 consumer group (streamctl consume -g, librdkafka), a share
// group (Kafka's own console share consumer) and a streams group (a Kafka
// Streams application, group.protocol=streams), each having read a
// different number of an order's records. trace says, per record, which
// have consumed it; the share group's start offset is the one Kafka's
// kafka-share-groups reports. The Streams application also dead-letters the
// malformed record (KIP-1034's __streams.errors.* headers), which trace
// links to it.
func TestTraceEveryGroupType(t *testing.T) {
	t.Parallel()
	u := newUser(t)
	orders := uniqueName(t, "orders")
	streamsDLQ := orders + "-streams-dlq"
	for _, topic := range []string{orders, streamsDLQ} {
		u.run("topic", "create", topic, "-p", "1").ok(t)
	}
	u.runIn(`{"type":"OrderCreated"}`+"\n"+`{"type":"OrderPaid"}`+"\n"+`{"type":"OrderShipped"}`+"\n"+"<not json/>\n",
		"produce", orders, "-k", "order-31").ok(t)

	classic, consumer := uniqueName(t, "classic"), uniqueName(t, "consumer")
	share, streams := uniqueName(t, "share"), uniqueName(t, "streams")
	u.run("consume", orders, "-g", classic, "-e", "--max-messages", "2", "-o", "raw").ok(t)
	u.run("consume", orders, "-g", consumer, "-X", "group.protocol=consumer", "-e", "--max-messages", "1", "-o", "raw").ok(t)
	// A share group starts at the log end unless told otherwise.
	kafkaTool(t, "configs", "--bootstrap-server", k(t, "KAFKA_BOOTSTRAP"), "--entity-type", "groups", "--entity-name", share,
		"--alter", "--add-config", "share.auto.offset.reset=earliest")
	kafkaTool(t, "class", "org.apache.kafka.tools.consumer.ConsoleShareConsumer", "--bootstrap-server", k(t, "KAFKA_BOOTSTRAP"),
		"--topic", orders, "--group", share, "--max-messages", "3", "--timeout-ms", "60000")
	var startOffset string
	eventually(t, time.Minute, func() (bool, string) {
		out := kafkaTool(t, "class", "org.apache.kafka.tools.consumer.group.ShareGroupCommand", "--bootstrap-server", k(t, "KAFKA_BOOTSTRAP"),
			"--describe", "--group", share)
		for _, l := range lines(out) {
			if f := strings.Fields(l); len(f) >= 4 && f[0] == share && f[1] == orders {
				startOffset = f[3]
			}
		}
		return startOffset == "3", "kafka-share-groups --describe:\n" + out
	})
	streamsMember(t, streams, orders, streamsDLQ, 4)

	var res struct {
		Timeline []trEntry `json:"timeline"`
	}
	u.run("trace", "order-31", "--topics", "^"+regexp.QuoteMeta(orders), "--since", "1h", "-o", "json").ok(t).json(t, &res)
	var got []string
	for _, e := range res.Timeline {
		line := fmt.Sprintf("%s@%d %s", strings.TrimPrefix(e.Record.Topic, orders), e.Record.Offset, e.Hop)
		if e.From != nil && e.From.ID != nil {
			line += fmt.Sprintf("<#%d", *e.From.ID)
		}
		if e.DeadLetter != nil {
			line += " " + e.DeadLetter.Convention + " " + e.DeadLetter.ExceptionClass
		}
		for _, g := range e.Groups {
			name := map[string]string{classic: "classic", consumer: "consumer", share: "share", streams: "streams"}[g.Group]
			if name == "" {
				continue // another test's group on another topic cannot be here, but be exact
			}
			if name != g.Type {
				t.Errorf("group %s has type %q, want %q", g.Group, g.Type, name)
			}
			line += " " + name + "=" + g.Status
		}
		got = append(got, line)
	}
	want := []string{
		"@0 event classic=consumed consumer=consumed share=consumed streams=consumed",
		"@1 event classic=consumed consumer=not-yet share=consumed streams=consumed",
		"@2 event classic=not-yet consumer=not-yet share=consumed streams=consumed",
		"@3 event classic=not-yet consumer=not-yet share=not-yet streams=consumed",
		"-streams-dlq@0 dead-letter<#4 kafka-streams java.lang.IllegalArgumentException",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("timeline:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// --group narrows to one group of any type; the share group's start
	// offset is Kafka's.
	var one struct {
		Timeline []struct {
			Groups []struct {
				Group           string `json:"group"`
				Type            string `json:"type"`
				CommittedOffset *int64 `json:"committed_offset"`
			} `json:"groups"`
		} `json:"timeline"`
	}
	u.run("trace", "order-31", "--topics", "^"+regexp.QuoteMeta(orders)+"$", "--since", "1h", "--group", share, "-o", "json").ok(t).json(t, &one)
	for i, e := range one.Timeline {
		if len(e.Groups) != 1 || e.Groups[0].Group != share || e.Groups[0].Type != "share" || e.Groups[0].CommittedOffset == nil ||
			strconv.FormatInt(*e.Groups[0].CommittedOffset, 10) != startOffset {
			t.Errorf("--group %s, record %d: %+v (kafka-share-groups says start offset %s)", share, i, e.Groups, startOffset)
		}
	}
	// The table a person reads names the share and streams groups as such.
	r := u.run("trace", "order-31", "--topics", "^"+regexp.QuoteMeta(orders)+"$", "--since", "1h").ok(t)
	if !strings.Contains(r.stdout, "share group "+share+" consumed") || !strings.Contains(r.stdout, "streams group "+streams+" consumed") {
		t.Errorf("table:\n%s", r.stdout)
	}
	// topic lag sees the same four groups, each with its lag: the
	// records after its committed (or start) offset.
	var lags []struct {
		Group    string `json:"group"`
		TotalLag int64  `json:"total_lag"`
	}
	u.run("topic", "lag", orders, "-o", "json").ok(t).json(t, &lags)
	var lagOf []string
	for _, l := range lags {
		lagOf = append(lagOf, fmt.Sprintf("%s=%d", l.Group, l.TotalLag))
	}
	if want := fmt.Sprintf("%s=2 %s=3 %s=1 %s=0", classic, consumer, share, streams); strings.Join(lagOf, " ") != want {
		t.Errorf("topic lag: %s\nwant %s", strings.Join(lagOf, " "), want)
	}
	r = u.run("trace", "order-31", "--topics", "^"+regexp.QuoteMeta(orders)+"$", "--group", share+"-nosuch").exit(t, 1)
	r.errContains(t, fmt.Sprintf("group %q not found", share+"-nosuch"))
	r.errContains(t, fmt.Sprintf("did you mean %q", share))
}

// streamsMember runs scripts/dlq-frameworks/StreamsMember.java: a Kafka
// Streams application app in a streams group, reading topic until it has
// seen count records, dead-lettering those that are not JSON objects to dlq.
func streamsMember(t *testing.T, app, topic, dlq string, count int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := java(t, ctx, filepath.Join(repoDir, "scripts", "dlq-frameworks", "StreamsMember.java"), k(t, "KAFKA_BOOTSTRAP"),
		app, topic, dlq, strconv.Itoa(count))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("the Kafka Streams application: %v\n%s", err, lastLines(string(out), 30))
	}
}
