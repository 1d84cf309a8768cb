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
	parts map[record.TopicPartition]*partOffsets
	// The partition of the last Add: acks come in runs from one
	// partition, so most skip the map lookup (hashing the topic name).
	last struct {
		tp record.TopicPartition
		p  *partOffsets
	}
}

// partOffsets is a source partition's runs as kept in memory.
type partOffsets struct {
	target    record.TopicPartition
	scattered bool
	runs      []OffsetRun
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
func NewOffsetMap() *OffsetMap { return &OffsetMap{parts: map[record.TopicPartition]*partOffsets{}} }

// Add records that the record at srcOffset of src was copied to dstOffset
// of dst (acknowledged there). Within a partition copies are added in
// source order; one added at or before an offset already mapped (a record
// copied again after a failure, on --resume) replaces what was mapped from
// that offset on: the newer copies are the ones later in the target.
func (m *OffsetMap) Add(src record.TopicPartition, srcOffset int64, dst record.TopicPartition, dstOffset int64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	p := m.last.p
	if p == nil || m.last.tp != src {
		if p = m.parts[src]; p == nil {
			p = &partOffsets{target: dst}
			m.parts[src] = p
		}
		m.last.tp, m.last.p = src, p
	}
	if p.scattered {
		return
	}
	if len(p.runs) == 0 { // nothing mapped (any more): the copies go here
		p.target = dst
	}
	if p.target != dst {
		p.scattered, p.runs = true, nil
		return
	}
	if n := len(p.runs); n > 0 && p.runs[n-1].Source+p.runs[n-1].N > srcOffset {
		p.truncate(srcOffset)
	}
	if n := len(p.runs); n > 0 {
		last := &p.runs[n-1]
		if last.Source+last.N == srcOffset && last.Target+last.N == dstOffset {
			last.N++
			return
		}
	}
	p.runs = append(p.runs, OffsetRun{Source: srcOffset, Target: dstOffset, N: 1})
}

// Truncate forgets the copies of src's records from srcOffset on: they
// will be copied again (what a checkpoint had not counted yet).
func (m *OffsetMap) Truncate(src record.TopicPartition, srcOffset int64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if p := m.parts[src]; p != nil {
		p.truncate(srcOffset)
	}
}

func (p *partOffsets) truncate(from int64) {
	i := sort.Search(len(p.runs), func(i int) bool { return p.runs[i].Source+p.runs[i].N > from })
	if i == len(p.runs) {
		return
	}
	if r := &p.runs[i]; r.Source < from {
		r.N = from - r.Source
		i++
	}
	p.runs = p.runs[:i]
}

// Translate gives where a consumer at source offset c of src (its
// committed offset: the first record it has not consumed) continues in the
// target: the target offset of the first copied record at or after c, or,
// past the last copied record, the target offset after it. ok is false
// when nothing of src was copied, or its copies are scattered.
func (m *OffsetMap) Translate(src record.TopicPartition, c int64) (dst record.TopicPartition, offset int64, ok bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	p := m.parts[src]
	if p == nil || p.scattered || len(p.runs) == 0 {
		return dst, 0, false
	}
	i := sort.Search(len(p.runs), func(i int) bool { return p.runs[i].Source+p.runs[i].N > c })
	if i == len(p.runs) {
		last := p.runs[i-1]
		return p.target, last.Target + last.N, true
	}
	r := p.runs[i]
	return p.target, r.Target + max(0, c-r.Source), true
}

// Partition is src's runs (nil when none).
func (m *OffsetMap) Partition(src record.TopicPartition) *PartitionOffsets {
	m.mu.Lock()
	defer m.mu.Unlock()
	if p := m.parts[src]; p != nil {
		return p.export()
	}
	return nil
}

func (p *partOffsets) export() *PartitionOffsets {
	e := &PartitionOffsets{Scattered: p.scattered, Runs: append([]OffsetRun{}, p.runs...)}
	if !p.scattered {
		e.Target = key(p.target)
	}
	return e
}

// Runs counts the runs of all partitions.
func (m *OffsetMap) Runs() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for _, p := range m.parts {
		n += len(p.runs)
	}
	return n
}

// Below is a copy holding only the copies of source records before
// upTo(partition) on each partition: what a checkpoint counts as done.
func (m *OffsetMap) Below(upTo func(src record.TopicPartition) int64) *OffsetMap {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := NewOffsetMap()
	for tp, p := range m.parts {
		c := *p
		c.runs = append([]OffsetRun(nil), p.runs...)
		c.truncate(upTo(tp))
		out.parts[tp] = &c
	}
	return out
}

// export is the map in its JSON form.
func (m *OffsetMap) export() map[string]*PartitionOffsets {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make(map[string]*PartitionOffsets, len(m.parts))
	for tp, p := range m.parts {
		out[key(tp)] = p.export()
	}
	return out
}

// MarshalJSON writes the map's JSON form (see OffsetMap).
func (m *OffsetMap) MarshalJSON() ([]byte, error) { return json.Marshal(m.export()) }

// UnmarshalJSON reads the map's JSON form.
func (m *OffsetMap) UnmarshalJSON(b []byte) error {
	var in map[string]*PartitionOffsets
	if err := json.Unmarshal(b, &in); err != nil {
		return err
	}
	parts := make(map[record.TopicPartition]*partOffsets, len(in))
	for k, e := range in {
		src, err := parseKey(k)
		if err != nil {
			return fmt.Errorf("offset map: %w", err)
		}
		p := &partOffsets{scattered: e.Scattered, runs: e.Runs}
		if !e.Scattered {
			if p.target, err = parseKey(e.Target); err != nil {
				return fmt.Errorf("offset map: %s: %w", k, err)
			}
		}
		parts[src] = p
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.parts, m.last.p = parts, nil
	return nil
}

// MarshalYAML writes the map as JSON does.
func (m *OffsetMap) MarshalYAML() (any, error) { return m.export(), nil }
