package schema

import "github.com/streamctl/streamctl/internal/exitcode"

// DecodeChoices are what a reading command (consume, replay, dlq inspect)
// is asked to decode: --decode's sides for the registry, and schema files
// for either side instead.
type DecodeChoices struct {
	Spec       string // --decode: value, key or key,value
	Value, Key LocalSchema
	SchemaType string   // --schema-type
	Paths      []string // --schema-path
	Unframed   bool     // --unframed
}

// LocalSchema is one side's --value-schema/--key-schema file and its
// Protobuf message.
type LocalSchema struct{ File, Message string }

// On reports whether anything is to be decoded.
func (d *DecodeChoices) On() bool { return d.Spec != "" || d.Value.File != "" || d.Key.File != "" }

// Check refuses choices that do not go together (usage errors) and says
// what to decode: a side with a schema file is decoded with it, other
// sides --decode names with the registry.
func (d *DecodeChoices) Check() (DecodeSpec, error) {
	var sides Sides
	if d.Spec != "" {
		var err error
		if sides, err = ParseSides(d.Spec); err != nil {
			return DecodeSpec{}, exitcode.WithCode(exitcode.Usage, err)
		}
	}
	if d.Value.Message != "" && d.Value.File == "" {
		return DecodeSpec{}, exitcode.UsageError("--proto-message goes with --value-schema FILE (framed records name their message)")
	}
	if d.Key.Message != "" && d.Key.File == "" {
		return DecodeSpec{}, exitcode.UsageError("--key-proto-message goes with --key-schema FILE (framed records name their message)")
	}
	if err := CheckLocalFlags(d.Value.File != "" || d.Key.File != "", d.SchemaType, d.Paths, d.Unframed); err != nil {
		return DecodeSpec{}, err
	}
	return DecodeSpec{
		Key:        DecodeSide{File: d.Key.File, Message: d.Key.Message, Registry: sides.Key},
		Value:      DecodeSide{File: d.Value.File, Message: d.Value.Message, Registry: sides.Value},
		SchemaType: d.SchemaType, Paths: d.Paths, Unframed: d.Unframed,
	}, nil
}

// CheckLocalFlags checks --schema-type, --schema-path and --unframed,
// which need a schema file (files: one was given), for the commands that
// read and for produce, which writes.
func CheckLocalFlags(files bool, typ string, paths []string, unframed bool) error {
	switch {
	case !files && unframed:
		return exitcode.UsageError("--unframed goes with --value-schema FILE or --key-schema FILE: without the framing, the schema must come from a file")
	case !files && typ != "":
		return exitcode.UsageError("--schema-type goes with --value-schema FILE or --key-schema FILE")
	case len(paths) > 0 && !unframed:
		return exitcode.UsageError("--schema-path goes with --unframed (a registered schema's types come from the registry: --reference)")
	}
	if typ != "" {
		if _, err := ParseType(typ); err != nil {
			return exitcode.WithCode(exitcode.Usage, err)
		}
	}
	return nil
}

// ParseReferences reads --reference values (NAME=SUBJECT[:VERSION]); a
// malformed one is a usage error.
func ParseReferences(specs []string) ([]Reference, error) {
	var refs []Reference
	for _, s := range specs {
		r, err := ParseReference(s)
		if err != nil {
			return nil, exitcode.WithCode(exitcode.Usage, err)
		}
		refs = append(refs, r)
	}
	return refs, nil
}
