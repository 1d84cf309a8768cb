package cmdutil

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/internal/schema"
)

// DecodeFlag is --decode and the local schema flags, which consume, replay
// and dlq inspect share; schema.DecodeChoices holds their rules.
type DecodeFlag struct {
	schema.DecodeChoices
	spec schema.DecodeSpec
}

// AddFlags registers --decode, the local schema flags and --registry-url
// on cmd.
func (d *DecodeFlag) AddFlags(cmd *cobra.Command, f *Factory) {
	fl := cmd.Flags()
	fl.StringVar(&d.Spec, "decode", "", "decode schema registry framed records (Avro, Protobuf, JSON Schema): value (a bare --decode), key, or key,value")
	fl.Lookup("decode").NoOptDefVal = "value"
	fl.StringVar(&d.Value.File, "value-schema", "", "decode values with this schema file instead of the registry (.avsc, .proto, .json)")
	fl.StringVar(&d.Key.File, "key-schema", "", "decode keys with this schema file instead of the registry")
	fl.StringVar(&d.Value.Message, "proto-message", "", "with a .proto --value-schema: the values' message, by full name (default: the framing's, else the file's first)")
	fl.StringVar(&d.Key.Message, "key-proto-message", "", "with a .proto --key-schema: the keys' message, by full name")
	AddLocalSchemaFlags(cmd, &d.SchemaType, &d.Paths, &d.Unframed, "read")
	AddRegistryFlag(cmd, f)
	_ = cmd.RegisterFlagCompletionFunc("decode", cobra.FixedCompletions([]string{"value", "key", "key,value"}, cobra.ShellCompDirectiveNoFileComp))
}

// AddLocalSchemaFlags registers --schema-type, --schema-path and --unframed,
// which produce shares with the decoding commands; verb is "read" or
// "write".
func AddLocalSchemaFlags(cmd *cobra.Command, typ *string, paths *[]string, unframed *bool, verb string) {
	fl := cmd.Flags()
	fl.StringVar(typ, "schema-type", "", "type of the --value-schema/--key-schema files when their names do not say: avro, protobuf or json")
	fl.StringArrayVar(paths, "schema-path", nil, "with --unframed: a directory where the schema files' Protobuf imports and Avro types are found, after the file's own (repeatable)")
	fl.BoolVar(unframed, "unframed", false, verb+" the encoded data alone, without the schema registry's framing (magic byte and schema id): no registry is used")
	_ = cmd.RegisterFlagCompletionFunc("schema-type", cobra.FixedCompletions(schema.TypeNames, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.MarkFlagDirname("schema-path")
}

// Validate checks the flags' values.
func (d *DecodeFlag) Validate() (err error) {
	d.spec, err = d.Check()
	return err
}

// Decoder returns the record decoder (nil when nothing is to be decoded):
// a side with a schema file is decoded with it, other sides --decode names
// with the registry, which is connected to only then.
func (d *DecodeFlag) Decoder(ctx context.Context, f *Factory) (*schema.RecordDecoder, error) {
	if !d.On() {
		return nil, nil
	}
	return schema.Decoders(ctx, d.spec, f.Registry)
}
