package schema

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/output"
	"github.com/streamctl/streamctl/internal/schema"
)

func newCmdGet(f *cmdutil.Factory) *cobra.Command {
	var version, id int
	var textOnly bool
	cmd := &cobra.Command{
		Use:   "get [SUBJECT]",
		Short: "Show a subject's schema (latest, or --version N), or a schema by --id",
		Long: `Show a subject's schema at its latest version or --version N, or the schema
with --id N and the subject versions that use it. The table output is the
facts, then the schema text (JSON schemas indented); --schema-only prints
just the text, ready for a file.`,
		Example: `  streamctl schema get order-events-avro-value
  streamctl schema get order-events-avro-value --version 1 -o json
  streamctl schema get --id 1 --schema-only > order-event.avsc`,
		Args: cmdutil.RangeArgs(0, 1, "SUBJECT"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if (len(args) == 1) == (id > 0) {
				return exitcode.UsageError("name a SUBJECT or give --id, one of the two")
			}
			if id > 0 && version != -1 {
				return exitcode.UsageError("--version goes with a SUBJECT, not --id")
			}
			reg, err := f.Registry()
			if err != nil {
				return err
			}
			var out schema.ByID
			if id > 0 {
				out.Version, out.UsedBy, err = reg.GetByID(cmd.Context(), id)
			} else {
				out.Version, err = reg.Get(cmd.Context(), args[0], version)
			}
			if err != nil {
				return err
			}
			if textOnly {
				_, err := fmt.Fprintln(f.IO.Out, out.Schema)
				return err
			}
			switch f.Output() {
			case output.JSON, output.YAML:
				var v any = out.Version
				if id > 0 {
					v = out
				}
				return output.Print(f.IO, f.Output(), v, nil)
			}
			if id == 0 {
				if err := output.RenderGrid(f.IO, schema.VersionsGrid([]schema.Version{out.Version}), f.Output() == output.Wide); err != nil {
					return err
				}
			} else {
				grids := out.Grids()
				if err := output.RenderGrid(f.IO, grids[0], f.Output() == output.Wide); err != nil {
					return err
				}
				fmt.Fprintln(f.IO.Out)
				if err := output.RenderGrid(f.IO, grids[1], false); err != nil {
					return err
				}
			}
			_, err = fmt.Fprintf(f.IO.Out, "\n%s\n", schema.IndentJSON(out.Schema))
			return err
		},
	}
	cmd.Flags().IntVar(&version, "version", -1, "this version of the subject instead of the latest")
	cmd.Flags().IntVar(&id, "id", 0, "the schema with this id")
	cmd.Flags().BoolVar(&textOnly, "schema-only", false, "print only the schema text")
	return cmd
}
