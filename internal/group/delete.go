package group

import (
	"context"

	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/reset"
)

// GroupDeletion is what `group delete` will do (or did, with Executed):
// the groups go, with their committed offsets.
type GroupDeletion struct {
	Groups   []DeletedGroup `json:"groups" yaml:"groups"`
	Executed bool           `json:"executed" yaml:"executed"`
}

// DeletedGroup is one group of a deletion.
type DeletedGroup struct {
	Group   string `json:"group" yaml:"group"`
	Type    string `json:"type" yaml:"type"`
	State   string `json:"state" yaml:"state"`
	Members int    `json:"members" yaml:"members"`
	// CommittedPartitions counts the partitions the group has a commit on
	// (none for a share group, which keeps start offsets instead).
	CommittedPartitions int `json:"committed_partitions" yaml:"committed_partitions"`
	// UndoFile holds those commits, saved before the delete; `group reset
	// --from-file` on it brings them back. Empty without commits.
	UndoFile string `json:"undo_file,omitempty" yaml:"undo_file,omitempty"`

	commits []reset.OffsetRow
}

// PlanDeleteGroups describes the groups without changing anything. An
// unknown group is an error with suggestions.
func PlanDeleteGroups(ctx context.Context, c *kafka.Client, ids []string) (*GroupDeletion, error) {
	lags, err := Describe(ctx, c, ids, Options{ResetPolicy: "latest"})
	if err != nil {
		return nil, err
	}
	d := &GroupDeletion{Groups: []DeletedGroup{}}
	for _, l := range lags {
		g := DeletedGroup{Group: l.Group, Type: l.Type, State: l.State, Members: l.Members}
		for _, p := range l.Partitions {
			if p.CommittedOffset != nil {
				g.commits = append(g.commits, reset.OffsetRow{Topic: p.Topic, Partition: p.Partition, Offset: *p.CommittedOffset})
			}
		}
		g.CommittedPartitions = len(g.commits)
		d.Groups = append(d.Groups, g)
	}
	return d, nil
}

// DeleteGroups applies the deletion. It first saves each group's commits as
// a plan file in undoDir (DeletedGroup.UndoFile); the broker refuses a
// group with active members.
func DeleteGroups(ctx context.Context, c *kafka.Client, d *GroupDeletion, undoDir string) error {
	ids := make([]string, len(d.Groups))
	for i := range d.Groups {
		g := &d.Groups[i]
		ids[i] = g.Group
		if len(g.commits) > 0 {
			path, err := reset.SaveUndo(g.Group, g.commits, undoDir)
			if err != nil {
				return err
			}
			g.UndoFile = path
		}
	}
	if err := c.DeleteGroups(ctx, ids); err != nil {
		return err
	}
	d.Executed = true
	return nil
}
