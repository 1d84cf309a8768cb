package quorum

import (
	"bytes"
	"context"
	"flag"
	"os"
	"testing"
	"time"

	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/output"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

type fakeCluster struct{ q *kafka.Quorum }

func (f fakeCluster) DescribeQuorum(ctx context.Context) (*kafka.Quorum, error) { return f.q, nil }

// Three controllers, one behind, and a broker observing: the leader comes
// first, lag is counted from the leader's log end, and the furthest voter
// gives the status' lag and lag time, as kafka-metadata-quorum computes
// them. The JSON (and YAML) field names are pinned by the golden file.
func TestDescribe(t *testing.T) {
	at := func(ms int64) time.Time { return time.UnixMilli(1796600000000 + ms) }
	q := &kafka.Quorum{ClusterID: "A4s7DxuN3o9H43yhNFBPmQ", LeaderID: 2, LeaderEpoch: 7, HighWatermark: 1500,
		Voters: []kafka.QuorumReplica{
			{ID: 1, DirectoryID: "AAAAAAAAAAAAAAAAAAAAAA", LogEndOffset: 1480, LastFetch: at(900), LastCaughtUp: at(400), Endpoints: []string{"CONTROLLER://127.0.0.1:9093"}},
			{ID: 2, DirectoryID: "AAAAAAAAAAAAAAAAAAAAAA", LogEndOffset: 1500, LastFetch: at(1000), LastCaughtUp: at(1000), Endpoints: []string{"CONTROLLER://127.0.0.1:9094"}},
			{ID: 3, DirectoryID: "AAAAAAAAAAAAAAAAAAAAAA", LogEndOffset: 1500, LastFetch: at(950), LastCaughtUp: at(950), Endpoints: []string{"CONTROLLER://127.0.0.1:9095"}},
		},
		Observers: []kafka.QuorumReplica{{ID: 4, DirectoryID: "3Db5QLSqSZieL3rJBUUegA", LogEndOffset: 1499}},
	}
	s, err := Describe(context.Background(), fakeCluster{q})
	if err != nil {
		t.Fatal(err)
	}
	if s.MaxFollowerLag != 20 || s.MaxFollowerLagTimeMs != 600 || s.Voters[0].NodeID != 2 || s.Voters[0].Status != "Leader" || s.Observers[0].Lag != 1 || s.Observers[0].LastFetchTime != nil {
		t.Errorf("%+v", s)
	}
	var buf bytes.Buffer
	if err := output.WriteJSON(&buf, s); err != nil {
		t.Fatal(err)
	}
	path := "testdata/quorum.json.golden"
	if *update {
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil || !bytes.Equal(buf.Bytes(), want) {
		t.Errorf("JSON differs from %s (go test ./internal/quorum -update):\n%s", path, buf.String())
	}
}
