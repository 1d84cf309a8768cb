package cluster

import (
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/output"
	"github.com/streamctl/streamctl/internal/quorum"
)

// newCmdQuorum returns `streamctl cluster quorum`.
func newCmdQuorum(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "quorum",
		Short: "Show the KRaft metadata quorum: leader, epoch, high watermark, voters and observers with their lag",
		Long: `Show the KRaft metadata quorum (DescribeQuorum), as kafka-metadata-quorum
describe --status and --replication do together: the controller leading the
metadata log, its epoch and high watermark, how far the voter furthest behind
is (records, and time since it was caught up), then each voter (the
controllers) and observer (brokers that are not controllers) with its log end
offset, lag, last fetch and last caught-up time.`,
		Example: `  streamctl cluster quorum
  streamctl cluster quorum -o json`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			client, err := f.Client()
			if err != nil {
				return err
			}
			s, err := quorum.Describe(cmd.Context(), client)
			if err != nil {
				return err
			}
			return output.Print(f.IO, f.Output(), s, func(wide bool) []*output.Grid {
				st := output.NewGrid("CLUSTER-ID", "LEADER", "EPOCH", "HIGH-WATERMARK", "MAX-FOLLOWER-LAG", "MAX-FOLLOWER-LAG-TIME", "VOTERS", "OBSERVERS")
				lagTime := "unknown"
				if s.MaxFollowerLagTimeMs >= 0 {
					lagTime = output.Millis(s.MaxFollowerLagTimeMs)
				}
				st.Row(s.ClusterID, strconv.Itoa(int(s.LeaderID)), strconv.Itoa(int(s.LeaderEpoch)), strconv.FormatInt(s.HighWatermark, 10),
					strconv.FormatInt(s.MaxFollowerLag, 10), lagTime, ids(s.Voters), ids(s.Observers))
				rep := output.NewGrid("NODE", "STATUS", "LOG-END-OFFSET", "LAG", "LAST-FETCH", "LAST-CAUGHT-UP")
				if wide {
					rep.Header = append(rep.Header, "DIRECTORY-ID", "ENDPOINTS")
				}
				for _, r := range append(append([]quorum.Replica{}, s.Voters...), s.Observers...) {
					row := []string{strconv.Itoa(int(r.NodeID)), r.Status, strconv.FormatInt(r.LogEndOffset, 10), strconv.FormatInt(r.Lag, 10), ago(r.LastFetchTime), ago(r.LastCaughtUpTime)}
					if wide {
						row = append(row, r.DirectoryID, strings.Join(r.Endpoints, ","))
					}
					rep.Row(row...)
				}
				return []*output.Grid{st, rep}
			})
		},
	}
}

func ids(rs []quorum.Replica) string {
	if len(rs) == 0 {
		return "-"
	}
	s := make([]string, len(rs))
	for i, r := range rs {
		s[i] = strconv.Itoa(int(r.NodeID))
	}
	return strings.Join(s, ",")
}

// ago shows a time as how long ago it was, as people read a quorum.
func ago(t *time.Time) string {
	if t == nil {
		return "unknown"
	}
	return output.Millis(time.Since(*t).Round(time.Millisecond).Milliseconds()) + " ago"
}
