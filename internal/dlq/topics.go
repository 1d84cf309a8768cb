package dlq

import (
	"context"
	"errors"
	"regexp"
	"slices"
	"sort"
	"time"

	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/pipeline"
	"github.com/streamctl/streamctl/internal/record"
)

// nameConventions are the DLQ topic names frameworks and teams use; the
// first group of each pattern is the topic the records came from (for
// SmallRye it is the channel name, often the topic's).
var nameConventions = []*regexp.Regexp{
	regexp.MustCompile(`^(.+)-dlt$`),                    // Spring Kafka 3.3+: <topic>-dlt, <topic>-<exception>-dlt
	regexp.MustCompile(`^(.+)\.DLT$`),                   // older Spring Kafka
	regexp.MustCompile(`(?i)^(.+)[-._]dlq$`),            // <topic>-dlq, <topic>.dlq, <topic>_dlq
	regexp.MustCompile(`(?i)^dlq[-._](.+)$`),            // dlq.<topic>
	regexp.MustCompile(`^dead-letter-topic-(.+)$`),      // SmallRye / Quarkus
	regexp.MustCompile(`(?i)^(.+)[-._]dead-?letters?$`), // <topic>-dead-letter
	regexp.MustCompile(`(?i)^(.+)[-._]dead[-._]letter[-._]queue$`),
}

// MatchName reports whether a topic is named like a DLQ, and the original
// topic the name suggests.
func MatchName(topic string) (original string, ok bool) {
	for _, re := range nameConventions {
		if m := re.FindStringSubmatch(topic); m != nil {
			return m[1], true
		}
	}
	return "", false
}

// Topic is one row of `dlq list`. The json/yaml names are a public contract.
type Topic struct {
	Topic string `json:"topic" yaml:"topic"`
	// DetectedBy is "name", "headers" (DLQ headers in the sampled records)
	// or "name+headers".
	DetectedBy string `json:"detected_by" yaml:"detected_by"`
	// Conventions found in the sampled records' headers.
	Conventions []string `json:"conventions" yaml:"conventions"`
	// OriginalTopics named by the sampled records, or suggested by the
	// name when the sample names none.
	OriginalTopics []string   `json:"original_topics" yaml:"original_topics"`
	Partitions     int        `json:"partitions" yaml:"partitions"`
	Records        int64      `json:"records" yaml:"records"`
	Oldest         *time.Time `json:"oldest" yaml:"oldest"` // timestamp of the oldest first record of a partition
	Newest         *time.Time `json:"newest" yaml:"newest"` // timestamp of the newest last record of a partition
	Group          string     `json:"group" yaml:"group"`   // the tracking group of reprocess and drain
	GroupState     string     `json:"group_state" yaml:"group_state"`
	// Pending counts records after the tracking group's committed offsets:
	// not yet reprocessed or drained (all of them before the first run).
	Pending int64 `json:"pending" yaml:"pending"`
}

// ListOptions shape `dlq list`.
type ListOptions struct {
	Keep func(string) bool // topic names to consider; nil: all
	// Sample reads up to this many of the newest records of each partition
	// of every topic to find DLQ headers; 0 detects by name only.
	Sample int
}

// List finds the DLQ topics of the cluster and summarises each.
func List(ctx context.Context, c *kafka.Client, opts ListOptions) ([]Topic, error) {
	names, err := c.TopicNames(ctx)
	if err != nil {
		return nil, err
	}
	names = slices.DeleteFunc(names, func(n string) bool { return kafka.IsInternal(n, false) || (opts.Keep != nil && !opts.Keep(n)) })
	tps, err := c.Partitions(ctx, names)
	if err != nil {
		return nil, err
	}
	logs, err := c.LogOffsets(ctx, tps)
	if err != nil {
		return nil, err
	}
	found := map[string]*Topic{}
	for _, n := range names {
		if orig, ok := MatchName(n); ok {
			found[n] = &Topic{Topic: n, DetectedBy: "name", OriginalTopics: []string{orig}}
		}
	}
	if opts.Sample > 0 {
		if err := sampleHeaders(ctx, c, tps, logs, opts.Sample, found); err != nil {
			return nil, err
		}
	}
	var dlqTPs []record.TopicPartition
	first, last := map[record.TopicPartition]int64{}, map[record.TopicPartition]int64{}
	for _, tp := range tps {
		t := found[tp.Topic]
		if t == nil {
			continue
		}
		lo := logs[tp]
		t.Partitions++
		t.Records += lo.End - lo.Start
		dlqTPs = append(dlqTPs, tp)
		if lo.End > lo.Start {
			first[tp], last[tp] = lo.Start, lo.End-1
		}
	}
	if err := addAges(ctx, c, found, first, last); err != nil {
		return nil, err
	}
	if err := addGroups(ctx, c, found, dlqTPs, logs); err != nil {
		return nil, err
	}
	out := make([]Topic, 0, len(found))
	for _, t := range found {
		out = append(out, *t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Topic < out[j].Topic })
	return out, nil
}

