package shareconsume

import (
	"context"
	"fmt"
	"strings"

	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/kafka"
)

// Request is consume's share-group flags: the group, and the jq
// expressions whose records are acknowledged RELEASE or REJECT instead of
// being written.
type Request struct {
	Group        string
	ReleaseWhere string
	RejectWhere  string
}

// Check refuses what a share group decides itself, or what needs one;
// changed says whether a flag of consume was given.
func (o *Request) Check(changed func(flag string) bool) error {
	if o.Group == "" {
		for _, name := range []string{"release-where", "reject-where"} {
			if changed(name) {
				return exitcode.UsageError("--%s needs --share-group", name)
			}
		}
		return nil
	}
	// The broker picks where each member reads, and which partitions:
	// positions, partitions and an end do not apply to a share group.
	for _, name := range []string{"group", "offset", "partition", "exit", "isolation"} {
		if changed(name) {
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

// Predicates compiles --release-where and --reject-where into opts.
func (o *Request) Predicates(opts *Options) (err error) {
	if opts.Release, err = ParsePredicate("--release-where", o.ReleaseWhere); err != nil {
		return err
	}
	opts.Reject, err = ParsePredicate("--reject-where", o.RejectWhere)
	return err
}

// ReaderOptions are the share reader's for topics, reading at most limit
// records (0: no limit).
func (o *Request) ReaderOptions(topics []string, limit int64) kafka.ShareReaderOptions {
	ro := kafka.ShareReaderOptions{Group: o.Group, Topics: topics}
	if limit > 0 {
		// Acquire no more than the limit asks for: what is acquired and
		// released unread still counts as a delivery.
		ro.MaxRecords = int32(min(limit, 500))
	}
	return ro
}

// Groups is what CheckGroup asks the cluster (a *kafka.Client).
type Groups interface {
	ListGroups(ctx context.Context) ([]kafka.GroupListing, error)
	CheckGroupType(ctx context.Context, group, typ string) error
	GroupConfig(ctx context.Context, group string) ([]kafka.ConfigEntry, error)
}

// CheckGroup refuses a group of another type (its members would be
// refused by the broker) and a cluster without share groups. For a new
// share group that starts at the log end it returns a note saying so and
// how to have it read what is there.
func CheckGroup(ctx context.Context, c Groups, group string, topics []string) (note string, err error) {
	listed, err := c.ListGroups(ctx)
	if err != nil {
		return "", err
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
			return "", &kafka.GroupTypeError{Group: group, Type: l.Type, Operation: "share consumer",
				Hint: fmt.Sprintf("read it as a %s group: %s", l.Type, read)}
		}
		return "", nil
	}
	if err := c.CheckGroupType(ctx, group, kafka.GroupShare); err != nil {
		return "", err
	}
	entries, err := c.GroupConfig(ctx, group)
	if err != nil {
		return "", err
	}
	for _, e := range entries {
		// Unset (some brokers answer the default as empty) is Kafka's
		// default, latest.
		if e.Name == "share.auto.offset.reset" && (e.Value == "" || strings.EqualFold(e.Value, "latest")) {
			note = fmt.Sprintf("Share group %q is new and starts at the log end (share.auto.offset.reset=latest): it reads only records produced from now on. To have it read what is there, stop it and run:\n  streamctl group reset %s --to-earliest %s --execute", group, group, topicFlags(topics))
		}
	}
	return note, nil
}

// topicFlags names topics as --topic flags.
func topicFlags(topics []string) string {
	flags := make([]string, len(topics))
	for i, t := range topics {
		flags[i] = "--topic " + t
	}
	return strings.Join(flags, " ")
}
