package group

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/group"
	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/output"
)

// LagOptions are the view options `group describe`, `group lag` and
// `topic lag` share.
type LagOptions struct {
	Topics      []string
	OnlyLagging bool
	Sort        string
	ResetPolicy string
	NoTimeLag   bool
	HeldAfter   time.Duration
}

// AddLagFlags registers the shared view flags.
func AddLagFlags(cmd *cobra.Command, o *LagOptions) {
	cmd.Flags().StringSliceVarP(&o.Topics, "topic", "t", nil, "only these topics")
	cmd.Flags().BoolVar(&o.OnlyLagging, "only-lagging", false, "only partitions with lag")
	cmd.Flags().StringVar(&o.Sort, "sort", "partition", "row order: partition, lag or time-lag (largest first)")
	cmd.Flags().StringVar(&o.ResetPolicy, "reset-policy", "latest", "the group's auto.offset.reset, used for lag where it has no commit: latest or earliest")
	cmd.Flags().BoolVar(&o.NoTimeLag, "no-time-lag", false, "skip measuring lag in time (saves one read per lagging partition)")
	cmd.Flags().DurationVar(&o.HeldAfter, "held-after", group.DefaultHeldAfter, "mark partitions held behind an open transaction for longer than this")
}

func (o *LagOptions) validate() error {
	if !slices.Contains([]string{"partition", "lag", "time-lag"}, o.Sort) {
		return exitcode.UsageError("--sort %q: use partition, lag or time-lag", o.Sort)
	}
	if o.ResetPolicy != "latest" && o.ResetPolicy != "earliest" {
		return exitcode.UsageError("--reset-policy %q: use latest or earliest", o.ResetPolicy)
	}
	if o.HeldAfter <= 0 {
		return exitcode.UsageError("--held-after must be above 0, e.g. 1m")
	}
	return nil
}

func (o *LagOptions) query() group.Options {
	return group.Options{Topics: o.Topics, ResetPolicy: o.ResetPolicy, TimeLag: !o.NoTimeLag, Now: time.Now()}
}

// shape applies --only-lagging and --sort.
func (o *LagOptions) shape(lags []group.Lag) {
	for i := range lags {
		l := &lags[i]
		if o.OnlyLagging {
			l.Partitions = slices.DeleteFunc(l.Partitions, func(p group.PartitionLag) bool { return p.Lag <= 0 })
		}
		switch o.Sort {
		case "lag":
			slices.SortStableFunc(l.Partitions, func(a, b group.PartitionLag) int { return cmpDesc(a.Lag, b.Lag) })
		case "time-lag":
			slices.SortStableFunc(l.Partitions, func(a, b group.PartitionLag) int { return cmpDesc(secs(a.TimeLagSeconds), secs(b.TimeLagSeconds)) })
		}
	}
}

func cmpDesc[T int64 | float64](a, b T) int {
	switch {
	case a > b:
		return -1
	case a < b:
		return 1
	}
	return 0
}

func secs(p *float64) float64 {
	if p == nil {
		return -1
	}
	return *p
}

func newCmdDescribe(f *cmdutil.Factory) *cobra.Command {
	opts := &LagOptions{}
	var all bool
	cmd := &cobra.Command{
		Use:   "describe GROUP...",
		Short: "Show a group's state, members and per-partition offsets and lag",
		Long: `Show a group's type, state, assignor, coordinator and members, and for
every partition it consumes: the committed offset, log start and end, lag in
records (log end minus committed offset, shown as is even when negative) and
lag in time (now minus the timestamp of the first record not yet consumed),
with the member, client id and host it is assigned to.

A partition without a committed offset shows "-" and a lag counted from where
the group would start (--reset-policy, latest by default), marked with "*".

Every group type is described through its own request: consumer groups
(KIP-848) show the group epoch, the target assignment's epoch, and each
member's epoch, subscription and assignment, with the target assignment of
members still reconciling; share groups (KIP-932) show their members and,
per partition, the start offset (records before it are all acknowledged)
and the lag the broker computes (KIP-1226, Kafka 4.3+; before that, log end
minus start offset, marked "~"); streams groups (KIP-1071) show the topology
epoch, the subtopologies and their topics, and each member's active,
standby and warm-up tasks, with the lag of their input topics.

--all describes every group of the cluster (kafka-consumer-groups'
--all-groups), in one batch of requests; with --only-lagging, only the groups
that are behind.`,
		Example: `  streamctl group describe analytics-group
  streamctl group describe --all --only-lagging
  streamctl group describe analytics-group --only-lagging --sort lag
  streamctl group describe analytics-group -o json | jq '.[0].total_lag'`,
		Args: func(cmd *cobra.Command, args []string) error {
			if all {
				if len(args) > 0 {
					return exitcode.UsageError("give group names or --all, not both")
				}
				return nil
			}
			return cmdutil.MinimumArgs(1, "GROUP...")(cmd, args)
		},
		ValidArgsFunction: cmdutil.CompleteGroups(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.validate(); err != nil {
				return err
			}
			client, err := f.Client()
			if err != nil {
				return err
			}
			if all {
				if args, err = group.IDs(cmd.Context(), client); err != nil {
					return err
				}
			}
			lags := []group.Lag{}
			if len(args) > 0 {
				if lags, err = group.Describe(cmd.Context(), client, args, opts.query()); err != nil {
					return err
				}
				opts.markHeld(cmd.Context(), f, client, lags)
			}
			opts.shape(lags)
			if all && opts.OnlyLagging {
				// Across the cluster, only the groups that are behind.
				lags = slices.DeleteFunc(lags, func(l group.Lag) bool { return len(l.Partitions) == 0 })
			}
			return output.Print(f.IO, f.Output(), lags, func(wide bool) []*output.Grid {
				var grids []*output.Grid
				for _, l := range lags {
					grids = append(grids, summaryGrid(l, wide), partitionGrid(l, true, wide), topicGrid(l))
					grids = append(grids, memberGrids(l, wide)...)
					grids = append(grids, heldGrid(l)...)
				}
				return grids
			})
		},
	}
	AddLagFlags(cmd, opts)
	cmd.Flags().BoolVar(&all, "all", false, "describe every group of the cluster")
	return cmd
}

