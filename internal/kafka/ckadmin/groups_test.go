package ckadmin_test

import (
	"context"
	"io"
	"log/slog"
	"maps"
	"os"
	"os/exec"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/streamctl/streamctl/internal/config"
	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/kafka/ckadmin"
	"github.com/streamctl/streamctl/internal/record"
)

// inChild names the environment variable under which a test runs its body
// in a child process of the test binary (see TestGroupOffsetsSurviveNotCoordinator).
const inChild = "STREAMCTL_KAFKA_TEST_CHILD"

// A group's offsets are looked up while the broker answers "not
// coordinator" (right after it starts, or while the coordinator moves).
// librdkafka's ListConsumerGroupOffsets (2.11, and up to 2.15 at least:
// librdkafka#5040) then queues a coordinator query on the handle's
// consumer group without checking it has one: on the admin client of a
// producer it has none, and the process died of SIGSEGV on librdkafka's
// own thread, so without a Go traceback. That was the dlq reprocess
// segfault seen after a fresh broker start (core dump: rd_kafka_cgrp_op <-
// rd_kafka_handle_OffsetFetch <- rd_kafka_ListConsumerGroupOffsetsResponse_parse).
// The lookup must survive, retry and return the commits. It runs in a child
// process so that a crash fails the test rather than the test binary.
func TestGroupOffsetsSurviveNotCoordinator(t *testing.T) {
	if os.Getenv(inChild) != t.Name() {
		child := exec.Command(os.Args[0], "-test.run=^"+t.Name()+"$", "-test.v")
		child.Env = append(os.Environ(), inChild+"="+t.Name())
		out, err := child.CombinedOutput()
		if err != nil {
			t.Fatalf("the offset lookup in a child process failed (%v):\n%s", err, out)
		}
		return
	}
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(3, "orders"))
	if err != nil {
		t.Fatal(err)
	}
	defer cluster.Close()
	c, err := kafka.Connect(&config.Cluster{Brokers: cluster.ListenAddrs(), Timeout: 10 * time.Second},
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()
	want := map[record.TopicPartition]int64{{Topic: "orders", Partition: 0}: 5, {Topic: "orders", Partition: 2}: 7}
	if err := c.CommitGroupOffsets(ctx, "g", want); err != nil {
		t.Fatal(err)
	}
	var notCoordinator atomic.Int32 // the control function runs on kfake's goroutine
	cluster.ControlKey(kmsg.OffsetFetch.Int16(), func(req kmsg.Request) (kmsg.Response, error, bool) {
		notCoordinator.Add(1)
		fetch := req.(*kmsg.OffsetFetchRequest)
		resp := fetch.ResponseKind().(*kmsg.OffsetFetchResponse)
		resp.Version = fetch.Version
		resp.ErrorCode = kerr.NotCoordinator.Code
		for _, g := range fetch.Groups {
			resp.Groups = append(resp.Groups, kmsg.OffsetFetchResponseGroup{Group: g.Group, ErrorCode: kerr.NotCoordinator.Code})
		}
		return resp, nil, true // once: the next lookup gets the commits
	})
	got, err := c.GroupOffsets(ctx, "g")
	if err != nil {
		t.Fatal(err)
	}
	if n := notCoordinator.Load(); n != 1 || !maps.Equal(got, want) {
		t.Fatalf("after %d \"not coordinator\" answers: %v, want %v", n, got, want)
	}
}

// A topic listed and deleted before it is described (another client's
// topic delete, moments apart) is left out of topic list's listing rather
// than failing it: the listing as a moment later.
func TestListTopicsLeavesOutATopicDeletedMeanwhile(t *testing.T) {
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(1, "orders", "gone"))
	if err != nil {
		t.Fatal(err)
	}
	defer cluster.Close()
	c, err := kafka.Connect(&config.Cluster{Brokers: cluster.ListenAddrs(), Timeout: 10 * time.Second},
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()
	// The listing saw "gone"; it is deleted before the describe.
	names := []string{"gone", "orders"}
	if err := c.DeleteTopics(ctx, []string{"gone"}); err != nil {
		t.Fatal(err)
	}
	got, err := ckadmin.DescribeListed(c.Admin, ctx, names, names)
	if err != nil || len(got) != 1 || got[0].Name != "orders" {
		t.Fatalf("a listing with a topic deleted since: %+v, %v", got, err)
	}
}

// The same when the metadata still had the topic and its partition's
// leader no longer does (ListOffsets answers unknown topic).
func TestListTopicsLeavesOutATopicItsLeaderNoLongerHas(t *testing.T) {
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(1, "orders", "gone"))
	if err != nil {
		t.Fatal(err)
	}
	defer cluster.Close()
	var refused atomic.Int32
	cluster.ControlKey(kmsg.ListOffsets.Int16(), func(req kmsg.Request) (kmsg.Response, error, bool) {
		cluster.KeepControl()
		lo := req.(*kmsg.ListOffsetsRequest)
		hasGone := false
		for _, t := range lo.Topics {
			hasGone = hasGone || t.Topic == "gone"
		}
		if !hasGone {
			return nil, nil, false
		}
		refused.Add(1)
		resp := lo.ResponseKind().(*kmsg.ListOffsetsResponse)
		resp.Version = lo.Version
		for _, t := range lo.Topics {
			rt := kmsg.NewListOffsetsResponseTopic()
			rt.Topic = t.Topic
			for _, p := range t.Partitions {
				rp := kmsg.NewListOffsetsResponseTopicPartition()
				rp.Partition, rp.Offset, rp.LeaderEpoch = p.Partition, 0, -1
				if t.Topic == "gone" {
					rp.ErrorCode = kerr.UnknownTopicOrPartition.Code
				}
				rt.Partitions = append(rt.Partitions, rp)
			}
			resp.Topics = append(resp.Topics, rt)
		}
		return resp, nil, true
	})
	c, err := kafka.Connect(&config.Cluster{Brokers: cluster.ListenAddrs(), Timeout: 10 * time.Second},
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	got, err := c.ListTopics(context.Background(), false, nil)
	if err != nil || len(got) != 1 || got[0].Name != "orders" || refused.Load() == 0 {
		t.Fatalf("a listing whose topic's leader answers unknown topic (%d times): %+v, %v", refused.Load(), got, err)
	}
}
