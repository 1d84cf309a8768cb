package cmd

import (
	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/envelope"
	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/output"
	"github.com/streamctl/streamctl/internal/pipeline"
	"github.com/streamctl/streamctl/internal/record"
	"github.com/streamctl/streamctl/internal/schema"
	"github.com/streamctl/streamctl/internal/textio"
)

// consumeEncoder picks how each record is written.
func consumeEncoder(f *cmdutil.Factory, opts *ConsumeOptions, dec *schema.RecordDecoder) (pipeline.Encoder, error) {
	if opts.Template != "" {
		t, err := textio.CompileTemplate(opts.Template)
		if err != nil {
			return nil, exitcode.WithCode(exitcode.Usage, err)
		}
		return t.Append, nil
	}
	switch f.Output() {
	case output.JSON:
		eo := envelope.Options{DecodeJSON: opts.DecodeJSON}
		if dec != nil {
			eo.Decoded = dec.Envelope
		}
		return func(dst []byte, r *record.Record) []byte { return envelope.Append(dst, r, eo) }, nil
	case output.Raw:
		return func(dst []byte, r *record.Record) []byte { return append(append(dst, r.Value...), '\n') }, nil
	}
	return textio.AppendRecordLine, nil
}
