package trace

import (
	"cmp"
	"slices"
	"time"

	"github.com/streamctl/streamctl/internal/record"
)

// coords are a record's place in Kafka.
type coords struct {
	record.TopicPartition
	Offset int64
}

func (e *Entry) coords() coords {
	return coords{record.TopicPartition{Topic: e.Record.Topic, Partition: e.Record.Partition}, e.Record.Offset}
}

// link orders the entries into the timeline, numbers them, links each hop
// to the record it was made from and groups linked records into chains.
//
// The timeline is merged by timestamp, except that a record never comes
// before the one it was made from: a dead letter or a reprocessed copy
// often keeps the original's timestamp (Spring's recoverer and streamctl's
// reprocess do by default), and a chain reads top to bottom.
func link(entries []Entry) ([]Entry, []Chain) {
	n := len(entries)
	parent := make([]int, n) // index of the record each came from; -1: none
	how := make([]string, n)
	at := make(map[coords]int, n)
	for i := range entries {
		at[entries[i].coords()] = i
		parent[i] = -1
	}
	// Hops whose headers name their source.
	for i := range entries {
		o := entries[i].origin
		if o == nil || o.Partition == nil || o.Offset == nil {
			continue
		}
		if j, ok := at[coords{record.TopicPartition{Topic: o.Topic, Partition: *o.Partition}, *o.Offset}]; ok && j != i {
			parent[i], how[i] = j, o.By
		}
	}
	sequenceRetries(entries, parent, how)
	linkReprocessed(entries, parent, how)

	// Order: by effective time (a record's own, or its source's when that
	// is later), then depth in its chain, then place.
	eff := make([]time.Time, n)
	depth := make([]int, n)
	var settle func(i int, seen int) (time.Time, int)
	settle = func(i int, seen int) (time.Time, int) {
		if !eff[i].IsZero() || seen > n {
			return eff[i], depth[i]
		}
		t, d := entries[i].ts, 0
		if p := parent[i]; p >= 0 {
			pt, pd := settle(p, seen+1)
			if pt.After(t) {
				t = pt
			}
			d = pd + 1
		}
		eff[i], depth[i] = t, d
		return t, d
	}
	for i := range entries {
		settle(i, 0)
	}
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		return cmp.Or(eff[a].Compare(eff[b]), cmp.Compare(depth[a], depth[b]),
			cmp.Compare(entries[a].Record.Topic, entries[b].Record.Topic),
			cmp.Compare(entries[a].Record.Partition, entries[b].Record.Partition),
			cmp.Compare(entries[a].Record.Offset, entries[b].Record.Offset))
	})
	id := make([]int, n)
	for pos, i := range order {
		id[i] = pos + 1
	}
	out := make([]Entry, n)
	for pos, i := range order {
		e := entries[i]
		e.ID = pos + 1
		e.Groups = []Handling{}
		switch p := parent[i]; {
		case p >= 0:
			pe := &entries[p]
			pid := id[p]
			part, off := pe.Record.Partition, pe.Record.Offset
			e.From = &Link{ID: &pid, Topic: pe.Record.Topic, Partition: &part, Offset: &off, By: how[i]}
		case e.origin != nil:
			o := *e.origin
			e.From = &o
		}
		out[pos] = e
	}
	return out, chains(out, parent, order)
}

// sequenceRetries links the hops of a retry flow one after the other. In
// Spring's @RetryableTopic flow every hop's kafka_original-* headers name
// the first record, so the retries and the DLT all point at it; the
// previous hop is the one with the attempt before (then retry topics before
// the DLT, then time).
func sequenceRetries(entries []Entry, parent []int, how []string) {
	siblings := map[int][]int{}
	for i := range entries {
		if p := parent[i]; p >= 0 && entries[i].retry {
			siblings[p] = append(siblings[p], i)
		}
	}
	for _, sib := range siblings {
		if len(sib) < 2 {
			continue
		}
		slices.SortStableFunc(sib, func(a, b int) int {
			ea, eb := &entries[a], &entries[b]
			return cmp.Or(cmp.Compare(ea.attempts, eb.attempts), cmp.Compare(hopRank(ea.Hop), hopRank(eb.Hop)),
				ea.ts.Compare(eb.ts), cmp.Compare(ea.Record.Topic, eb.Record.Topic), cmp.Compare(ea.Record.Offset, eb.Record.Offset))
		})
		for k := 1; k < len(sib); k++ {
			parent[sib[k]], how[sib[k]] = sib[k-1], "attempts"
		}
	}
}

func hopRank(hop string) int {
	if hop == "retry" {
		return 0
	}
	return 1
}

// linkReprocessed links each record streamctl reprocessed to the dead
// letter it came from. Reprocess strips the dead-letter headers and adds
// only its attempt count, so the source is found by key: a dead letter of
// the same key whose own reprocess count is one less, preferring one whose
// original topic is the reprocessed record's topic (reprocess sends records
// there unless told --to-topic), then the latest.
func linkReprocessed(entries []Entry, parent []int, how []string) {
	taken := map[int]bool{}
	for i := range entries {
		e := &entries[i]
		if e.Hop != "reprocess" || parent[i] >= 0 {
			continue
		}
		best, bestHome := -1, false
		for j := range entries {
			d := &entries[j]
			if d.Hop != "dead-letter" || taken[j] || d.DeadLetter == nil || d.DeadLetter.ReprocessAttempts != e.ReprocessAttempt-1 || !sameKey(d, e) {
				continue
			}
			home := d.DeadLetter.OriginalTopic == e.Record.Topic
			if best < 0 || home && !bestHome || home == bestHome && d.ts.After(entries[best].ts) {
				best, bestHome = j, home
			}
		}
		if best >= 0 {
			parent[i], how[i], taken[best] = best, "key", true
		}
	}
}

func sameKey(a, b *Entry) bool {
	ka, kb := a.Record.Key, b.Record.Key
	return ka != nil && kb != nil && *ka == *kb && a.Record.KeyEncoding == b.Record.KeyEncoding
}

// chains groups linked records: each tree of links is one chain, its
// records in timeline order.
func chains(timeline []Entry, parent, order []int) []Chain {
	n := len(timeline)
	root := make([]int, n) // by timeline position
	pos := make([]int, n)  // entry index -> timeline position
	for p, i := range order {
		pos[i] = p
	}
	var find func(p int, hops int) int
	find = func(p int, hops int) int {
		i := order[p]
		if parent[i] < 0 || hops > n {
			return p
		}
		return find(pos[parent[i]], hops+1)
	}
	members := map[int][]int{}
	for p := range timeline {
		root[p] = find(p, 0)
		members[root[p]] = append(members[root[p]], p)
	}
	var out []Chain
	for p := range timeline {
		m := members[p]
		if root[p] != p || len(m) < 2 {
			continue
		}
		c := Chain{ID: len(out) + 1}
		for _, q := range m {
			c.Records = append(c.Records, timeline[q].ID)
			c.Topics = append(c.Topics, timeline[q].Record.Topic)
			timeline[q].Chain = c.ID
		}
		c.Outcome = timeline[m[len(m)-1]].Hop
		out = append(out, c)
	}
	if out == nil {
		out = []Chain{}
	}
	return out
}
