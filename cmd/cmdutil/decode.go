package cmdutil

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/pipeline"
	"github.com/streamctl/streamctl/internal/schema"
)

// DecodeFlag is --decode, which consume, replay and dlq inspect share: the
// sides of each record to decode with the schema registry.
type DecodeFlag struct {
	Spec  string
	sides schema.Sides
}

// AddFlags registers --decode and --registry-url on cmd.
func (d *DecodeFlag) AddFlags(cmd *cobra.Command, f *Factory) {
	fl := cmd.Flags()
	fl.StringVar(&d.Spec, "decode", "", "decode schema registry framed records (Avro, Protobuf, JSON Schema): value (a bare --decode), key, or key,value")
	fl.Lookup("decode").NoOptDefVal = "value"
	AddRegistryFlag(cmd, f)
	_ = cmd.RegisterFlagCompletionFunc("decode", cobra.FixedCompletions([]string{"value", "key", "key,value"}, cobra.ShellCompDirectiveNoFileComp))
}

// Validate checks the flag's value.
func (d *DecodeFlag) Validate() error {
	if d.Spec == "" {
		return nil
	}
	sides, err := schema.ParseSides(d.Spec)
	if err != nil {
		return exitcode.WithCode(exitcode.Usage, err)
	}
	d.sides = sides
	return nil
}

// On reports whether --decode was given.
func (d *DecodeFlag) On() bool { return d.Spec != "" }

// Decoder connects to the registry and returns the record decoder, or nil
// without --decode.
func (d *DecodeFlag) Decoder(ctx context.Context, f *Factory) (*schema.RecordDecoder, error) {
	if !d.On() {
		return nil, nil
	}
	reg, err := f.Registry()
	if err != nil {
		return nil, err
	}
	return schema.NewRecordDecoder(ctx, reg, d.sides), nil
}

// OnDecoded runs step (a --where filter) on the decoded value of each
// record, for pipelines whose sink keeps the raw bytes.
func OnDecoded(step pipeline.Step, dec *schema.RecordDecoder) pipeline.Step {
	return func(rec *kafka.Record) (bool, error) {
		raw := rec.Value
		rec.Value = dec.ValueJSON(rec)
		keep, err := step(rec)
		rec.Value = raw
		return keep, err
	}
}
