package schema

import (
	"context"
	"strconv"

	"github.com/twmb/franz-go/pkg/sr"

	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/output"
	"github.com/streamctl/streamctl/internal/schema"
)

func newCmdRegister(f *cmdutil.Factory) *cobra.Command {
	var typ string
	var refSpecs []string
	var dryRun bool
	cmd := &cobra.Command{
		Use:   "register SUBJECT FILE [--dry-run]",
		Short: "Register a schema file as the next version of a subject",
		Long: `Register the schema in FILE (.avsc Avro, .proto Protobuf, .json JSON Schema;
--schema-type when the name does not say) under SUBJECT. The file is parsed
first, so a typo fails here rather than in the registry. Registering a
schema the subject already has returns its existing version and id. The
registry refuses a schema that breaks the subject's compatibility level
(see "schema compat check"). Registering acts at once: a new version is
something nothing uses yet. --dry-run registers nothing: it says whether the
subject already holds the schema, and otherwise has the registry check it
against the subject's latest version at its compatibility level.

A schema that uses types kept under other subjects (an Avro named type, a
Protobuf import) names each with --reference NAME=SUBJECT[:VERSION]: the
Avro type's full name or the import's path as the file spells it, and the
subject that holds it (its latest version without one).`,
		Example: `  streamctl schema register payments-value payment.avsc
  streamctl schema register payments-value payment.avsc --dry-run
  streamctl schema register payments-value payment.proto -o json
  streamctl schema register payments-value payment.avsc --reference com.example.Money=money-value:1`,
		Args: cmdutil.ExactArgs(2, "SUBJECT", "FILE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := readSchemaFile(cmd.Context(), f, args[1], typ, refSpecs)
			if err != nil {
				return err
			}
			reg, err := f.Registry()
			if err != nil {
				return err
			}
			register := reg.RegisterVersion
			if dryRun {
				register = reg.CheckRegister
			}
			res, err := register(cmd.Context(), args[0], s)
			if err != nil {
				return err
			}
			return output.Print(f.IO, f.Output(), res, func(bool) []*output.Grid {
				g := output.NewGrid("SUBJECT", "VERSION", "ID", "RESULT")
				version, id, result := strconv.Itoa(res.Version), strconv.Itoa(res.ID), "registered"
				switch {
				case res.DryRun && res.ID > 0:
					result = "already registered (dry run)"
				case res.DryRun:
					version, id, result = "-", "-", "valid, not registered (dry run)"
				}
				g.Row(res.Subject, version, id, result)
				return []*output.Grid{g}
			})
		},
	}
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "have the registry check the schema (already there? compatible?) without registering it")
	addSchemaTypeFlag(cmd, &typ)
	addReferenceFlag(cmd, &refSpecs)
	return cmd
}

func addReferenceFlag(cmd *cobra.Command, specs *[]string) {
	cmd.Flags().StringArrayVar(specs, "reference", nil, "a type or import FILE uses from another subject: NAME=SUBJECT[:VERSION] (repeatable)")
}

// readSchemaFile reads FILE, with the subjects it refers to from the
// registry, ready to register or check.
func readSchemaFile(ctx context.Context, f *cmdutil.Factory, path, typ string, refSpecs []string) (sr.Schema, error) {
	refs, err := schema.ParseReferences(refSpecs)
	if err != nil {
		return sr.Schema{}, err
	}
	file, err := schema.ReadSchemaFile(path, typ, refs)
	if err != nil {
		return sr.Schema{}, err
	}
	reg, err := f.Registry()
	if err != nil {
		return sr.Schema{}, err
	}
	s, _, err := reg.Prepare(ctx, file)
	return s, err
}

func addSchemaTypeFlag(cmd *cobra.Command, typ *string) {
	cmd.Flags().StringVar(typ, "schema-type", "", "the file's schema type when its name does not say: avro, protobuf or json")
	_ = cmd.RegisterFlagCompletionFunc("schema-type", cobra.FixedCompletions(schema.TypeNames, cobra.ShellCompDirectiveNoFileComp))
}
