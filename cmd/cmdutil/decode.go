package cmdutil

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/schema"
)

// DecodeFlag is --decode and the local schema flags, which consume, replay
// and dlq inspect share: the sides of each record to decode with the schema
// registry, and the sides to decode with a schema file instead.
type DecodeFlag struct {
	Spec  string
	sides schema.Sides

	Value, Key LocalSchema
	SchemaType string   // --schema-type
	Paths      []string // --schema-path
	Unframed   bool     // --unframed
}

// LocalSchema is one side's --value-schema/--key-schema file and its
// Protobuf message.
type LocalSchema struct{ File, Message string }

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
func (d *DecodeFlag) Validate() error {
	if d.Spec != "" {
		sides, err := schema.ParseSides(d.Spec)
		if err != nil {
			return exitcode.WithCode(exitcode.Usage, err)
		}
		d.sides = sides
	}
	if d.Value.Message != "" && d.Value.File == "" {
		return exitcode.UsageError("--proto-message goes with --value-schema FILE (framed records name their message)")
	}
	if d.Key.Message != "" && d.Key.File == "" {
		return exitcode.UsageError("--key-proto-message goes with --key-schema FILE (framed records name their message)")
	}
	return CheckLocalSchemaFlags(d.Value.File != "" || d.Key.File != "", d.SchemaType, d.Paths, d.Unframed)
}

// CheckLocalSchemaFlags checks --schema-type, --schema-path and --unframed,
// which need a schema file (files: one was given).
func CheckLocalSchemaFlags(files bool, typ string, paths []string, unframed bool) error {
	switch {
	case !files && unframed:
		return exitcode.UsageError("--unframed goes with --value-schema FILE or --key-schema FILE: without the framing, the schema must come from a file")
	case !files && typ != "":
		return exitcode.UsageError("--schema-type goes with --value-schema FILE or --key-schema FILE")
	case len(paths) > 0 && !unframed:
		return exitcode.UsageError("--schema-path goes with --unframed (a registered schema's types come from the registry: --reference)")
	}
	if typ != "" {
		if _, err := schema.ParseType(typ); err != nil {
			return exitcode.WithCode(exitcode.Usage, err)
		}
	}
	return nil
}

// On reports whether anything is to be decoded.
func (d *DecodeFlag) On() bool { return d.Spec != "" || d.Value.File != "" || d.Key.File != "" }

// Decoder returns the record decoder (nil when nothing is to be decoded):
// a side with a schema file is decoded with it, other sides --decode names
// with the registry, which is connected to only then.
func (d *DecodeFlag) Decoder(ctx context.Context, f *Factory) (*schema.RecordDecoder, error) {
	if !d.On() {
		return nil, nil
	}
	return schema.Decoders(ctx, schema.DecodeSpec{
		Key:        schema.DecodeSide{File: d.Key.File, Message: d.Key.Message, Registry: d.sides.Key},
		Value:      schema.DecodeSide{File: d.Value.File, Message: d.Value.Message, Registry: d.sides.Value},
		SchemaType: d.SchemaType, Paths: d.Paths, Unframed: d.Unframed,
	}, f.Registry)
}

// ParseReferences reads --reference values (NAME=SUBJECT[:VERSION]).
func ParseReferences(specs []string) ([]schema.Reference, error) {
	var refs []schema.Reference
	for _, s := range specs {
		r, err := schema.ParseReference(s)
		if err != nil {
			return nil, exitcode.WithCode(exitcode.Usage, err)
		}
		refs = append(refs, r)
	}
	return refs, nil
}
