package replay

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/output"
	"github.com/streamctl/streamctl/internal/record"
	"github.com/streamctl/streamctl/internal/reset"
)

// SyncOptions are --sync-groups' inputs.
type SyncOptions struct {
	Groups []string // named source groups
	All    bool     // every source group with commits on the copied partitions
	// Execute commits the translated offsets (saving the target groups'
	// previous ones in UndoDir first); without it, only the plan.
	Execute bool
	UndoDir string
	// Profile is the target's profile, for the undo commands.
	Profile string
}

// GroupSync is one group's translation: per copied partition it has a
// commit on, the source offset and the target offset it stands for, and
// the reset of the group of the same name on the target that commits
// them (internal/reset's plan, executed with an undo file).
type GroupSync struct {
	Group      string         `json:"group" yaml:"group"`
	Partitions []SyncedOffset `json:"partitions" yaml:"partitions"`
	// Reset is the target group's reset plan; nil when nothing translates.
	Reset *reset.Plan `json:"target_reset,omitempty" yaml:"target_reset,omitempty"`
}

// SyncedOffset is a source commit and where it translates to.
type SyncedOffset struct {
	Topic           string `json:"topic" yaml:"topic"`
	Partition       int32  `json:"partition" yaml:"partition"`
	SourceOffset    int64  `json:"source_offset" yaml:"source_offset"`
	TargetTopic     string `json:"target_topic" yaml:"target_topic"`
	TargetPartition int32  `json:"target_partition" yaml:"target_partition"`
	// TargetOffset is the target offset of the first copied record the
	// group has not consumed; nil when it cannot be told (Note says why),
	// and then nothing is committed for the partition.
	TargetOffset *int64 `json:"target_offset" yaml:"target_offset"`
	// CurrentOffset is the target group's commit now, nil for none.
	CurrentOffset *int64 `json:"current_target_offset" yaml:"current_target_offset"`
	Note          string `json:"note,omitempty" yaml:"note,omitempty"`
}

// SourceGroups is what a sync reads of the source cluster.
type SourceGroups interface {
	ListGroups(ctx context.Context) ([]kafka.GroupListing, error)
	GroupOffsets(ctx context.Context, group string) (map[record.TopicPartition]int64, error)
}

// SyncGroups translates the source groups' committed offsets on the
// checkpoint's partitions to the target through its offset map, and plans
// (with Execute: commits) them for the groups of the same names on the
// target. The map counts as far as the checkpoint does, so a copy still
// running (or interrupted) syncs what it acknowledged: a group already
// past that on a partition gets nothing committed there yet (a note says
// so). A group with members on the target refuses the whole sync before
// anything is committed.
func SyncGroups(ctx context.Context, src SourceGroups, dst reset.Admin, cp *Checkpoint, o SyncOptions) ([]GroupSync, error) {
	groups, err := syncedGroups(ctx, src, cp, o)
	if err != nil {
		return nil, err
	}
	m := cp.CountedOffsets()
	if m == nil {
		return nil, fmt.Errorf("replay %s has no offset map: --sync-groups goes with a copy to topics (--to-profile)", cp.ID)
	}
	var out []GroupSync
	for _, g := range groups {
		gs, err := planSync(ctx, src, dst, cp, m, g, o.Profile)
		if err != nil {
			return nil, err
		}
		out = append(out, gs)
	}
	if !o.Execute {
		return out, nil
	}
	for _, gs := range out {
		if gs.Reset != nil && gs.Reset.Active() {
			return out, fmt.Errorf("target cluster: %w", gs.Reset.ActiveError())
		}
	}
	for _, gs := range out {
		if gs.Reset == nil {
			continue
		}
		if _, err := reset.Execute(ctx, dst, gs.Reset, o.UndoDir, false); err != nil {
			return out, fmt.Errorf("syncing group %q: %w", gs.Group, err)
		}
	}
	return out, nil
}

