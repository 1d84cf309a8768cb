package dlq

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/pipeline"
	"github.com/streamctl/streamctl/internal/position"
	"github.com/streamctl/streamctl/internal/record"
)

// TrackingGroup is the consumer group whose committed offsets record how
// far reprocess and drain have worked through a DLQ.
func TrackingGroup(topic string) string { return "streamctl-dlq-" + topic }

// PlanRun resolves the part of the DLQ a run works on, its end pinned now
// (records that fail again and come back during the run are left for the
// next one). Each partition starts at the tracking group's committed offset
// where it has one, so a run continues where the last stopped; with
// fromRange (--from given) it starts at the range's start instead. It reads
// as read_committed does (a transactional producer may write the DLQ).
func PlanRun(ctx context.Context, c *kafka.Client, topic, group string, rng position.Range, fromRange bool) (*pipeline.Plan, error) {
	tps, err := c.Partitions(ctx, []string{topic})
	if err != nil {
		return nil, err
	}
	plan, err := pipeline.Resolve(ctx, c, tps, rng, true, true)
	if err != nil || fromRange {
		return plan, err
	}
	committed, err := c.GroupOffsets(ctx, group)
	if err != nil {
		return nil, err
	}
	for tp, start := range plan.Start {
		if off, ok := committed[tp]; ok {
			plan.Start[tp] = min(max(off, start), plan.End[tp])
		}
	}
	return plan, nil
}

// JoinOptions say how a run takes the tracking group.
type JoinOptions struct {
	// FromRange: the run starts at the plan's start (--from given), not
	// where the group's commits say.
	FromRange bool
	// Wait is how long to wait for the group's members to leave before
	// refusing: a killed run's member stays until its session expires.
	Wait time.Duration
	// Waiting, when set, is told once that the run waits, and for what.
	Waiting func(*BusyError)
}

// Join starts a run that moves records: it refuses while another run holds
// the tracking group (after waiting up to o.Wait for it to empty), moves
// the group to the plan's start when o.FromRange, and joins the group. The
// source reads the plan as the group's only member; commit through the
// reader (or a transaction using it).
func Join(ctx context.Context, c *kafka.Client, topic, group string, plan *pipeline.Plan, o JoinOptions) (*kafka.Reader, pipeline.Source, error) {
	if err := waitIdle(ctx, c, group, o); err != nil {
		return nil, nil, err
	}
	if o.FromRange {
		if err := c.CommitGroupOffsets(ctx, group, plan.Start); err != nil {
			return nil, nil, err
		}
	}
	r, err := c.NewReader(kafka.ReaderOptions{Group: group, Topics: []string{topic}, Start: plan.Start, ReadCommitted: true})
	if err != nil {
		return nil, nil, err
	}
	src := &exclusiveSource{TopicSource: pipeline.NewTopicSource(r, plan.End, 0), r: r, c: c, group: group, parts: len(plan.Start), verify: true}
	return r, src, nil
}

// BusyError refuses a run while the tracking group has members: another
// reprocess or drain of the same DLQ (or a consumer using that group), or
// one that was killed and whose member the broker keeps until its session
// expires.
type BusyError struct {
	Group, State string
	Members      []kafka.GroupMember
	// SessionTimeout is this client's session.timeout.ms: a killed run of
	// the same settings is dropped by the broker within it.
	SessionTimeout time.Duration
	Waited         time.Duration // how long this run waited (--wait)
}

func (e *BusyError) Error() string {
	var who []string
	for _, m := range e.Members {
		who = append(who, fmt.Sprintf("%s on %s", m.ClientID, m.Host))
	}
	msg := fmt.Sprintf("group %q is %s with %d member(s) (%s): another reprocess or drain of this DLQ is running", e.Group, e.State, len(e.Members), strings.Join(who, ", "))
	if e.Waited > 0 {
		msg += fmt.Sprintf(" (still, after waiting %s)", e.Waited)
	}
	// Runs are never interleaved: the next one waits for the group to empty.
	return msg + fmt.Sprintf("; wait for it to finish, or stop it. A run that was killed holds the group until its session times out, within %s (session.timeout.ms): run again with --wait %s to wait for that", e.SessionTimeout, waitHint(e.SessionTimeout))
}

