package schema

import (
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/format"
	"github.com/streamctl/streamctl/internal/schema"
)

func newCmdConfig(f *cmdutil.Factory) *cobra.Command {
	cmd := cmdutil.Group(&cobra.Command{
		Use:   "config",
		Short: "Read and set compatibility levels (the registry's or a subject's)",
	})
	get := &cobra.Command{
		Use:   "get [SUBJECT...]",
		Short: "Show the compatibility level of subjects (their own, else the global one), or the global level",
		Example: `  streamctl schema config get
  streamctl schema config get order-events-avro-value -o json`,
		RunE: func(cmd *cobra.Command, args []string) error {
			reg, err := f.Registry()
			if err != nil {
				return err
			}
			levels, err := reg.Levels(cmd.Context(), args)
			if err != nil {
				return err
			}
			return printLevels(f, levels)
		},
	}
	var level string
	set := &cobra.Command{
		Use:   "set [SUBJECT...] --compatibility LEVEL",
		Short: "Set the compatibility level of subjects, or the global level",
		Long: `Set the compatibility level of each SUBJECT, or with none the registry's global
level: NONE, BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE,
FULL or FULL_TRANSITIVE. (Confluent's registry defaults to BACKWARD,
Apicurio's to NONE.)`,
		Example: `  streamctl schema config set order-events-avro-value --compatibility FULL
  streamctl schema config set --compatibility BACKWARD`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if !slices.Contains(schema.Levels, strings.ToUpper(level)) {
				return exitcode.UsageError("--compatibility %q: use one of %s", level, strings.Join(schema.Levels, ", "))
			}
			reg, err := f.Registry()
			if err != nil {
				return err
			}
			levels, err := reg.SetLevel(cmd.Context(), level, args)
			if err != nil {
				return err
			}
			return printLevels(f, levels)
		},
	}
	set.Flags().StringVar(&level, "compatibility", "", "the level: "+strings.Join(schema.Levels, ", "))
	_ = set.RegisterFlagCompletionFunc("compatibility", cobra.FixedCompletions(schema.Levels, cobra.ShellCompDirectiveNoFileComp))
	cmd.AddCommand(get, set)
	return cmd
}

func printLevels(f *cmdutil.Factory, levels []schema.CompatLevel) error {
	return format.Print(f.IO, f.Output(), levels, func(bool) []*format.Grid {
		g := format.NewGrid("SUBJECT", "COMPATIBILITY")
		for _, l := range levels {
			s := l.Subject
			if s == "" {
				s = "(global)"
			}
			g.Row(s, l.Level)
		}
		return []*format.Grid{g}
	})
}
