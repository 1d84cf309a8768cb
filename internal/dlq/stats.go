package dlq

import (
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/streamctl/streamctl/internal/record"
)

// Stats is the shape of the failures in a DLQ: grouped by exception and
// normalised message, by original topic and by time bucket (of the time the
// record entered the DLQ, its timestamp). The json/yaml names are a
// public contract.
type Stats struct {
	Topic           string           `json:"topic" yaml:"topic"`
	Records         int64            `json:"records" yaml:"records"`
	FirstSeen       *time.Time       `json:"first_seen" yaml:"first_seen"`
	LastSeen        *time.Time       `json:"last_seen" yaml:"last_seen"`
	BucketSeconds   int64            `json:"bucket_seconds" yaml:"bucket_seconds"`
	ByException     []ExceptionTally `json:"by_exception" yaml:"by_exception"`
	ByOriginalTopic []TopicTally     `json:"by_original_topic" yaml:"by_original_topic"`
	ByTime          []TimeTally      `json:"by_time" yaml:"by_time"`
}

// Tally counts records in one group, with the first and last seen and the
// DLQ coordinates of one example (the first seen).
type Tally struct {
	Count            int64     `json:"count" yaml:"count"`
	FirstSeen        time.Time `json:"first_seen" yaml:"first_seen"`
	LastSeen         time.Time `json:"last_seen" yaml:"last_seen"`
	ExamplePartition int32     `json:"example_partition" yaml:"example_partition"`
	ExampleOffset    int64     `json:"example_offset" yaml:"example_offset"`
}

// ExceptionTally is one exception class, root cause and normalised message.
type ExceptionTally struct {
	Exception string `json:"exception" yaml:"exception"`   // "" when the headers name none
	RootCause string `json:"root_cause" yaml:"root_cause"` // "" when the headers name none
	Message   string `json:"message" yaml:"message"`       // numbers, ids and uuids folded
	Tally     `yaml:",inline"`
}

// TopicTally is one original topic ("" when the headers name none).
type TopicTally struct {
	OriginalTopic string `json:"original_topic" yaml:"original_topic"`
	Tally         `yaml:",inline"`
}

// TimeTally is one time bucket.
type TimeTally struct {
	Start time.Time `json:"start" yaml:"start"`
	Tally `yaml:",inline"`
}

func (t *Tally) add(ts time.Time, partition int32, offset int64) {
	if t.Count == 0 || ts.Before(t.FirstSeen) {
		t.FirstSeen, t.ExamplePartition, t.ExampleOffset = ts, partition, offset
	}
	if t.Count == 0 || ts.After(t.LastSeen) {
		t.LastSeen = ts
	}
	t.Count++
}

// Aggregator builds Stats from the records of a read.
type Aggregator struct {
	exceptions map[[3]string]*ExceptionTally
	topics     map[string]*TopicTally
	seen       []sighting // for the time buckets, sized once the span is known
	total      Tally
}

type sighting struct {
	ts        time.Time
	partition int32
	offset    int64
}

// NewAggregator starts empty.
func NewAggregator() *Aggregator {
	return &Aggregator{exceptions: map[[3]string]*ExceptionTally{}, topics: map[string]*TopicTally{}}
}

// Add counts one record; it is a Handler for Selection.Steps.
func (a *Aggregator) Add(rec *record.Record, m *Metadata) (bool, error) {
	ts := rec.Timestamp.UTC()
	msg := m.ExceptionMessage
	if msg == "" {
		msg = m.RootCauseMessage
	}
	key := [3]string{m.ExceptionClass, m.RootCauseClass, NormaliseMessage(msg)}
	e := a.exceptions[key]
	if e == nil {
		e = &ExceptionTally{Exception: key[0], RootCause: key[1], Message: key[2]}
		a.exceptions[key] = e
	}
	e.add(ts, rec.Partition, rec.Offset)
	t := a.topics[m.OriginalTopic]
	if t == nil {
		t = &TopicTally{OriginalTopic: m.OriginalTopic}
		a.topics[m.OriginalTopic] = t
	}
	t.add(ts, rec.Partition, rec.Offset)
	a.total.add(ts, rec.Partition, rec.Offset)
	a.seen = append(a.seen, sighting{ts, rec.Partition, rec.Offset})
	return true, nil
}

