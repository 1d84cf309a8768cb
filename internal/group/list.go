package group

import (
	"context"
	"slices"

	"github.com/streamctl/streamctl/internal/kafka"
)

// Summary is one row of `group list`.
type Summary struct {
	Group string `json:"group" yaml:"group"`
	// Type is classic, consumer, share or streams; Protocol the group's
	// protocol type (consumer, share, streams, connect, or "" for a group
	// that only stores offsets).
	Type     string   `json:"type" yaml:"type"`
	Protocol string   `json:"protocol" yaml:"protocol"`
	State    string   `json:"state" yaml:"state"`
	Assignor string   `json:"assignor" yaml:"assignor"`
	Members  int      `json:"members" yaml:"members"`
	Topics   []string `json:"topics" yaml:"topics"`
	TotalLag int64    `json:"total_lag" yaml:"total_lag"`
}

// IDs lists the id of every group of the cluster, sorted: what --all
// describes.
func IDs(ctx context.Context, c *kafka.Client) ([]string, error) {
	listed, err := c.ListGroups(ctx)
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(listed))
	for _, g := range listed {
		ids = append(ids, g.ID)
	}
	slices.Sort(ids)
	return ids, nil
}

// List summarises the groups whose id passes keep (nil keeps all), in a
// fixed number of round trips whatever the number of groups.
func List(ctx context.Context, c Admin, keep func(kafka.GroupListing) bool) ([]Summary, error) {
	all, err := c.ListGroups(ctx)
	if err != nil {
		return nil, err
	}
	var ids []string
	protocols := map[string]string{}
	for _, g := range all {
		if keep == nil || keep(g) {
			ids = append(ids, g.ID)
			protocols[g.ID] = g.Protocol
		}
	}
	lags, err := describe(ctx, c, all, ids, Options{ResetPolicy: "latest"}, false)
	if err != nil {
		return nil, err
	}
	out := make([]Summary, 0, len(lags))
	for _, l := range lags {
		s := Summary{Group: l.Group, Type: l.Type, Protocol: protocols[l.Group], State: l.State, Assignor: l.Assignor, Members: l.Members, Topics: []string{}, TotalLag: l.TotalLag}
		for _, t := range l.Topics {
			s.Topics = append(s.Topics, t.Topic)
		}
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b Summary) int {
		if a.Group < b.Group {
			return -1
		}
		if a.Group > b.Group {
			return 1
		}
		return 0
	})
	return out, nil
}

// ForTopic is the fan-out view: the lag of every group, of every type,
// that consumes the topic, each computed over that topic only.
func ForTopic(ctx context.Context, c Admin, topic string, opts Options) ([]Lag, error) {
	return ForTopics(ctx, c, []string{topic}, opts)
}

// ForTopics is ForTopic for several topics at once: the lag of every group
// that consumes any of them, each over those of the topics it consumes, in
// one round of requests. It covers every type of group: classic, consumer
// (KIP-848) and streams (KIP-1071) groups by their committed offsets, share
// groups (KIP-932) by their start offsets, before which every record has
// been acknowledged (a share group commits none).
func ForTopics(ctx context.Context, c Admin, topics []string, opts Options) ([]Lag, error) {
	return forTopics(ctx, c, topics, opts, "")
}

// GroupForTopics is ForTopics for one group, of any type: its lag over
// those of the topics it consumes (none: an empty list). A group the
// cluster does not know is a *GroupNotFoundError.
func GroupForTopics(ctx context.Context, c Admin, id string, topics []string, opts Options) ([]Lag, error) {
	return forTopics(ctx, c, topics, opts, id)
}

func forTopics(ctx context.Context, c Admin, topics []string, opts Options, only string) ([]Lag, error) {
	if _, err := c.Partitions(ctx, topics); err != nil {
		return nil, err
	}
	all, err := c.ListGroups(ctx)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, g := range all {
		if only == "" || g.ID == only {
			ids = append(ids, g.ID)
		}
	}
	if only != "" && len(ids) == 0 {
		return nil, notFound(only, all)
	}
	opts.Topics = topics
	lags, err := describe(ctx, c, all, ids, opts, false)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(lags, func(l Lag) bool { return len(l.Partitions) == 0 }), nil
}
