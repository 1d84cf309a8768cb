package dlq

import (
	"github.com/streamctl/streamctl/internal/pipeline"
	"github.com/streamctl/streamctl/internal/record"
	"github.com/streamctl/streamctl/internal/selection"
)

// Handler gets each selected record with its decoded metadata; it may
// change the record and returns false to drop it.
type Handler func(rec *record.Record, m *Metadata) (bool, error)

// Steps are the pipeline steps of a DLQ command (inspect, stats, reprocess,
// drain): the selection's checks on the raw record, its time window and
// --where, then the step that decodes the DLQ headers, applies --exception
// and --original-topic and hands the record to then (nil keeps every
// selected record).
func Steps(sel *selection.Selection, then Handler) []pipeline.Step {
	steps := sel.Match()
	if w := sel.Window(); w != nil {
		steps = append(steps, w)
	}
	if w := sel.WhereStep(); w != nil {
		steps = append(steps, w)
	}
	var dec Decoder
	return append(steps, func(rec *record.Record) (bool, error) {
		m := dec.Decode(rec.Headers)
		if !sel.Failure(m.ExceptionClass, m.RootCauseClass, m.OriginalTopic) {
			return false, nil
		}
		if then == nil {
			return true, nil
		}
		return then(rec, &m)
	})
}
