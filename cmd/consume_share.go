package cmd

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/consume"
	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/output"
	"github.com/streamctl/streamctl/internal/pipeline"
	"github.com/streamctl/streamctl/internal/shareconsume"
)

// ShareOptions are consume's share-group flags.
type ShareOptions struct {
	Group        string
	ReleaseWhere string
	RejectWhere  string
}

func (o *ShareOptions) addFlags(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&o.Group, "share-group", "", "read as a member of this share group (Kafka 4 queues): written records are acknowledged ACCEPT")
	fl.StringVar(&o.ReleaseWhere, "release-where", "", "with --share-group: acknowledge RELEASE (deliver again) records whose JSON value passes this jq expression")
	fl.StringVar(&o.RejectWhere, "reject-where", "", "with --share-group: acknowledge REJECT (archive, never delivered again) records whose JSON value passes this jq expression")
}

// validate refuses what a share group decides itself, or what needs one.
func (o *ShareOptions) validate(cmd *cobra.Command, c *ConsumeOptions) error {
	if o.Group == "" {
		for _, name := range []string{"release-where", "reject-where"} {
			if cmd.Flags().Changed(name) {
				return exitcode.UsageError("--%s needs --share-group", name)
			}
		}
		return nil
	}
	// The broker picks where each member reads, and which partitions:
	// positions, partitions and an end do not apply to a share group.
	for _, name := range []string{"group", "offset", "partition", "exit", "isolation"} {
		if cmd.Flags().Changed(name) {
			hint := ""
			switch name {
			case "offset":
				hint = fmt.Sprintf(" (to move where the group reads: streamctl group reset %s --to-earliest --all-topics --execute)", o.Group)
			case "exit":
				hint = " (to stop when nothing more comes: --idle-timeout 5s)"
			case "isolation":
				hint = fmt.Sprintf(" (the group's own share.isolation.level decides: streamctl group config set %s share.isolation.level=read_committed --execute)", o.Group)
			}
			return exitcode.UsageError("--%s does not apply to --share-group: the broker decides what each member of a share group reads%s", name, hint)
		}
	}
	return nil
}

// shareRun is consume --share-group: records in, each acknowledged by
// what became of it.
func shareRun(ctx context.Context, f *cmdutil.Factory, opts *ConsumeOptions) error {
	so := &opts.Share
	client, err := f.Client()
	if err != nil {
		return err
	}
	topics, err := consume.SelectTopics(ctx, client, opts.Topics, opts.Regex)
	if err != nil {
		return err
	}
	if _, err := client.Partitions(ctx, topics); err != nil {
		return err
	}
	if err := checkShareGroup(ctx, f, client, so.Group, topics); err != nil {
		return err
	}
	dec, err := opts.Decode.Decoder(ctx, f)
	if err != nil {
		return err
	}
	if dec != nil {
		dec.Replace = opts.Template != "" || f.Output() != output.JSON
	}
	steps, err := consumeSteps(opts, dec)
	if err != nil {
		return err
	}
	encode, err := consumeEncoder(f, opts, dec)
	if err != nil {
		return err
	}
	var ro shareconsume.Options
	if ro.Release, err = shareconsume.ParsePredicate("--release-where", so.ReleaseWhere); err != nil {
		return err
	}
	if ro.Reject, err = shareconsume.ParsePredicate("--reject-where", so.RejectWhere); err != nil {
		return err
	}
	ro.Steps, ro.Limit, ro.IdleTimeout = steps, opts.MaxMessages, opts.IdleTimeout
	ropts := kafka.ShareReaderOptions{Group: so.Group, Topics: topics}
	if opts.MaxMessages > 0 {
		// Acquire no more than -n asks for: what is acquired and released
		// unread still counts as a delivery.
		ropts.MaxRecords = int32(min(opts.MaxMessages, 500))
	}
	reader, err := client.NewShareReader(ropts)
	if err != nil {
		return err
	}
	defer reader.Close()
	sum, err := shareconsume.Run(ctx, reader, pipeline.NewStreamSink(f.IO.Out, encode), ro)
	f.IO.Infof("%s", shareconsume.SummaryLine(so.Group, sum))
	if n, last := reader.AckErrors(); n > 0 {
		f.IO.Warnf("the broker refused %s (their records will be delivered again): %v", output.Count(n, "acknowledgement"), last)
	}
	return err
}

// checkShareGroup refuses a group of another type (its members would be
// refused by the broker) and a cluster without share groups, and says
// where a new share group starts.
func checkShareGroup(ctx context.Context, f *cmdutil.Factory, c *kafka.Client, group string, topics []string) error {
	listed, err := c.ListGroups(ctx)
	if err != nil {
		return err
	}
	for _, l := range listed {
		if l.ID != group {
			continue
		}
		if l.Type != kafka.GroupShare {
			read := fmt.Sprintf("streamctl consume %s -g %s", strings.Join(topics, " "), group)
			if l.Type == kafka.GroupConsumer {
				read += " -X group.protocol=consumer" // its members speak KIP-848's protocol
			}
			return &kafka.GroupTypeError{Group: group, Type: l.Type, Operation: "share consumer",
				Hint: fmt.Sprintf("read it as a %s group: %s", l.Type, read)}
		}
		return nil
	}
	if err := c.CheckGroupType(ctx, group, kafka.GroupShare); err != nil {
		return err
	}
	entries, err := c.GroupConfig(ctx, group)
	if err != nil {
		return err
	}
	for _, e := range entries {
		// Unset (some brokers answer the default as empty) is Kafka's
		// default, latest.
		if e.Name == "share.auto.offset.reset" && (e.Value == "" || strings.EqualFold(e.Value, "latest")) {
			f.IO.Infof("Share group %q is new and starts at the log end (share.auto.offset.reset=latest): it reads only records produced from now on. To have it read what is there, stop it and run:\n  streamctl group reset %s --to-earliest %s --execute", group, group, topicFlags(topics))
		}
	}
	return nil
}

// topicFlags names topics as --topic flags.
func topicFlags(topics []string) string {
	flags := make([]string, len(topics))
	for i, t := range topics {
		flags[i] = "--topic " + t
	}
	return strings.Join(flags, " ")
}
