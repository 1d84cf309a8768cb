// Package replay owns replays of events into new projections: the resumable
// checkpoint, the header and event-type steps, and the file and command
// targets. The record pipeline moves the records.
package replay

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/streamctl/streamctl/internal/pipeline"
	"github.com/streamctl/streamctl/internal/record"
)

// Checkpoint is a replay's plan and progress, saved after every commit so
// an interrupted replay resumes where its target last acknowledged.
type Checkpoint struct {
	ID      string   `json:"id"`
	Sources []string `json:"sources"`
	Target  string   `json:"target"` // e.g. "topic:orders-v2", "file:out.jsonl"
	// Partitions maps "topic/partition" to the pinned range and progress.
	Partitions map[string]*Progress `json:"partitions"`
	// Offsets map the copied records' source offsets to their target
	// offsets (a copy to a topic), as far as the progress counts: every
	// record before a partition's Next.
	Offsets *OffsetMap `json:"offsets,omitempty"`
	Updated time.Time  `json:"updated"`
	Done    bool       `json:"done"`
	// Follow: the copy goes on past End (--follow) until interrupted.
	Follow bool `json:"follow,omitempty"`

	path string
	mu   sync.Mutex
}

// Progress is one partition's range and the offset to resume from.
type Progress struct {
	Start int64 `json:"start"`
	End   int64 `json:"end"`  // exclusive, pinned when the replay started
	Next  int64 `json:"next"` // the first offset not yet acknowledged by the target
}

func key(tp record.TopicPartition) string { return tp.Topic + "/" + strconv.Itoa(int(tp.Partition)) }

func parseKey(k string) (record.TopicPartition, error) {
	i := strings.LastIndexByte(k, '/')
	p, err := strconv.Atoi(k[i+1:])
	if i < 0 || err != nil {
		return record.TopicPartition{}, fmt.Errorf("checkpoint: bad partition key %q", k)
	}
	return record.TopicPartition{Topic: k[:i], Partition: int32(p)}, nil
}

// NewCheckpoint records a fresh plan.
func NewCheckpoint(path, id string, sources []string, target string, plan *pipeline.Plan) *Checkpoint {
	cp := &Checkpoint{ID: id, Sources: sources, Target: target, Partitions: map[string]*Progress{}, path: path}
	for tp, start := range plan.Start {
		cp.Partitions[key(tp)] = &Progress{Start: start, End: plan.End[tp], Next: start}
	}
	return cp
}

// LoadCheckpoint reads a saved checkpoint.
func LoadCheckpoint(path string) (*Checkpoint, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading checkpoint: %w", err)
	}
	cp := &Checkpoint{path: path}
	if err := json.Unmarshal(data, cp); err != nil {
		return nil, fmt.Errorf("checkpoint %s: %w", path, err)
	}
	return cp, nil
}

// Remaining is the plan of what is left: from each partition's Next to its End.
func (cp *Checkpoint) Remaining() (*pipeline.Plan, error) {
	plan := &pipeline.Plan{Start: map[record.TopicPartition]int64{}, End: map[record.TopicPartition]int64{}}
	for k, p := range cp.Partitions {
		tp, err := parseKey(k)
		if err != nil {
			return nil, err
		}
		plan.Start[tp], plan.End[tp] = p.Next, p.End
	}
	return plan, nil
}

// Positions are the partitions' Next: what the target acknowledged.
func (cp *Checkpoint) Positions() map[record.TopicPartition]int64 {
	cp.mu.Lock()
	defer cp.mu.Unlock()
	out := map[record.TopicPartition]int64{}
	for k, p := range cp.Partitions {
		if tp, err := parseKey(k); err == nil {
			out[tp] = p.Next
		}
	}
	return out
}

// TopicPartitions lists the checkpoint's partitions, sorted.
func (cp *Checkpoint) TopicPartitions() []record.TopicPartition {
	var tps []record.TopicPartition
	for k := range cp.Partitions {
		if tp, err := parseKey(k); err == nil {
			tps = append(tps, tp)
		}
	}
	sort.Slice(tps, func(i, j int) bool {
		if tps[i].Topic != tps[j].Topic {
			return tps[i].Topic < tps[j].Topic
		}
		return tps[i].Partition < tps[j].Partition
	})
	return tps
}

// Save writes the checkpoint atomically: a crash leaves the old or the new
// file, never half of one.
func (cp *Checkpoint) Save() error {
	cp.mu.Lock()
	defer cp.mu.Unlock()
	if cp.path == "" {
		return nil // a worker's: its progress is in Kafka
	}
	cp.Updated = time.Now().UTC()
	// The map as far as the progress counts: a record acknowledged after
	// one that failed is copied again on --resume.
	live := cp.Offsets
	cp.Offsets = cp.counted()
	data, err := json.MarshalIndent(cp, "", "  ")
	cp.Offsets = live
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(cp.path), 0o700); err != nil {
		return err
	}
	tmp := cp.path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, cp.path)
}

// CountedOffsets is the offset map as far as the progress counts (nil
// without one).
func (cp *Checkpoint) CountedOffsets() *OffsetMap {
	cp.mu.Lock()
	defer cp.mu.Unlock()
	return cp.counted()
}

func (cp *Checkpoint) counted() *OffsetMap {
	if cp.Offsets == nil {
		return nil
	}
	return cp.Offsets.Below(func(tp record.TopicPartition) int64 {
		if p := cp.Partitions[key(tp)]; p != nil {
			return p.Next
		}
		return 0
	})
}

// OffsetRuns counts the runs of the offset map as far as the progress
// counts (nil without a map).
func (cp *Checkpoint) OffsetRuns() *int {
	m := cp.CountedOffsets()
	if m == nil {
		return nil
	}
	n := m.Runs()
	return &n
}

// Path is where the checkpoint is saved.
func (cp *Checkpoint) Path() string { return cp.path }

// Source wraps a pipeline source so that commits advance the checkpoint:
// the pipeline calls Commit only with offsets the target acknowledged.
type Source struct {
	pipeline.Source
	CP *Checkpoint
}

// Unwrap implements pipeline.Wrapper: reading and revocations are the
// wrapped source's.
func (s *Source) Unwrap() pipeline.Source { return s.Source }

// Commits implements pipeline.Committing: progress always goes to the
// checkpoint, also when the wrapped source reads without a group.
func (s *Source) Commits() bool { return true }

// Commit implements pipeline.Source.
func (s *Source) Commit(ctx context.Context, offsets map[record.TopicPartition]int64) error {
	s.CP.mu.Lock()
	for tp, off := range offsets {
		if p := s.CP.Partitions[key(tp)]; p != nil && off > p.Next {
			p.Next = off
		}
	}
	s.CP.mu.Unlock()
	if err := s.Source.Commit(ctx, offsets); err != nil {
		return err
	}
	return s.CP.Save()
}