// waitHint is a --wait that covers a session timeout, with room for the
// broker to notice, written as a person would ("1m", not "1m0s").
func waitHint(session time.Duration) string {
	d := (session + 15*time.Second).Truncate(15 * time.Second)
	if d%time.Minute == 0 {
		return fmt.Sprintf("%dm", d/time.Minute)
	}
	return d.String()
}

// SessionTimeout is the session.timeout.ms the client's group members use.
func SessionTimeout(c *kafka.Client) time.Duration {
	if ms, err := strconv.Atoi(c.Cluster().Properties["session.timeout.ms"]); err == nil && ms > 0 {
		return time.Duration(ms) * time.Millisecond
	}
	return 45 * time.Second // librdkafka's and the Java client's default
}

// checkIdle refuses, with a BusyError, when the group has active members.
func checkIdle(ctx context.Context, c *kafka.Client, group string) error {
	descs, err := c.DescribeGroups(ctx, []string{group})
	if err != nil {
		return err
	}
	for _, d := range descs {
		if len(d.Members) > 0 {
			return &BusyError{Group: d.ID, State: d.State, Members: d.Members, SessionTimeout: SessionTimeout(c)}
		}
	}
	return nil
}

// waitIdle is checkIdle, asked again every second for up to o.Wait while
// the group has members.
func waitIdle(ctx context.Context, c *kafka.Client, group string, o JoinOptions) error {
	start := time.Now()
	told := false
	for {
		err := checkIdle(ctx, c, group)
		var busy *BusyError
		if !errors.As(err, &busy) {
			return err
		}
		waited := time.Since(start)
		if waited >= o.Wait {
			if o.Wait > 0 {
				busy.Waited = o.Wait
			}
			return busy
		}
		if !told && o.Waiting != nil {
			o.Waiting(busy)
			told = true
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(min(time.Second, o.Wait-waited)):
		}
	}
}

// exclusiveSource reads the DLQ as the only member of the tracking group.
// checkIdle before joining catches a run already going; this catches two
// runs that start at the same moment: once the group assigns partitions,
// the reader must hold all of them and be the group's only member, and any
// later rebalance (someone joined) stops the run. Both racing runs may
// stop; neither ever interleaves with the other.
type exclusiveSource struct {
	*pipeline.TopicSource
	r      *kafka.Reader
	c      *kafka.Client
	group  string
	parts  int
	gen    int
	verify bool
}

// Next implements pipeline.Source.
func (s *exclusiveSource) Next(ctx context.Context) (*record.Record, error) {
	if !s.verify && s.r.Generation() != s.gen {
		return nil, fmt.Errorf("group %q rebalanced: another consumer joined it while this run was going; stopped (what was sent is committed)", s.group)
	}
	rec, err := s.TopicSource.Next(ctx)
	if s.verify && err == nil {
		if verr := s.check(ctx); verr != nil {
			return nil, verr
		}
	}
	return rec, err
}

// check runs once the reader has an assignment.
func (s *exclusiveSource) check(ctx context.Context) error {
	assigned, gen := s.r.Assignment()
	if len(assigned) == 0 {
		return nil // not yet: the group is still forming
	}
	descs, err := s.c.DescribeGroups(ctx, []string{s.group})
	if err != nil {
		return err
	}
	if len(assigned) != s.parts || len(descs) == 0 || len(descs[0].Members) != 1 {
		d := kafka.GroupDescription{ID: s.group, State: "Unknown"}
		if len(descs) > 0 {
			d = descs[0]
		}
		return &BusyError{Group: s.group, State: d.State, Members: d.Members, SessionTimeout: SessionTimeout(s.c)}
	}
	s.verify, s.gen = false, gen
	return nil
}

// AckSink acknowledges every record at once and keeps nothing: for reads
// whose work happens in the steps (inspect, stats, dry runs).
type AckSink struct{ ack pipeline.Acker }

// Start implements pipeline.Sink.
func (s *AckSink) Start(ack pipeline.Acker) { s.ack = ack }

// Write implements pipeline.Sink.
func (s *AckSink) Write(_ context.Context, _ *record.Record, t pipeline.Ticket) error {
	s.ack.Ack(t, nil)
	return nil
}

// Flush implements pipeline.Sink.
func (s *AckSink) Flush(context.Context) error { return nil }
