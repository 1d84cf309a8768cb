package replay

import (
	"encoding/json"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/streamctl/streamctl/internal/pipeline"
	"github.com/streamctl/streamctl/internal/record"
)

var (
	src0 = record.TopicPartition{Topic: "orders", Partition: 0}
	dst0 = record.TopicPartition{Topic: "orders-copy", Partition: 0}
)

func runsOf(m *OffsetMap, tp record.TopicPartition) []OffsetRun {
	if p := m.Partition(tp); p != nil {
		return p.Runs
	}
	return nil
}

func TestOffsetMapRunsMergeAndBreak(t *testing.T) {
	m := NewOffsetMap()
	for _, c := range [][2]int64{{0, 10}, {1, 11}, {2, 12}, // one run
		{4, 13},          // source 3 filtered out: a new run, though the delta changes anyway
		{5, 14}, {6, 16}, // target 15 is a transaction marker: a new run
		{8, 17}, {9, 18}} { // source 7 filtered, target consecutive: still a new run
		m.Add(src0, c[0], dst0, c[1])
	}
	want := []OffsetRun{{0, 10, 3}, {4, 13, 2}, {6, 16, 1}, {8, 17, 2}}
	if got := runsOf(m, src0); !reflect.DeepEqual(got, want) {
		t.Fatalf("runs = %v, want %v", got, want)
	}
	if m.Runs() != 4 {
		t.Fatalf("Runs() = %d", m.Runs())
	}
}

func TestOffsetMapTranslate(t *testing.T) {
	m := NewOffsetMap()
	for _, c := range [][2]int64{{5, 0}, {6, 1}, {8, 2}, {9, 4}} {
		m.Add(src0, c[0], dst0, c[1])
	}
	for _, tc := range []struct{ c, want int64 }{
		{0, 0}, // before the copy: its first record
		{5, 0}, // nothing consumed of the copy
		{6, 1}, // within a run
		{7, 2}, // 7 was not copied: the first copied at or after it
		{8, 2},
		{9, 4},  // a marker at target 3: the run's own offset, not 8+delta
		{10, 5}, // everything consumed: after the last copy
		{99, 5},
	} {
		dst, off, ok := m.Translate(src0, tc.c)
		if !ok || dst != dst0 || off != tc.want {
			t.Errorf("Translate(%d) = %v %d %v, want %v %d", tc.c, dst, off, ok, dst0, tc.want)
		}
	}
	if _, _, ok := m.Translate(record.TopicPartition{Topic: "orders", Partition: 1}, 0); ok {
		t.Error("a partition with nothing copied translated")
	}
}

// A record copied again (after a failure, on --resume) replaces the copies
// from its offset on; acks of records after a failed one that arrive
// before the retry are dropped with them.
func TestOffsetMapCopiedAgain(t *testing.T) {
	m := NewOffsetMap()
	m.Add(src0, 0, dst0, 0)
	m.Add(src0, 1, dst0, 1)
	// 2 failed; 3 was acknowledged all the same.
	m.Add(src0, 3, dst0, 3)
	// The checkpoint counted up to 2: the resume truncates there and copies
	// 2 and 3 again, after what the first run wrote.
	m.Truncate(src0, 2)
	m.Add(src0, 2, dst0, 4)
	m.Add(src0, 3, dst0, 5)
	want := []OffsetRun{{0, 0, 2}, {2, 4, 2}}
	if got := runsOf(m, src0); !reflect.DeepEqual(got, want) {
		t.Fatalf("runs = %v, want %v", got, want)
	}
	// Without the truncate, an earlier offset added late cuts the map there.
	m.Add(src0, 1, dst0, 9)
	if got := runsOf(m, src0); !reflect.DeepEqual(got, []OffsetRun{{0, 0, 1}, {1, 9, 1}}) {
		t.Fatalf("runs after a late add = %v", got)
	}
}

func TestOffsetMapScattered(t *testing.T) {
	m := NewOffsetMap()
	m.Add(src0, 0, dst0, 0)
	m.Add(src0, 1, record.TopicPartition{Topic: "orders-copy", Partition: 2}, 0)
	if _, _, ok := m.Translate(src0, 0); ok {
		t.Fatal("a partition copied to several target partitions translated")
	}
	if p := m.Partition(src0); !p.Scattered || len(p.Runs) != 0 {
		t.Fatalf("partition = %+v", p)
	}
}

func TestOffsetMapBelowAndJSON(t *testing.T) {
	m := NewOffsetMap()
	for i := int64(0); i < 10; i++ {
		m.Add(src0, i, dst0, 100+i)
	}
	b := m.Below(func(record.TopicPartition) int64 { return 4 })
	data, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"orders/0":{"target":"orders-copy/0","runs":[[0,100,4]]}}`; string(data) != want {
		t.Fatalf("json = %s, want %s", data, want)
	}
	back := NewOffsetMap()
	if err := json.Unmarshal(data, back); err != nil {
		t.Fatal(err)
	}
	if _, off, ok := back.Translate(src0, 2); !ok || off != 102 {
		t.Fatalf("translate after a round trip: %d %v", off, ok)
	}
	if got := runsOf(m, src0); len(got) != 1 || got[0].N != 10 {
		t.Fatalf("Below changed the map: %v", got)
	}
	if err := json.Unmarshal([]byte(`{"orders":{"runs":[]}}`), NewOffsetMap()); err == nil {
		t.Fatal("a bad partition key was accepted")
	}
}

// A checkpoint saves the map as far as its progress counts: a copy
// acknowledged after one that failed is left out, to be copied again.
func TestCheckpointSavesCountedOffsets(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cp.json")
	plan := &pipeline.Plan{Start: map[record.TopicPartition]int64{src0: 0}, End: map[record.TopicPartition]int64{src0: 10}}
	cp := NewCheckpoint(path, "r1", []string{"orders"}, "profile:dr/topics:same-names", plan)
	cp.Offsets = NewOffsetMap()
	for _, s := range []int64{0, 1, 3} { // 2 failed
		cp.Offsets.Add(src0, s, dst0, 100+s)
	}
	cp.Partitions[key(src0)].Next = 2
	if err := cp.Save(); err != nil {
		t.Fatal(err)
	}
	back, err := LoadCheckpoint(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := runsOf(back.Offsets, src0); !reflect.DeepEqual(got, []OffsetRun{{0, 100, 2}}) {
		t.Fatalf("saved runs %v, want only the counted [0 100 2]", got)
	}
	if got := runsOf(cp.Offsets, src0); len(got) != 2 {
		t.Fatalf("saving cut the live map: %v", got)
	}
}

// Add runs once per copied record, on the writer's report goroutine.
func BenchmarkOffsetMapAdd(b *testing.B) {
	m := NewOffsetMap()
	for i := range b.N {
		m.Add(src0, int64(i), dst0, int64(i))
	}
}
