package rdk

import "testing"

// The in-flight ring keeps ids in order through growth and wrap-around:
// records enqueued in batches, reported out of order across partitions,
// and a refused tail taken back.
func TestPendingRingOrder(t *testing.T) {
	var q pendingRing
	first, next := int64(0), int64(0) // ids in the ring: [first, next)
	batch := func(n int) {
		o := make([]any, n)
		for i := range o {
			o[i] = next + int64(i)
		}
		q.push(o)
		next += int64(n)
	}
	check := func() {
		t.Helper()
		if q.len() != int(next-first) {
			t.Fatalf("ring holds %d, want %d", q.len(), next-first)
		}
		for i := range q.len() {
			if v := *q.at(i); v != reported && v != first+int64(i) {
				t.Fatalf("slot %d holds %v, want %d", i, v, first+int64(i))
			}
		}
	}
	for round := range 50 {
		batch(700 + round*37)
		batch(300)
		q.dropNewest(100) // a full queue refused the tail
		next -= 100
		check()
		// Reports of every other record first, then the rest: only a
		// reported prefix leaves the ring.
		for i := 0; i < q.len(); i += 2 {
			*q.at(i) = reported
		}
		if n := q.dropReported(); n != 1 {
			t.Fatalf("round %d: dropped %d with the second record unreported, want 1", round, n)
		}
		first++
		check()
		for i := range q.len() { // their reports were not taken after all
			*q.at(i) = first + int64(i)
		}
		keep := 50 + round // some stay in flight into the next round
		for i := range q.len() - keep {
			*q.at(i) = reported
		}
		first += int64(q.dropReported())
		if q.len() != keep {
			t.Fatalf("round %d: %d left in flight, want %d", round, q.len(), keep)
		}
		check()
	}
}