// sampleHeaders reads the newest records of every partition, all in one
// bounded pass, and marks topics whose records carry DLQ headers.
func sampleHeaders(ctx context.Context, c *kafka.Client, tps []record.TopicPartition, logs map[record.TopicPartition]record.LogOffsets, n int, found map[string]*Topic) error {
	plan := &pipeline.Plan{Start: map[record.TopicPartition]int64{}, End: map[record.TopicPartition]int64{}}
	for _, tp := range tps {
		lo := logs[tp]
		if lo.End > lo.Start {
			plan.Start[tp], plan.End[tp] = max(lo.Start, lo.End-int64(n)), lo.End
		}
	}
	if len(plan.Start) == 0 {
		return nil
	}
	named := map[string]bool{}
	for name, t := range found {
		named[name] = true
		t.OriginalTopics = nil // the headers say better, if they say
	}
	err := read(ctx, c, plan, func(rec *record.Record) {
		m := Decode(rec.Headers)
		if m.Convention == ConventionNone {
			return
		}
		t := found[rec.Topic]
		if t == nil {
			t = &Topic{Topic: rec.Topic, DetectedBy: "headers"}
			found[rec.Topic] = t
		} else if named[rec.Topic] {
			t.DetectedBy = "name+headers"
		}
		if !slices.Contains(t.Conventions, m.Convention) {
			t.Conventions = append(t.Conventions, m.Convention)
		}
		if m.OriginalTopic != "" && !slices.Contains(t.OriginalTopics, m.OriginalTopic) {
			t.OriginalTopics = append(t.OriginalTopics, m.OriginalTopic)
		}
	})
	for name, t := range found {
		if len(t.OriginalTopics) == 0 {
			orig, _ := MatchName(name)
			t.OriginalTopics = []string{orig}
		}
		sort.Strings(t.Conventions)
		sort.Strings(t.OriginalTopics)
	}
	return err
}

// read reads a bounded plan and calls fn with every record, giving up on
// what has not arrived after the cluster's request timeout.
func read(ctx context.Context, c *kafka.Client, plan *pipeline.Plan, fn func(*record.Record)) error {
	reader, err := c.NewReader(kafka.ReaderOptions{Start: plan.Start, ReadCommitted: true})
	if err != nil {
		return err
	}
	defer reader.Close()
	ctx, cancel := context.WithTimeout(ctx, c.Cluster().Timeout)
	defer cancel()
	p := &pipeline.Pipeline{
		Source: pipeline.NewTopicSource(reader, plan.End, 0),
		Steps:  []pipeline.Step{func(rec *record.Record) (bool, error) { fn(rec); return false, nil }},
		Sink:   &AckSink{},
	}
	_, err = p.Run(ctx)
	if errors.Is(err, context.DeadlineExceeded) {
		return nil // a partial sample is still a sample
	}
	return err
}

// addAges looks up the timestamps of the first and last record of every
// DLQ partition.
func addAges(ctx context.Context, c *kafka.Client, found map[string]*Topic, first, last map[record.TopicPartition]int64) error {
	at := map[record.TopicPartition][]int64{}
	for tp, off := range first {
		at[tp] = append(at[tp], off)
	}
	for tp, off := range last {
		at[tp] = append(at[tp], off)
	}
	stamps, err := c.RecordTimestamps(ctx, at)
	if err != nil {
		return err
	}
	for tp, byOffset := range stamps {
		t := found[tp.Topic]
		if ts, ok := byOffset[first[tp]]; ok {
			if ts = ts.UTC(); t.Oldest == nil || ts.Before(*t.Oldest) {
				t.Oldest = &ts
			}
		}
		if ts, ok := byOffset[last[tp]]; ok {
			if ts = ts.UTC(); t.Newest == nil || ts.After(*t.Newest) {
				t.Newest = &ts
			}
		}
	}
	return nil
}

// addGroups fills in each DLQ's tracking group, its state and the records
// it has not handled yet.
func addGroups(ctx context.Context, c *kafka.Client, found map[string]*Topic, tps []record.TopicPartition, logs map[record.TopicPartition]record.LogOffsets) error {
	var ids []string
	for name, t := range found {
		t.Group = TrackingGroup(name)
		ids = append(ids, t.Group)
	}
	if len(ids) == 0 {
		return nil
	}
	descs, err := c.DescribeGroups(ctx, ids)
	if err != nil {
		return err
	}
	state := map[string]string{}
	for _, d := range descs {
		state[d.ID] = d.State
	}
	committed, err := c.GroupsOffsets(ctx, ids)
	if err != nil {
		return err
	}
	for _, tp := range tps {
		t := found[tp.Topic]
		t.GroupState = state[t.Group]
		lo := logs[tp]
		from := lo.Start
		if off, ok := committed[t.Group][tp]; ok {
			from = max(off, lo.Start)
		}
		t.Pending += max(0, lo.End-from)
	}
	return nil
}
