package group

import (
	"context"
	"slices"

	"github.com/streamctl/streamctl/internal/kafka"
)

// Summary is one row of `group list`.
type Summary struct {
	Group    string   `json:"group" yaml:"group"`
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
func List(ctx context.Context, c *kafka.Client, keep func(kafka.GroupListing) bool) ([]Summary, error) {
	all, err := c.ListGroups(ctx)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, g := range all {
		if keep == nil || keep(g) {
			ids = append(ids, g.ID)
		}
	}
	lags, err := describe(ctx, c, ids, Options{ResetPolicy: "latest"}, false)
	if err != nil {
		return nil, err
	}
	out := make([]Summary, 0, len(lags))
	for _, l := range lags {
		s := Summary{Group: l.Group, State: l.State, Assignor: l.Assignor, Members: l.Members, Topics: []string{}, TotalLag: l.TotalLag}
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

// ForTopic is the fan-out view: the lag of every group that consumes the
// topic, each computed over that topic only.
func ForTopic(ctx context.Context, c *kafka.Client, topic string, opts Options) ([]Lag, error) {
	if _, err := c.Partitions(ctx, []string{topic}); err != nil {
		return nil, err
	}
	all, err := c.ListGroups(ctx)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(all))
	for i, g := range all {
		ids[i] = g.ID
	}
	opts.Topics = []string{topic}
	lags, err := describe(ctx, c, ids, opts, false)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(lags, func(l Lag) bool { return len(l.Partitions) == 0 }), nil
}
