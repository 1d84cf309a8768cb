package replay

import (
	"encoding/json"
	"fmt"
	"sort"
	"sync"

	"github.com/streamctl/streamctl/internal/record"
)

// OffsetMap records, per source partition, where a copy wrote each source
// record in the target: runs of constant delta, each a stretch of
// consecutive source offsets that all went, one after another, to
// consecutive target offsets of one target partition. A source offset with
// no copy (filtered out, a transaction marker, compacted away) ends a run,
// so a run never claims a copy that does not exist.
//
// It is what translates a consumer group's committed source offset to the
// target (Translate), and it is safe for concurrent use: a writer's
// delivery reports Add while a checkpoint saves it.
//
// Its JSON form, a contract (checkpoints, `replay offsets -o json`):
//
//	{"orders/0": {"target": "orders/0", "runs": [[0, 0, 100], [101, 100, 7]]}}
//
// each run [source start, target start, count].
type OffsetMap struct {
	mu    sync.Mutex
	parts map[string]*PartitionOffsets
}

// PartitionOffsets is one source partition's runs.
type PartitionOffsets struct {
	// Target is the target partition, "topic/partition". Scattered: the
	// records went to several target partitions (placed by key), so no
	// single target offset stands for a source position; no runs are kept.
	Target    string      `json:"target,omitempty" yaml:"target,omitempty"`
	Scattered bool        `json:"scattered,omitempty" yaml:"scattered,omitempty"`
	Runs      []OffsetRun `json:"runs" yaml:"runs"`
}

// OffsetRun is a stretch of N consecutive source records, from source offset
// Source, copied to target offsets Target... Target+N-1.
type OffsetRun struct {
	Source, Target, N int64
}

// MarshalJSON writes a run as [source, target, count]: maps of long copies
// with filters hold many runs.
func (r OffsetRun) MarshalJSON() ([]byte, error) {
	return json.Marshal([3]int64{r.Source, r.Target, r.N})
}

// UnmarshalJSON reads [source, target, count].
func (r *OffsetRun) UnmarshalJSON(b []byte) error {
	var a [3]int64
	if err := json.Unmarshal(b, &a); err != nil {
		return fmt.Errorf("offset map run: %w", err)
	}
	r.Source, r.Target, r.N = a[0], a[1], a[2]
	return nil
}

// MarshalYAML writes a run as [source, target, count], as in JSON.
func (r OffsetRun) MarshalYAML() (any, error) { return []int64{r.Source, r.Target, r.N}, nil }

// NewOffsetMap is an empty map.
func NewOffsetMap() *OffsetMap { return &OffsetMap{parts: map[string]*PartitionOffsets{}} }

// Add records that the record at srcOffset of src was copied to dstOffset
// of dst (acknowledged there). Within a partition copies are added in
// source order; one added at or before an offset already mapped (a record
// copied again after a failure, on --resume) replaces what was mapped from
// that offset on: the newer copies are the ones later in the target.
func (m *OffsetMap) Add(src record.TopicPartition, srcOffset int64, dst record.TopicPartition, dstOffset int64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	p := m.parts[key(src)]
	target := key(dst)
	if p == nil {
		p = &PartitionOffsets{Target: target}
		m.parts[key(src)] = p
	}
	if p.Scattered {
		return
	}
	if p.Target != target {
		p.Target, p.Scattered, p.Runs = "", true, nil
		return
	}
	if n := len(p.Runs); n > 0 && p.Runs[n-1].Source+p.Runs[n-1].N > srcOffset {
		p.truncate(srcOffset)
	}
	if n := len(p.Runs); n > 0 {
		last := &p.Runs[n-1]
		if last.Source+last.N == srcOffset && last.Target+last.N == dstOffset {
			last.N++
			return
		}
	}
	p.Runs = append(p.Runs, OffsetRun{Source: srcOffset, Target: dstOffset, N: 1})
}

// Truncate forgets the copies of src's records from srcOffset on: they
// will be copied again (what a checkpoint had not counted yet).
func (m *OffsetMap) Truncate(src record.TopicPartition, srcOffset int64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if p := m.parts[key(src)]; p != nil {
		p.truncate(srcOffset)
	}
}

func (p *PartitionOffsets) truncate(from int64) {
	i := sort.Search(len(p.Runs), func(i int) bool { return p.Runs[i].Source+p.Runs[i].N > from })
	if i == len(p.Runs) {
		return
	}
	if r := &p.Runs[i]; r.Source < from {
		r.N = from - r.Source
		i++
	}
	p.Runs = p.Runs[:i]
}

// Translate gives where a consumer at source offset c of src (its
// committed offset: the first record it has not consumed) continues in the
// target: the target offset of the first copied record at or after c, or,
// past the last copied record, the target offset after it. ok is false
// when nothing of src was copied, or its copies are scattered.
func (m *OffsetMap) Translate(src record.TopicPartition, c int64) (dst record.TopicPartition, offset int64, ok bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	p := m.parts[key(src)]
	if p == nil || p.Scattered || len(p.Runs) == 0 {
		return dst, 0, false
	}
	dst, err := parseKey(p.Target)
	if err != nil {
		return dst, 0, false
	}
	i := sort.Search(len(p.Runs), func(i int) bool { return p.Runs[i].Source+p.Runs[i].N > c })
	if i == len(p.Runs) {
		last := p.Runs[i-1]
		return dst, last.Target + last.N, true
	}
	r := p.Runs[i]
	return dst, r.Target + max(0, c-r.Source), true
}

// Last is the source offset after the last record of src mapped, and
// whether any is.
func (m *OffsetMap) Last(src record.TopicPartition) (int64, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	p := m.parts[key(src)]
	if p == nil || len(p.Runs) == 0 {
		return 0, false
	}
	r := p.Runs[len(p.Runs)-1]
	return r.Source + r.N, true
}

// Partition is a copy of src's runs (nil when none).
func (m *OffsetMap) Partition(src record.TopicPartition) *PartitionOffsets {
	m.mu.Lock()
	defer m.mu.Unlock()
	p := m.parts[key(src)]
	if p == nil {
		return nil
	}
	c := *p
	c.Runs = append([]OffsetRun(nil), p.Runs...)
	return &c
}

// Runs counts the runs of all partitions.
func (m *OffsetMap) Runs() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for _, p := range m.parts {
		n += len(p.Runs)
	}
	return n
}

// Below is a copy holding only the copies of source records before
// upTo(partition) on each partition: what a checkpoint counts as done.
func (m *OffsetMap) Below(upTo func(src record.TopicPartition) int64) *OffsetMap {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := NewOffsetMap()
	for k, p := range m.parts {
		c := *p
		c.Runs = append([]OffsetRun(nil), p.Runs...)
		if tp, err := parseKey(k); err == nil {
			c.truncate(upTo(tp))
		}
		out.parts[k] = &c
	}
	return out
}

// MarshalJSON writes the map's JSON form (see OffsetMap).
func (m *OffsetMap) MarshalJSON() ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return json.Marshal(m.parts)
}

// UnmarshalJSON reads the map's JSON form.
func (m *OffsetMap) UnmarshalJSON(b []byte) error {
	parts := map[string]*PartitionOffsets{}
	if err := json.Unmarshal(b, &parts); err != nil {
		return err
	}
	for k := range parts {
		if _, err := parseKey(k); err != nil {
			return err
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.parts = parts
	return nil
}

// MarshalYAML writes the map as JSON does.
func (m *OffsetMap) MarshalYAML() (any, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.parts, nil
}
