package replay

import (
	"time"

	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/position"
	"github.com/streamctl/streamctl/internal/record"
	"github.com/streamctl/streamctl/internal/selection"
	"github.com/streamctl/streamctl/internal/textio"
)

// Request is a replay as its command line gives it: flag values, checked
// and turned into Options by Options. The command binds its flags to it.
type Request struct {
	Sources      []string
	From, To     string // --from, --to in the position grammar
	Partitions   []int
	EventTypes   []string
	TypeField    string
	Map          string
	Rekey        string
	SetHeaders   []string // name=value
	DropHeaders  []string
	ToTopic      string
	ToFile       string
	Exec         string
	ToGroup      string
	ToProfile    string
	KeepIDs      bool
	Create       bool
	Timestamp    string // keep or now
	Partitioning string // same or key
	DryRun       bool
	Rate         float64
	Checkpoint   string
	Resume       bool
	ID           string
	NoIdemHeader bool
	ExactlyOnce  bool
	Worker       bool
	Execute      bool
	UndoDir      string // as given; Options gets the directory to use
	SyncGroups   []string
	SyncAll      bool
	Follow       bool
}

// Options checks the request and gives the replay's Options. filters is
// the record selection of the filter flags (key, header, time, jq; its
// range, event types and type field come from the request), decode says
// whether decoded values were asked for (--decode or a local schema),
// stateDir is where checkpoints go by default and undoDir where a
// --to-group --execute saves the previous offsets.
func (r *Request) Options(now time.Time, filters selection.Spec, decode bool, stateDir, undoDir string) (Options, error) {
	rng, err := position.ParseRange(r.From+":"+r.To, now)
	if err != nil {
		return Options{}, exitcode.UsageError("invalid --from/--to: %v", err)
	}
	filters.Range, filters.EventTypes, filters.TypeField = rng, r.EventTypes, r.TypeField
	sel, err := selection.New(filters)
	if err != nil {
		return Options{}, err
	}
	if r.Timestamp != "keep" && r.Timestamp != "now" {
		return Options{}, exitcode.UsageError("--timestamp %q: use keep or now", r.Timestamp)
	}
	if r.Partitioning != "same" && r.Partitioning != "key" {
		return Options{}, exitcode.UsageError("--partitioning %q: use same or key", r.Partitioning)
	}
	samePartitions := r.Partitioning == "same" && r.Rekey == "" // a new key belongs where the Java client would hash it
	sync := len(r.SyncGroups) > 0 || r.SyncAll
	if (r.Execute || r.UndoDir != "") && r.ToGroup == "" && !sync {
		return Options{}, exitcode.UsageError("--execute and --undo-dir go with --to-group or --sync-groups; the other targets write unless --dry-run")
	}
	if sync && r.ToProfile == "" {
		return Options{}, exitcode.UsageError("--sync-groups and --sync-groups-all go with --to-profile: they commit the groups' translated offsets in the target cluster")
	}
	if len(r.SyncGroups) > 0 && r.SyncAll {
		return Options{}, exitcode.UsageError("--sync-groups and --sync-groups-all exclude each other")
	}
	if r.Follow && r.ToTopic == "" && r.ToProfile == "" {
		return Options{}, exitcode.UsageError("--follow keeps copying new records into a topic: it goes with --to-topic or --to-profile")
	}
	if r.Follow && r.To != "end" {
		return Options{}, exitcode.UsageError("--follow copies past the end, so it does not go with --to")
	}
	if r.Follow && sync {
		return Options{}, exitcode.UsageError("a --follow copy has no end to sync groups at: while it runs, sync from its checkpoint with --resume --sync-groups (see docs/replay.md)")
	}
	if r.Worker && r.Follow {
		return Options{}, exitcode.UsageError("--worker shares a copy up to the end pinned when the first worker starts: it does not go with --follow")
	}
	if r.Worker && sync {
		return Options{}, exitcode.UsageError("--sync-groups translates through the offset map a single process keeps in its checkpoint: workers keep none, so run the sync from a copy without --worker")
	}
	if r.ExactlyOnce && r.Follow {
		return Options{}, exitcode.UsageError("--exactly-once does not go with --follow yet: follow at least once (the streamctl-replay-id header tells repeats apart)")
	}
	if sync && r.DryRun {
		return Options{}, exitcode.UsageError("--dry-run copies nothing, so no offsets translate: --sync-groups without --execute is the sync's dry run")
	}
	if r.Execute && r.DryRun {
		return Options{}, exitcode.UsageError("--execute and --dry-run exclude each other")
	}
	if decode && r.ToFile == "" && r.Exec == "" {
		return Options{}, exitcode.UsageError("--decode (and --value-schema, --key-schema) adds decoded values to the envelopes of --to-file and --exec; topics and groups get the records as they are")
	}
	var set []record.Header
	for _, h := range r.SetHeaders {
		hdr, err := textio.ParseHeaderFlag(h)
		if err != nil {
			return Options{}, exitcode.WithCode(exitcode.Usage, err)
		}
		set = append(set, hdr)
	}
	o := Options{Sources: r.Sources, Partitions: r.Partitions, Range: rng, Selection: sel, Map: r.Map, Rekey: r.Rekey,
		SetHeaders: set, DropHeaders: r.DropHeaders, ToTopic: r.ToTopic, ToFile: r.ToFile, Exec: r.Exec, ToGroup: r.ToGroup,
		Create: r.Create, TimestampNow: r.Timestamp == "now", SamePartitions: samePartitions, NoIdemHeader: r.NoIdemHeader,
		ExactlyOnce: r.ExactlyOnce, ToProfile: r.ToProfile, KeepSchemaIDs: r.KeepIDs, Rate: r.Rate, Checkpoint: r.Checkpoint,
		Resume: r.Resume, ID: r.ID, Worker: r.Worker, Execute: r.Execute, UndoDir: undoDir, Follow: r.Follow}
	if sync {
		o.Sync = &SyncOptions{Groups: r.SyncGroups, All: r.SyncAll, Execute: r.Execute, UndoDir: undoDir, Profile: r.ToProfile}
	}
	return o, o.Check(now, stateDir)
}
