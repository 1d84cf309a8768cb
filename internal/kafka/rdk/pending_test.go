package rdk

import (
	"math/rand/v2"
	"testing"
)

// The in-flight ring against a plain slice of the same records: batches
// enqueued (a refused tail taken back), reports in any order as they come
// from several partitions, the reported prefix leaving, through growth and
// wrap-around. With opaques each record keeps its own; without, no slot for
// one is ever made.
func TestPendingRingOrder(t *testing.T) {
	type rec struct {
		opaque   any
		reported bool
	}
	for _, withOpaques := range []bool{true, false} {
		var q pendingRing
		var model []rec
		next := 0
		rnd := rand.New(rand.NewPCG(1, 2))
		for round := range 400 {
			n := 1 + rnd.IntN(700)
			o := make([]any, n)
			for i := range o {
				if withOpaques {
					o[i] = next + i
				}
				model = append(model, rec{opaque: o[i]})
			}
			next += n
			q.push(o)
			if refused := rnd.IntN(n); rnd.IntN(4) == 0 { // a full queue refused the tail
				q.dropNewest(refused)
				model = model[:len(model)-refused]
				next -= refused
			}
			for range rnd.IntN(len(model) + 1) { // reports, out of order
				i := rnd.IntN(len(model))
				if !model[i].reported {
					if got := q.opaque(i); got != model[i].opaque {
						t.Fatalf("round %d: record %d's opaque is %v, want %v", round, i, got, model[i].opaque)
					}
					q.report(i)
					model[i] = rec{reported: true}
				}
			}
			want := 0
			for want < len(model) && model[want].reported {
				want++
			}
			if got := q.dropReported(); got != want {
				t.Fatalf("round %d: dropped %d, want the reported prefix of %d", round, got, want)
			}
			model = model[want:]
			if q.len() != len(model) {
				t.Fatalf("round %d: ring holds %d, want %d", round, q.len(), len(model))
			}
			for i, m := range model {
				if q.reported(i) != m.reported || q.opaque(i) != m.opaque {
					t.Fatalf("round %d: slot %d is (%v, %v), want (%v, %v)", round, i, q.reported(i), q.opaque(i), m.reported, m.opaque)
				}
			}
		}
		if !withOpaques && q.opaques != nil {
			t.Fatal("a ring of records without opaques made slots for them")
		}
		if q.size() <= 1024 {
			t.Fatalf("the ring never grew (%d slots): the test does not reach growth", q.size())
		}
	}
}
