package schema

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/output"
)

func newCmdCompat(f *cmdutil.Factory) *cobra.Command {
	cmd := cmdutil.Group(&cobra.Command{
		Use:   "compat",
		Short: "Check a schema against a subject's compatibility level",
	})
	var typ string
	var refSpecs []string
	var version int
	check := &cobra.Command{
		Use:   "check SUBJECT FILE",
		Short: "Check whether FILE could be registered as the subject's next version",
		Long: `Ask the registry whether the schema in FILE is compatible with SUBJECT's latest
version (or --version N) under the subject's compatibility level (see
"schema config get"). Exit code 3 when it is not, so CI can gate on it; the
registry's reasons are printed.`,
		Example: `  streamctl schema compat check payments-value payment-v2.avsc
  streamctl schema compat check payments-value payment-v2.avsc -o json`,
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
			res, err := reg.CheckCompat(cmd.Context(), args[0], version, s)
			if err != nil {
				return err
			}
			if err := output.Print(f.IO, f.Output(), res, func(bool) []*output.Grid {
				g := output.NewGrid("SUBJECT", "VERSION", "COMPATIBLE", "MESSAGES")
				g.Row(res.Subject, res.Version, output.Bool(res.Compatible), strings.Join(res.Messages, "; "))
				return []*output.Grid{g}
			}); err != nil {
				return err
			}
			if !res.Compatible {
				return exitcode.WithCode(exitcode.CheckFailed, fmt.Errorf("%s is not compatible with subject %q version %s", args[1], res.Subject, res.Version))
			}
			return nil
		},
	}
	check.Flags().IntVar(&version, "version", -1, "check against this version instead of the latest")
	addSchemaTypeFlag(check, &typ)
	addReferenceFlag(check, &refSpecs)
	cmd.AddCommand(check)
	return cmd
}
