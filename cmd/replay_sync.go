package cmd

import (
	"context"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/output"
	"github.com/streamctl/streamctl/internal/replay"
)

// replaySync carries the source groups' offsets over to the target once
// the copy is complete (--sync-groups): their translations as a table or
// in the summary, then the reset notes (undo commands) or how to apply.
func replaySync(ctx context.Context, f *cmdutil.Factory, d replay.Deps, opts *ReplayOptions, cp *replay.Checkpoint, sum *replay.Summary) error {
	syncs, err := replay.SyncGroups(ctx, d.Client, d.Target, cp, *opts.run.Sync)
	sum.GroupSync = syncs
	if err != nil {
		return err
	}
	for _, gs := range syncs {
		for _, s := range gs.Partitions {
			if s.Note != "" {
				f.IO.Warnf("group %q, %s[%d] at offset %d: %s; nothing committed there", gs.Group, s.Topic, s.Partition, s.SourceOffset, s.Note)
			}
		}
		if gs.Reset == nil {
			if len(gs.Partitions) == 0 {
				f.IO.Infof("Group %q has no commits on the copied partitions: nothing to carry over.", gs.Group)
			}
			continue
		}
		cmdutil.SayResetNotes(f, gs.Reset.Notes(false))
	}
	if !opts.Execute {
		f.SayLast("Dry run: no group offsets changed on profile %q. To commit them: %s", opts.ToProfile,
			opts.rerun(map[string]string{"checkpoint": cp.Path(), "resume": "true", "execute": "true"}))
	}
	return output.Print(f.IO, f.Output(), sum, func(bool) []*output.Grid { return []*output.Grid{replay.SyncGrid(syncs)} })
}