func summaryGrid(l group.Lag, wide bool) *output.Grid {
	g := output.NewGrid("GROUP", "TYPE", "STATE", "ASSIGNOR", "COORDINATOR", "MEMBERS", "LAG", "TIME-LAG")
	g.Title = "Group " + l.Group
	row := []string{l.Group, l.Type, l.State, output.OrDash(l.Assignor), strconv.Itoa(int(l.Coordinator)), strconv.Itoa(l.Members), output.Int(l.TotalLag), timeLag(l.MaxTimeLag)}
	if wide {
		g.Header = append(g.Header, "GROUP-EPOCH", "ASSIGNMENT-EPOCH")
		row = append(row, epoch(l.GroupEpoch), epoch(l.AssignmentEpoch))
	}
	g.Row(row...)
	return g
}

// partitionGrid is the per-partition table; members adds who reads each
// (not for a share group, whose partitions have many readers: its members
// table says who reads what).
func partitionGrid(l group.Lag, members, wide bool) *output.Grid {
	share := l.Type == kafka.GroupShare
	members = members && !share
	position := "CURRENT-OFFSET"
	if share {
		position = "START-OFFSET"
	}
	g := output.NewGrid("TOPIC", "PARTITION", position, "LOG-END-OFFSET", "LAG", "TIME-LAG")
	if wide {
		g.Header = append(g.Header, "LOG-START-OFFSET")
	}
	// A streams member's client id is long (application, process and
	// thread): the members table shows it, and -o wide here.
	clientID := wide || l.Type != kafka.GroupStreams
	if members {
		g.Header = append(g.Header, "CONSUMER-ID", "HOST")
		if clientID {
			g.Header = append(g.Header, "CLIENT-ID")
		}
	}
	g.Title = "Partitions"
	noCommit, computed := false, false
	for _, p := range l.Partitions {
		cur, lag := "-", output.Int(p.Lag)
		switch {
		case p.StartOffset != nil:
			cur = output.Int(*p.StartOffset)
		case p.CommittedOffset != nil:
			cur = output.Int(*p.CommittedOffset)
		default:
			lag += "*"
			noCommit = true
		}
		if p.LagBasis == "start-offset" {
			lag = "~" + lag
			computed = true
		}
		row := []string{p.Topic, strconv.Itoa(int(p.Partition)), cur, output.Int(p.LogEndOffset), lag, timeLag(p.TimeLagSeconds)}
		if wide {
			row = append(row, output.Int(p.LogStartOffset))
		}
		if members {
			row = append(row, output.OrDash(p.MemberID), output.OrDash(p.Host))
			if clientID {
				row = append(row, output.OrDash(p.ClientID))
			}
		}
		g.Row(row...)
	}
	if noCommit {
		basis := "latest"
		for _, p := range l.Partitions {
			if b, ok := strings.CutPrefix(p.LagBasis, "reset:"); ok {
				basis = b
			}
		}
		what := "no committed offset: lag counted from the group's reset position"
		if share {
			what = "no share state yet: lag counted from the group's share.auto.offset.reset"
		}
		g.Title += fmt.Sprintf(" (* %s, %s)", what, basis)
	}
	if computed {
		g.Title += " (~ log end minus start offset: this broker does not report a share group's lag, Kafka 4.3+ does)"
	}
	return g
}

func topicGrid(l group.Lag) *output.Grid {
	g := output.NewGrid("TOPIC", "PARTITIONS", "LAG")
	g.Title = "Per topic"
	for _, t := range l.Topics {
		g.Row(t.Topic, strconv.Itoa(t.Partitions), output.Int(t.Lag))
	}
	return g
}

// timeLag renders seconds of lag as "3m12s", or "-" when not measured or
// caught up.
func timeLag(s *float64) string {
	if s == nil {
		return "-"
	}
	return (time.Duration(*s) * time.Second).Round(time.Second).String()
}
