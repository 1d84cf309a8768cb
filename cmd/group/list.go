package group

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/group"
	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/output"
)

func newCmdList(f *cmdutil.Factory) *cobra.Command {
	var states, types []string
	var pattern string
	cmd := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List groups of every type with state, assignor, members, topics and total lag",
		Long: `List the groups of every type (Kafka 4: classic, consumer, share and
streams, KIP-1043) with their protocol, state as the broker reports it,
assignor, member count, the topics they consume and their total lag. It
takes a fixed number of requests however many groups there are (offsets are
fetched concurrently).

States by type: classic groups are Empty, PreparingRebalance,
CompletingRebalance, Stable or Dead; consumer groups Empty, Assigning,
Reconciling, Stable or Dead; share groups Empty, Stable or Dead; streams
groups Empty, NotReady, Assigning, Reconciling, Stable or Dead.`,
		Example: `  streamctl group list
  streamctl group list --type share,streams
  streamctl group list --state Empty,Dead
  streamctl group list --pattern 'billing-*' -o json`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			match, err := cmdutil.NamePattern(pattern)
			if err != nil {
				return exitcode.WithCode(exitcode.Usage, err)
			}
			filter := group.ListFilter{Match: match, States: states, Types: types}
			if err := filter.Check(); err != nil {
				return err
			}
			client, err := f.Client()
			if err != nil {
				return err
			}
			groups, err := group.List(cmd.Context(), client, filter.Keep)
			if err != nil {
				return err
			}
			if len(groups) == 0 && len(types) > 0 {
				// An empty answer for a type the brokers cannot have is
				// worth saying why.
				for _, t := range types {
					if err := client.CheckGroupType(cmd.Context(), "", strings.ToLower(t)); err != nil {
						f.IO.Warnf("%v", err)
					}
				}
			}
			return output.Print(f.IO, f.Output(), groups, func(wide bool) []*output.Grid {
				return []*output.Grid{group.ListGrid(groups)}
			})
		},
	}
	cmd.Flags().StringSliceVar(&types, "type", nil, "only groups of these types: classic, consumer, share, streams")
	cmd.Flags().StringSliceVar(&states, "state", nil, "only groups in these states (as the broker names them: Stable, Empty, Assigning, Reconciling, NotReady, PreparingRebalance, CompletingRebalance, Dead)")
	_ = cmd.RegisterFlagCompletionFunc("type", cobra.FixedCompletions(kafka.GroupTypes, cobra.ShellCompDirectiveNoFileComp))
	cmd.Flags().StringVarP(&pattern, "pattern", "p", "", "only groups matching a glob (billing-*) or a regular expression (^billing)")
	return cmd
}
