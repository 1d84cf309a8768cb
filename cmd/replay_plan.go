package cmd

import (
	"context"
	"errors"
	"fmt"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/config"
	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/output"
	"github.com/streamctl/streamctl/internal/pipeline"
	"github.com/streamctl/streamctl/internal/replay"
	"github.com/streamctl/streamctl/internal/schema"
)

// replayToGroup positions a consumer group at the start of the range, as
// group reset does, and shows its plan.
func replayToGroup(ctx context.Context, f *cmdutil.Factory, c *kafka.Client, opts *ReplayOptions, plan *pipeline.Plan, sum replay.Summary) error {
	rp, err := replay.ToGroup(ctx, c, &opts.run, plan)
	if rp != nil {
		rp.OnCluster(f.ClusterArgs()...)
		cmdutil.SayResetNotes(f, rp.Notes(true))
	}
	if err != nil {
		return err
	}
	if opts.Execute {
		f.IO.Infof("Group %q now starts at the beginning of the range (%s to catch up on).", opts.ToGroup, output.Count(sum.Planned, "record"))
	}
	sum.DryRun, sum.GroupReset = !opts.Execute, rp
	return output.Print(f.IO, f.Output(), sum, func(bool) []*output.Grid { return []*output.Grid{rp.Grid()} })
}

// replayDryRun shows the range per partition and a sample of what passes
// the filters, writing nothing.
func replayDryRun(ctx context.Context, f *cmdutil.Factory, d replay.Deps, opts *ReplayOptions, plan *pipeline.Plan, sum replay.Summary) error {
	if opts.ToTopic != "" || opts.ToProfile != "" {
		ts, err := replay.DryRun(ctx, d, &opts.run)
		if err != nil {
			return err
		}
		sum.Targets = ts.Topics
		if f.Output() == output.Table {
			if err := output.RenderGrid(f.IO, ts.Grid(), false); err != nil {
				return err
			}
			fmt.Fprintln(f.IO.Out)
		}
	}
	if f.Output() != output.Table {
		return output.Print(f.IO, f.Output(), sum, nil)
	}
	g := output.NewGrid("TOPIC", "PARTITION", "FROM", "TO", "RECORDS")
	for _, tp := range plan.Partitions() {
		g.Row(tp.Topic, fmt.Sprint(tp.Partition), output.Int(plan.Start[tp]), output.Int(plan.End[tp]), output.Int(max(0, plan.End[tp]-plan.Start[tp])))
	}
	if err := output.RenderGrid(f.IO, g, false); err != nil {
		return err
	}
	var err error
	if d.Decoder, err = opts.Decode.Decoder(ctx, f); err != nil {
		return err
	}
	fmt.Fprintln(f.IO.Out, "\nSample (first records that pass the filters; nothing is written):")
	return replay.Sample(ctx, d, &opts.run, plan, 3)
}

// replayConnectTarget connects a copy to another cluster: its client from
// the --to-profile profile, and the schema id translation between the two
// profiles' registries (none with --keep-schema-ids).
func replayConnectTarget(f *cmdutil.Factory, opts *ReplayOptions, d *replay.Deps) error {
	if opts.ToProfile == "" {
		return nil
	}
	var err error
	if d.Target, err = f.ProfileClient(opts.ToProfile); err != nil {
		return err
	}
	if opts.KeepIDs || opts.DryRun {
		return nil
	}
	src, err := f.Registry()
	if errors.Is(err, config.ErrNoRegistry) {
		src, err = nil, nil
	}
	if err != nil {
		return err
	}
	dst, dstErr := f.ProfileRegistry(opts.ToProfile)
	if dstErr != nil && !errors.Is(dstErr, config.ErrNoRegistry) {
		return dstErr
	}
	d.Schemas = schema.NewIDMap(src, dst, dstErr, func(msg string) { f.IO.Warnf("%s", msg) })
	return nil
}
