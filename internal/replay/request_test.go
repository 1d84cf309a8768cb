package replay

import (
	"strings"
	"testing"
	"time"

	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/selection"
)

// request is a valid replay into a topic, as the flags' defaults give it.
func request() Request {
	return Request{Sources: []string{"orders"}, From: "start", To: "end", TypeField: "type", ToTopic: "copy", Timestamp: "keep", Partitioning: "same"}
}

func TestRequestOptions(t *testing.T) {
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	r := request()
	r.Timestamp, r.SetHeaders, r.ID = "now", []string{"origin=dr", "trace"}, "r1"
	o, err := r.Options(now, selection.Spec{}, false, "/state", "/undo")
	if err != nil {
		t.Fatal(err)
	}
	if o.ToTopic != "copy" || !o.TimestampNow || !o.SamePartitions || o.UndoDir != "/undo" || o.Checkpoint != "/state/r1.json" {
		t.Errorf("options: %+v", o)
	}
	if len(o.SetHeaders) != 2 || string(o.SetHeaders[0].Value) != "dr" || o.SetHeaders[1].Key != "trace" || o.SetHeaders[1].Value != nil {
		t.Errorf("--set-header: %+v", o.SetHeaders)
	}

	// --sync-groups: the sync's options, its --execute and the target
	// profile its undo commands name.
	r = request()
	r.ToTopic, r.ToProfile, r.SyncGroups, r.Execute = "", "dr", []string{"billing"}, true
	if o, err := r.Options(now, selection.Spec{}, false, "/state", "/undo"); err != nil || o.Sync == nil || !o.Sync.Execute || o.Sync.Profile != "dr" || o.Sync.UndoDir != "/undo" {
		t.Errorf("--sync-groups: %+v, %v", o.Sync, err)
	}

	// A new key places records by key, whatever --partitioning says.
	r = request()
	r.Rekey = ".customerId"
	if o, err := r.Options(now, selection.Spec{}, false, "/state", ""); err != nil || o.SamePartitions {
		t.Errorf("--rekey: same partitions %v, %v", o.SamePartitions, err)
	}
}

func TestRequestRefusals(t *testing.T) {
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name   string
		change func(r *Request)
		decode bool
		want   string
	}{
		{"range", func(r *Request) { r.From = "@yesterday" }, false, "invalid --from/--to"},
		{"timestamp", func(r *Request) { r.Timestamp = "later" }, false, `--timestamp "later": use keep or now`},
		{"partitioning", func(r *Request) { r.Partitioning = "round-robin" }, false, `--partitioning "round-robin": use same or key`},
		{"execute without a group", func(r *Request) { r.Execute = true }, false, "--execute and --undo-dir go with --to-group"},
		{"undo dir without a group", func(r *Request) { r.UndoDir = "/tmp" }, false, "--execute and --undo-dir go with --to-group"},
		{"execute and dry run", func(r *Request) { r.ToTopic, r.ToGroup, r.Execute, r.DryRun = "", "g", true, true }, false, "--execute and --dry-run exclude each other"},
		{"decode into a topic", func(r *Request) {}, true, "--decode (and --value-schema, --key-schema) adds decoded values to the envelopes of --to-file and --exec"},
		{"header without a name", func(r *Request) { r.SetHeaders = []string{"=x"} }, false, `header "=x" has no name`},
		{"no target", func(r *Request) { r.ToTopic = "" }, false, "choose exactly one target"},
		{"sync within a cluster", func(r *Request) { r.SyncGroups = []string{"g"} }, false, "--sync-groups and --sync-groups-all go with --to-profile"},
		{"sync named and all", func(r *Request) { r.ToProfile, r.SyncGroups, r.SyncAll = "dr", []string{"g"}, true }, false, "exclude each other"},
		{"sync in a dry run", func(r *Request) { r.ToProfile, r.SyncAll, r.DryRun = "dr", true, true }, false, "--dry-run copies nothing"},
		{"follow into a file", func(r *Request) { r.ToTopic, r.ToFile, r.Follow = "", "a.jsonl", true }, false, "--follow keeps copying new records into a topic"},
		{"follow to an end", func(r *Request) { r.Follow, r.To = true, "+5" }, false, "does not go with --to"},
		{"follow and sync", func(r *Request) { r.ToProfile, r.Follow, r.SyncAll = "dr", true, true }, false, "a --follow copy has no end to sync groups at"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := request()
			tc.change(&r)
			_, err := r.Options(now, selection.Spec{}, tc.decode, "/state", "")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
			if exitcode.Of(err) != exitcode.Usage {
				t.Errorf("exit code %d, want %d (usage)", exitcode.Of(err), exitcode.Usage)
			}
		})
	}
}
