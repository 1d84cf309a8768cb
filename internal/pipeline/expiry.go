package pipeline

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/streamctl/streamctl/internal/output"
	"github.com/streamctl/streamctl/internal/record"
)

// Expiry counts copies that Kafka is about to delete: a record written with
// a kept timestamp older than its target topic's retention.ms is due at the
// broker's next retention check (every 5 minutes by default). Replaying or
// redriving old events with their original timestamps into a topic with the
// default 7-day retention loses them minutes after they were acknowledged,
// and nothing else would tell the user.
type Expiry struct {
	ctx       context.Context
	c         Retentions
	now       time.Time
	retention map[string]time.Duration // by topic; 0: no time-based deletion
	expiring  map[string]int64
}

// Retentions tells how long topics keep records (a *kafka.Client).
type Retentions interface {
	// TimeRetention is the topic's retention.ms when its cleanup.policy
	// deletes, 0 when it deletes nothing by time.
	TimeRetention(ctx context.Context, topic string) (time.Duration, error)
}

// NewExpiry watches records written to topics of cluster c.
func NewExpiry(ctx context.Context, c Retentions) *Expiry {
	return &Expiry{ctx: ctx, c: c, now: time.Now(), retention: map[string]time.Duration{}, expiring: map[string]int64{}}
}

// Step counts a record whose timestamp is past its topic's retention. It
// must run after the step that sets the target topic and timestamp; a zero
// timestamp (the producer stamps it) never expires.
func (e *Expiry) Step(rec *record.Record) (bool, error) {
	if rec.Timestamp.IsZero() || rec.Topic == "" {
		return true, nil
	}
	ret, ok := e.retention[rec.Topic]
	if !ok {
		ret = e.lookup(rec.Topic)
		e.retention[rec.Topic] = ret
	}
	if ret > 0 && e.now.Sub(rec.Timestamp) > ret {
		e.expiring[rec.Topic]++
	}
	return true, nil
}

// lookup reads a topic's time-based retention. Unknown (an error) counts as
// none: this is a warning, not a reason to fail the copy.
func (e *Expiry) lookup(topic string) time.Duration {
	ret, err := e.c.TimeRetention(e.ctx, topic)
	if err != nil {
		return 0
	}
	return ret
}

// Warnings say, per topic, how many copies are due for deletion and what to
// do about it.
func (e *Expiry) Warnings(timestampFlag string) []string {
	topics := make([]string, 0, len(e.expiring))
	for t := range e.expiring {
		topics = append(topics, t)
	}
	sort.Strings(topics)
	var out []string
	for _, t := range topics {
		out = append(out, fmt.Sprintf("%s written to %s keep timestamps older than its retention.ms (%s): the broker deletes them at its next retention check, within minutes. Write them with %s now, or raise the topic's retention.ms first.",
			output.Count(e.expiring[t], "record"), t, e.retention[t], timestampFlag))
	}
	return out
}