// bucketSizes are the time buckets Result picks from, smallest first.
var bucketSizes = []time.Duration{time.Minute, 5 * time.Minute, 15 * time.Minute, time.Hour, 6 * time.Hour, 24 * time.Hour, 7 * 24 * time.Hour}

// Result returns the stats, largest groups first and time buckets in order.
// bucket 0 picks the smallest size that gives at most 24 buckets.
func (a *Aggregator) Result(topic string, bucket time.Duration) Stats {
	s := Stats{Topic: topic, Records: a.total.Count, ByException: []ExceptionTally{}, ByOriginalTopic: []TopicTally{}, ByTime: []TimeTally{}}
	if a.total.Count == 0 {
		return s
	}
	first, last := a.total.FirstSeen, a.total.LastSeen
	s.FirstSeen, s.LastSeen = &first, &last
	for _, e := range a.exceptions {
		s.ByException = append(s.ByException, *e)
	}
	sort.Slice(s.ByException, func(i, j int) bool {
		x, y := s.ByException[i], s.ByException[j]
		if x.Count != y.Count {
			return x.Count > y.Count
		}
		return x.Exception+x.RootCause+x.Message < y.Exception+y.RootCause+y.Message
	})
	for _, t := range a.topics {
		s.ByOriginalTopic = append(s.ByOriginalTopic, *t)
	}
	sort.Slice(s.ByOriginalTopic, func(i, j int) bool {
		x, y := s.ByOriginalTopic[i], s.ByOriginalTopic[j]
		if x.Count != y.Count {
			return x.Count > y.Count
		}
		return x.OriginalTopic < y.OriginalTopic
	})
	if bucket <= 0 {
		bucket = bucketSizes[len(bucketSizes)-1]
		for _, b := range bucketSizes {
			if last.Sub(first.Truncate(b)) < 24*b {
				bucket = b
				break
			}
		}
	}
	s.BucketSeconds = int64(bucket / time.Second)
	buckets := map[time.Time]*TimeTally{}
	for _, r := range a.seen {
		start := r.ts.Truncate(bucket)
		b := buckets[start]
		if b == nil {
			b = &TimeTally{Start: start}
			buckets[start] = b
		}
		b.add(r.ts, r.partition, r.offset)
	}
	for _, b := range buckets {
		s.ByTime = append(s.ByTime, *b)
	}
	sort.Slice(s.ByTime, func(i, j int) bool { return s.ByTime[i].Start.Before(s.ByTime[j].Start) })
	return s
}

var (
	uuidRe   = regexp.MustCompile(`(?i)\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b`)
	timeRe   = regexp.MustCompile(`\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?`)
	hexIDRe  = regexp.MustCompile(`(?i)\b(0x)?[0-9a-f]{8,}\b`)
	numberRe = regexp.MustCompile(`\d+(\.\d+)?`)
	spaceRe  = regexp.MustCompile(`\s+`)
)

// maxMessage bounds a normalised message, so a huge one cannot make every
// record its own group by a difference far down.
const maxMessage = 200

// NormaliseMessage folds what varies between otherwise equal failures:
// uuids, timestamps, hex ids of 8 or more digits and numbers become <uuid>,
// <time>, <id> and <n>; whitespace runs become one space.
func NormaliseMessage(msg string) string {
	msg = uuidRe.ReplaceAllString(msg, "<uuid>")
	msg = timeRe.ReplaceAllString(msg, "<time>")
	msg = hexIDRe.ReplaceAllStringFunc(msg, func(s string) string {
		// An id mixes digits and letters; all digits is a number, all
		// letters a word ("deadbeef" stays).
		digits := strings.TrimPrefix(strings.ToLower(s), "0x")
		if strings.ContainsAny(digits, "0123456789") && strings.ContainsAny(digits, "abcdef") {
			return "<id>"
		}
		return s
	})
	msg = numberRe.ReplaceAllString(msg, "<n>")
	msg = strings.TrimSpace(spaceRe.ReplaceAllString(msg, " "))
	if r := []rune(msg); len(r) > maxMessage {
		msg = string(r[:maxMessage-1]) + "…"
	}
	return msg
}