// syncedGroups are the named groups, or with All those with commits on
// the copied partitions (not the replays' own exactly-once groups, not
// share groups, whose positions are not commits).
func syncedGroups(ctx context.Context, src SourceGroups, cp *Checkpoint, o SyncOptions) ([]string, error) {
	if !o.All {
		return o.Groups, nil
	}
	listed, err := src.ListGroups(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, g := range listed {
		if g.Type == kafka.GroupShare || strings.HasPrefix(g.ID, Group("")) {
			continue
		}
		offsets, err := src.GroupOffsets(ctx, g.ID)
		if err != nil {
			return nil, err
		}
		for tp := range offsets {
			if cp.Partitions[key(tp)] != nil {
				out = append(out, g.ID)
				break
			}
		}
	}
	slices.Sort(out)
	return out, nil
}

func planSync(ctx context.Context, src SourceGroups, dst reset.Admin, cp *Checkpoint, m *OffsetMap, group, profile string) (GroupSync, error) {
	gs := GroupSync{Group: group, Partitions: []SyncedOffset{}}
	offsets, err := src.GroupOffsets(ctx, group)
	if err != nil {
		return gs, fmt.Errorf("reading the commits of group %q: %w", group, err)
	}
	var rows []reset.OffsetRow
	from := map[record.TopicPartition]record.TopicPartition{} // target partition: the source partition translated to it
	for _, tp := range cp.TopicPartitions() {
		c, ok := offsets[tp]
		if !ok {
			continue // no commit: nothing to carry over
		}
		prog := cp.Partitions[key(tp)]
		s := SyncedOffset{Topic: tp.Topic, Partition: tp.Partition, SourceOffset: c}
		dstTP, off, ok := m.Translate(tp, c)
		switch p := m.Partition(tp); {
		case p != nil && p.Scattered:
			s.Note = "records were placed by key over several target partitions: no target offset stands for this position"
		case c > prog.Next && (prog.Next < prog.End || cp.Follow):
			s.Note = fmt.Sprintf("the copy has not reached offset %d yet (acknowledged up to %d): sync again when it has", c, prog.Next)
		case !ok:
			s.Note = "no record of this partition was copied"
		default:
			if other, dup := from[dstTP]; dup {
				return gs, exitcode.UsageError("group %q: %s[%d] and %s[%d] were both copied into %s[%d]: no single target offset stands for both positions",
					group, other.Topic, other.Partition, tp.Topic, tp.Partition, dstTP.Topic, dstTP.Partition)
			}
			from[dstTP] = tp
			s.TargetTopic, s.TargetPartition, s.TargetOffset = dstTP.Topic, dstTP.Partition, &off
			rows = append(rows, reset.OffsetRow{Topic: dstTP.Topic, Partition: dstTP.Partition, Offset: off})
		}
		gs.Partitions = append(gs.Partitions, s)
	}
	if len(rows) == 0 {
		return gs, nil
	}
	plan, err := reset.MakePlan(ctx, dst, group, reset.Strategy{Kind: "sync", File: rows}, reset.Scope{})
	if err != nil {
		return gs, fmt.Errorf("target group %q: %w", group, err)
	}
	plan.OnCluster("--profile", profile)
	gs.Reset = plan
	for i := range gs.Partitions {
		s := &gs.Partitions[i]
		if s.TargetOffset == nil {
			continue
		}
		for _, r := range plan.Rows {
			if r.Topic == s.TargetTopic && r.Partition == s.TargetPartition {
				s.CurrentOffset = r.Current
			}
		}
	}
	return gs, nil
}

// SyncGrid shows the groups' translations: per source commit, the target
// offset and the target group's commit now.
func SyncGrid(syncs []GroupSync) *output.Grid {
	g := output.NewGrid("GROUP", "SOURCE", "SOURCE-OFFSET", "TARGET", "TARGET-OFFSET", "CURRENT-TARGET-OFFSET")
	for _, gs := range syncs {
		for _, s := range gs.Partitions {
			target, off, cur := "-", "-", "-"
			if s.TargetOffset != nil {
				target = fmt.Sprintf("%s[%d]", s.TargetTopic, s.TargetPartition)
				off = output.Int(*s.TargetOffset)
			}
			if s.CurrentOffset != nil {
				cur = output.Int(*s.CurrentOffset)
			}
			g.Row(gs.Group, fmt.Sprintf("%s[%d]", s.Topic, s.Partition), output.Int(s.SourceOffset), target, off, cur)
		}
	}
	return g
}
