package group

import (
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/format"
	"github.com/streamctl/streamctl/internal/group"
	"github.com/streamctl/streamctl/internal/kafka"
)

func newCmdList(f *cmdutil.Factory) *cobra.Command {
	var states []string
	var pattern string
	cmd := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List consumer groups with state, assignor, members, topics and total lag",
		Long: `List consumer groups with their state, partition assignor, member count, the
topics they consume and their total lag. It takes a fixed number of requests
however many groups there are (offsets are fetched concurrently).`,
		Example: `  streamctl group list
  streamctl group list --state Empty,Dead
  streamctl group list --pattern 'billing-*' -o json`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			match, err := cmdutil.NamePattern(pattern)
			if err != nil {
				return exitcode.WithCode(exitcode.Usage, err)
			}
			client, err := f.Client()
			if err != nil {
				return err
			}
			keep := func(g kafka.GroupListing) bool {
				return match(g.ID) && (len(states) == 0 || slices.ContainsFunc(states, func(s string) bool { return strings.EqualFold(s, g.State) }))
			}
			groups, err := group.List(cmd.Context(), client, keep)
			if err != nil {
				return err
			}
			return format.Print(f.IO, f.Output(), groups, func(wide bool) []*format.Grid {
				g := format.NewGrid("GROUP", "STATE", "ASSIGNOR", "MEMBERS", "TOPICS", "LAG")
				g.Empty = "No consumer groups found."
				for _, s := range groups {
					g.Row(s.Group, s.State, orDash(s.Assignor), strconv.Itoa(s.Members), orDash(strings.Join(s.Topics, ",")), format.Int(s.TotalLag))
				}
				return []*format.Grid{g}
			})
		},
	}
	cmd.Flags().StringSliceVar(&states, "state", nil, "only groups in these states: Stable, Empty, PreparingRebalance, CompletingRebalance, Dead")
	cmd.Flags().StringVarP(&pattern, "pattern", "p", "", "only groups matching a glob (billing-*) or a regular expression (^billing)")
	return cmd
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
