package cmd

import (
	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/format"
	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/pipeline"
	"github.com/streamctl/streamctl/internal/schema"
)

// consumeEncoder picks how each record is written.
func consumeEncoder(f *cmdutil.Factory, opts *ConsumeOptions, dec *schema.RecordDecoder) (pipeline.Encoder, error) {
	if opts.Template != "" {
		t, err := format.CompileTemplate(opts.Template)
		if err != nil {
			return nil, exitcode.WithCode(exitcode.Usage, err)
		}
		return t.Append, nil
	}
	switch f.Output() {
	case format.JSON:
		eo := format.EnvelopeOptions{DecodeJSON: opts.DecodeJSON}
		if dec != nil {
			eo.Decoded = dec.Envelope
		}
		return func(dst []byte, r *kafka.Record) []byte { return format.AppendEnvelope(dst, r, eo) }, nil
	case format.Raw:
		return func(dst []byte, r *kafka.Record) []byte { return append(append(dst, r.Value...), '\n') }, nil
	}
	return format.AppendRecordLine, nil
}
