package schema

import (
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/output"
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
	var exec *cmdutil.Execute
	set := &cobra.Command{
		Use:   "set [SUBJECT...] --compatibility LEVEL [--execute]",
		Short: "Set the compatibility level of subjects, or the global level",
		Long: `Set the compatibility level of each SUBJECT, or with none the registry's global
level: NONE, BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE,
FULL or FULL_TRANSITIVE. (Confluent's registry defaults to BACKWARD,
Apicurio's to NONE.)

It shows each level before and after first; without --execute that is all.`,
		Example: `  streamctl schema config set order-events-avro-value --compatibility FULL
  streamctl schema config set order-events-avro-value --compatibility FULL --execute
  streamctl schema config set --compatibility BACKWARD --execute`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if !slices.Contains(schema.Levels, strings.ToUpper(level)) {
				return exitcode.UsageError("--compatibility %q: use one of %s", level, strings.Join(schema.Levels, ", "))
			}
			reg, err := f.Registry()
			if err != nil {
				return err
			}
			current, err := reg.Levels(cmd.Context(), args)
			if err != nil {
				return err
			}
			plan := LevelPlan{Changes: []LevelChange{}}
			for _, c := range current {
				plan.Changes = append(plan.Changes, LevelChange{Subject: c.Subject, Current: c.Level, Level: strings.ToUpper(level)})
			}
			if ok, err := exec.Proceed(f, ""); err != nil {
				return err
			} else if ok {
				if _, err := reg.SetLevel(cmd.Context(), level, args); err != nil {
					return err
				}
				plan.Executed = true
			}
			return output.Print(f.IO, f.Output(), plan, func(bool) []*output.Grid {
				g := output.NewGrid("SUBJECT", "CURRENT", "CHANGE")
				for _, c := range plan.Changes {
					change := "set to " + c.Level
					if c.Level == c.Current {
						change = "unchanged"
					}
					g.Row(schema.SubjectName(c.Subject), c.Current, change)
				}
				return []*output.Grid{g}
			})
		},
	}
	set.Flags().StringVar(&level, "compatibility", "", "the level: "+strings.Join(schema.Levels, ", "))
	_ = set.RegisterFlagCompletionFunc("compatibility", cobra.FixedCompletions(schema.Levels, cobra.ShellCompDirectiveNoFileComp))
	exec = cmdutil.AddExecuteFlags(set, false)
	cmd.AddCommand(get, set)
	return cmd
}

// LevelPlan is what `schema config set -o json` prints: each level before
// and after, and whether it was set.
type LevelPlan struct {
	Changes  []LevelChange `json:"changes" yaml:"changes"`
	Executed bool          `json:"executed" yaml:"executed"`
}

// LevelChange is one subject's (or the global, Subject "") level change.
type LevelChange struct {
	Subject string `json:"subject" yaml:"subject"`
	Current string `json:"current_compatibility" yaml:"current_compatibility"` // its own level, else the global one
	Level   string `json:"compatibility" yaml:"compatibility"`
}

func printLevels(f *cmdutil.Factory, levels []schema.CompatLevel) error {
	return output.Print(f.IO, f.Output(), levels, func(bool) []*output.Grid {
		g := output.NewGrid("SUBJECT", "COMPATIBILITY")
		for _, l := range levels {
			g.Row(schema.SubjectName(l.Subject), l.Level)
		}
		return []*output.Grid{g}
	})
}
