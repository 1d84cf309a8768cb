package consume

import (
	"time"

	"github.com/streamctl/streamctl/internal/envelope"
	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/output"
	"github.com/streamctl/streamctl/internal/pipeline"
	"github.com/streamctl/streamctl/internal/position"
	"github.com/streamctl/streamctl/internal/record"
	"github.com/streamctl/streamctl/internal/schema"
	"github.com/streamctl/streamctl/internal/selection"
	"github.com/streamctl/streamctl/internal/textio"
)

// Request is a consume as asked for (`streamctl consume`'s flags): Check
// refuses what is wrong before any connection, Pipeline builds the
// filters and the encoder, Options what Run takes.
type Request struct {
	Topics      []string
	Regex       bool
	Offset      string
	Partitions  []int
	MaxMessages int64
	Exit        bool
	IdleTimeout time.Duration
	Group       string
	Template    string // -f, kcat's tokens
	DecodeJSON  bool
	FromTime    string
	ToTime      string
	Isolation   string

	rng position.Range
	now time.Time
}

// Check parses the positions and times (as of now) and refuses values
// that are wrong, as usage errors.
func (o *Request) Check(now time.Time) error {
	rng, err := position.ParseRange(o.Offset, now)
	if err != nil {
		return exitcode.UsageError("invalid --offset: %v", err)
	}
	o.rng, o.now = rng, now
	if o.Isolation != "read_committed" && o.Isolation != "read_uncommitted" {
		return exitcode.UsageError("--isolation %q: use read_committed or read_uncommitted", o.Isolation)
	}
	for _, t := range []string{o.FromTime, o.ToTime} {
		if t != "" {
			if _, err := position.ParseTime(t, now); err != nil {
				return exitcode.UsageError("invalid time %q: %v", t, err)
			}
		}
	}
	if o.MaxMessages < 0 {
		return exitcode.UsageError("--max-messages must not be negative")
	}
	return nil
}

// Options are Run's for a checked request, without Steps and Encode.
func (o *Request) Options() Options {
	return Options{
		Topics: o.Topics, Regex: o.Regex, Partitions: o.Partitions, Range: o.rng, Offset: o.Offset,
		Exit: o.Exit, IdleTimeout: o.IdleTimeout, Limit: o.MaxMessages, Group: o.Group,
		ReadCommitted: o.Isolation == "read_committed",
	}
}

// Pipeline builds the steps and the encoder of a checked request written
// as out: the selection's filters and the decoder (nil: none), then the
// record's form. Every output but the lossless envelope shows the decoded
// JSON in place of the bytes.
func (o *Request) Pipeline(out output.Format, spec selection.Spec, dec *schema.RecordDecoder) ([]pipeline.Step, pipeline.Encoder, error) {
	if dec != nil {
		dec.Replace = o.Template != "" || out != output.JSON
	}
	steps, err := o.steps(spec, dec)
	if err != nil {
		return nil, nil, err
	}
	encode, err := o.encoder(out, dec)
	if err != nil {
		return nil, nil, err
	}
	return steps, encode, nil
}

// HeadersUnused says whether nothing of a request written as out with
// these steps looks at records' headers: raw values, no template, no
// filter. Its reader can then leave them unread (Options.SkipHeaders).
func (o *Request) HeadersUnused(out output.Format, steps []pipeline.Step) bool {
	return out == output.Raw && o.Template == "" && len(steps) == 0
}

// steps builds the filters, in the order cheapest first. The decoder (if
// any) runs after the key and header filters, on the raw bytes, and
// before --where, which reads the decoded value.
func (o *Request) steps(spec selection.Spec, dec *schema.RecordDecoder) ([]pipeline.Step, error) {
	sel, err := selection.New(spec)
	if err != nil {
		return nil, err
	}
	steps, where := sel.Match(), sel.WhereStep()
	if dec != nil {
		steps = append(steps, dec.Step)
		if where != nil && !dec.Replace {
			where = dec.OnDecoded(where)
		}
	}
	from, to, windowed := o.rng.TimeWindow()
	if o.FromTime != "" {
		from, _ = position.ParseTime(o.FromTime, o.now)
		windowed = true
	}
	if o.ToTime != "" {
		to, _ = position.ParseTime(o.ToTime, o.now)
		windowed = true
	}
	if windowed {
		steps = append(steps, pipeline.TimeBetween(from, to))
	}
	if where != nil {
		steps = append(steps, where)
	}
	return steps, nil
}

// encoder picks how each record is written: -f's template, else the
// output's form.
func (o *Request) encoder(out output.Format, dec *schema.RecordDecoder) (pipeline.Encoder, error) {
	if o.Template != "" {
		t, err := textio.CompileTemplate(o.Template)
		if err != nil {
			return nil, exitcode.WithCode(exitcode.Usage, err)
		}
		return t.Append, nil
	}
	switch out {
	case output.JSON:
		eo := envelope.Options{DecodeJSON: o.DecodeJSON}
		if dec != nil {
			eo.Decoded = dec.Envelope
		}
		return func(dst []byte, r *record.Record) []byte { return envelope.Append(dst, r, eo) }, nil
	case output.Raw:
		return func(dst []byte, r *record.Record) []byte { return append(append(dst, r.Value...), '\n') }, nil
	}
	return textio.AppendRecordLine, nil
}
