package group

import (
	"slices"
	"strconv"
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
			for _, t := range types {
				if !slices.Contains(kafka.GroupTypes, strings.ToLower(t)) {
					return exitcode.UsageError("--type %q: use %s", t, strings.Join(kafka.GroupTypes, ", "))
				}
			}
			client, err := f.Client()
			if err != nil {
				return err
			}
			keep := func(g kafka.GroupListing) bool {
				return match(g.ID) && matchesAny(states, g.State) && matchesAny(types, g.Type)
			}
			groups, err := group.List(cmd.Context(), client, keep)
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
				g := output.NewGrid("GROUP", "TYPE", "PROTOCOL", "STATE", "ASSIGNOR", "MEMBERS", "TOPICS", "LAG")
				g.Empty = "No groups found."
				for _, s := range groups {
					g.Row(s.Group, s.Type, output.OrDash(s.Protocol), s.State, output.OrDash(s.Assignor), strconv.Itoa(s.Members), output.OrDash(strings.Join(s.Topics, ",")), output.Int(s.TotalLag))
				}
				return []*output.Grid{g}
			})
		},
	}
	cmd.Flags().StringSliceVar(&types, "type", nil, "only groups of these types: classic, consumer, share, streams")
	cmd.Flags().StringSliceVar(&states, "state", nil, "only groups in these states (as the broker names them: Stable, Empty, Assigning, Reconciling, NotReady, PreparingRebalance, CompletingRebalance, Dead)")
	_ = cmd.RegisterFlagCompletionFunc("type", cobra.FixedCompletions(kafka.GroupTypes, cobra.ShellCompDirectiveNoFileComp))
	cmd.Flags().StringVarP(&pattern, "pattern", "p", "", "only groups matching a glob (billing-*) or a regular expression (^billing)")
	return cmd
}

// matchesAny reports whether v is one of want (any case), or want is empty.
func matchesAny(want []string, v string) bool {
	return len(want) == 0 || slices.ContainsFunc(want, func(s string) bool { return strings.EqualFold(s, v) })
}
