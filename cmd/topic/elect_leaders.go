package topic

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/admin"
	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/output"
)

func newCmdElectLeaders(f *cmdutil.Factory) *cobra.Command {
	var (
		typ       string
		allTopics bool
	)
	var exec *cmdutil.Execute
	cmd := &cobra.Command{
		Use:   "elect-leaders (TOPIC[:P,...]... | --all-topics) [--type preferred|unclean] [--execute]",
		Short: "Move leadership back to the preferred replicas, or elect leaders where there are none (unclean)",
		Long: `Elect partition leaders, as kafka-leader-election does.

--type preferred (the default) makes each partition's preferred replica (the
first in its replica list) the leader again, where it is in sync and does not
lead: after a broker restart its partitions stay led by the others until
then. --type unclean elects a leader for partitions that have none, from
replicas that are not in sync: records only the lost leader had are gone.

It shows each partition's leader and preferred leader first; with --all-topics
only the partitions an election would change. --execute elects.`,
		Example: `  streamctl topic elect-leaders order-events
  streamctl topic elect-leaders --all-topics --execute
  streamctl topic elect-leaders order-events:3 --type unclean --execute`,
		ValidArgsFunction: cmdutil.CompleteTopics(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			unclean := false
			switch strings.ToLower(typ) {
			case "preferred":
			case "unclean":
				unclean = true
			default:
				return exitcode.UsageError("--type %q: choose preferred or unclean", typ)
			}
			if allTopics == (len(args) > 0) {
				return exitcode.UsageError("name the topics (TOPIC or TOPIC:0,2) or give --all-topics, not both")
			}
			var scope []kafka.TopicScope
			for _, a := range args {
				ts, err := admin.ParseTopicScope("topic", a)
				if err != nil {
					return exitcode.WithCode(exitcode.Usage, err)
				}
				scope = append(scope, ts)
			}
			client, err := f.Client()
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			if allTopics {
				names, err := client.TopicNames(ctx)
				if err != nil {
					return err
				}
				for _, n := range names {
					scope = append(scope, kafka.TopicScope{Topic: n})
				}
			}
			plan, err := admin.PlanElection(ctx, client, unclean, scope, allTopics)
			if err != nil {
				return err
			}
			// With nothing to elect it says so once: as the table's empty
			// text, or on stderr below the partitions it lists.
			nothing := "Every partition is led by its preferred replica (or it is not in sync): no election is needed."
			if unclean {
				nothing = "Every partition has a leader: no unclean election is needed."
			}
			if plan.Needed() == 0 && len(plan.Partitions) > 0 {
				defer f.IO.Infof("%s", nothing)
			}
			if plan.Needed() > 0 {
				ok, err := exec.Proceed(f, "")
				if err != nil {
					return err
				}
				if ok {
					if err := admin.ExecuteElection(ctx, client, plan); err != nil {
						return err
					}
					f.IO.Infof("%s election: %d of %s elected.", strings.ToLower(plan.Type), plan.Needed()-plan.Failed(), output.Count(int64(plan.Needed()), "partition"))
				}
			}
			err = output.Print(f.IO, f.Output(), plan, func(bool) []*output.Grid {
				return []*output.Grid{plan.Grid(nothing)}
			})
			if err == nil && plan.Failed() > 0 {
				err = fmt.Errorf("the election failed for %d partition(s); see the ELECTION column", plan.Failed())
			}
			return err
		},
	}
	cmd.Flags().StringVar(&typ, "type", "preferred", "election type: preferred or unclean")
	cmd.Flags().BoolVar(&allTopics, "all-topics", false, "every partition of the cluster")
	_ = cmd.RegisterFlagCompletionFunc("type", cobra.FixedCompletions([]string{"preferred", "unclean"}, cobra.ShellCompDirectiveNoFileComp))
	exec = cmdutil.AddExecuteFlags(cmd, false)
	return cmd
}
