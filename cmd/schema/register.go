package schema

import (
	"strconv"

	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/format"
	"github.com/streamctl/streamctl/internal/schema"
)

func newCmdRegister(f *cmdutil.Factory) *cobra.Command {
	var typ string
	cmd := &cobra.Command{
		Use:   "register SUBJECT FILE",
		Short: "Register a schema file as the next version of a subject",
		Long: `Register the schema in FILE (.avsc Avro, .proto Protobuf, .json JSON Schema;
--schema-type when the name does not say) under SUBJECT. The file is parsed
first, so a typo fails here rather than in the registry. Registering a
schema the subject already has returns its existing version and id. The
registry refuses a schema that breaks the subject's compatibility level
(see "schema compat check").`,
		Example: `  streamctl schema register payments-value payment.avsc
  streamctl schema register payments-value payment.proto -o json`,
		Args: cmdutil.ExactArgs(2, "SUBJECT", "FILE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := schema.ReadSchemaFile(args[1], typ)
			if err != nil {
				return err
			}
			reg, err := f.Registry()
			if err != nil {
				return err
			}
			res, err := reg.RegisterVersion(cmd.Context(), args[0], s)
			if err != nil {
				return err
			}
			return format.Print(f.IO, f.Output(), res, func(bool) []*format.Grid {
				g := format.NewGrid("SUBJECT", "VERSION", "ID")
				g.Row(res.Subject, strconv.Itoa(res.Version), strconv.Itoa(res.ID))
				return []*format.Grid{g}
			})
		},
	}
	addSchemaTypeFlag(cmd, &typ)
	return cmd
}

func addSchemaTypeFlag(cmd *cobra.Command, typ *string) {
	cmd.Flags().StringVar(typ, "schema-type", "", "the file's schema type when its name does not say: avro, protobuf or json")
	_ = cmd.RegisterFlagCompletionFunc("schema-type", cobra.FixedCompletions(schema.TypeNames, cobra.ShellCompDirectiveNoFileComp))
}
