package quorum

import (
	"strconv"
	"strings"
	"time"

	"github.com/streamctl/streamctl/internal/output"
)

// Grids are cluster quorum's tables: the quorum, then each voter and
// observer.
func (s *Status) Grids(wide bool) []*output.Grid {
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
	for _, r := range append(append([]Replica{}, s.Voters...), s.Observers...) {
		row := []string{strconv.Itoa(int(r.NodeID)), r.Status, strconv.FormatInt(r.LogEndOffset, 10), strconv.FormatInt(r.Lag, 10), ago(r.LastFetchTime), ago(r.LastCaughtUpTime)}
		if wide {
			row = append(row, r.DirectoryID, strings.Join(r.Endpoints, ","))
		}
		rep.Row(row...)
	}
	return []*output.Grid{st, rep}
}

func ids(rs []Replica) string {
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
