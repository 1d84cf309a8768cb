package trace

import (
	"context"

	"github.com/streamctl/streamctl/internal/record"
)

// follow hands the window's entries to OnEntry, then reads on from the
// window's end for new matching records until ctx
// is cancelled (it returns ctx's error): each is linked to what the trace has seen so far, given the
// groups' progress as it is then, and handed to OnEntry in the order it
// arrives.
func follow(ctx context.Context, s *scan, from map[record.TopicPartition]int64, res *Result) error {
	seen := res.Timeline
	chains := len(res.Chains)
	for _, e := range seen {
		if err := s.opts.OnEntry(e); err != nil {
			return err
		}
	}
	emit := func(e Entry) error {
		// One at a time: the readers run in parallel, the timeline not.
		s.mu.Lock()
		defer s.mu.Unlock()
		linked, _ := link(append(seen[:len(seen):len(seen)], e))
		for _, x := range linked {
			if x.coords() == e.coords() {
				e = x
			}
		}
		e.ID, e.Chain = len(seen)+1, 0
		if e.From != nil && e.From.ID != nil {
			// link numbered the records afresh: point at the one printed.
			target := linked[*e.From.ID-1].coords()
			e.From.ID = nil
			for i := range seen {
				if seen[i].coords() == target {
					id := seen[i].ID
					e.From.ID = &id
					if e.Chain = seen[i].Chain; e.Chain == 0 {
						chains++
						seen[i].Chain, e.Chain = chains, chains
					}
				}
			}
		}
		one := []Entry{e}
		if err := handled(ctx, s.deps.Groups, one, s.opts); err != nil {
			return err
		}
		e = one[0]
		seen = append(seen, e)
		return s.opts.OnEntry(e)
	}
	_, _, _, err := s.read(ctx, from, nil, emit)
	return err
}
