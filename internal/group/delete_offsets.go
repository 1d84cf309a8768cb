package group

import (
	"context"
	"fmt"

	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/output"
	"github.com/streamctl/streamctl/internal/record"
	"github.com/streamctl/streamctl/internal/reset"
)

// OffsetDeletion is what `group delete-offsets` will do (or did, with
// Executed): the group's commits on some topics go away, so on those
// partitions the group starts again from its auto.offset.reset position.
type OffsetDeletion struct {
	Group    string              `json:"group" yaml:"group"`
	Type     string              `json:"type" yaml:"type"`
	State    string              `json:"state" yaml:"state"`
	Rows     []OffsetDeletionRow `json:"partitions" yaml:"partitions"`
	Executed bool                `json:"executed" yaml:"executed"`
	UndoFile string              `json:"undo_file,omitempty" yaml:"undo_file,omitempty"`

	members int // when planned
}

// OffsetDeletionRow is one partition of an offset deletion.
type OffsetDeletionRow struct {
	Topic     string `json:"topic" yaml:"topic"`
	Partition int32  `json:"partition" yaml:"partition"`
	// Committed is the offset being deleted (a share group's start
	// offset); nil when there is none.
	Committed *int64 `json:"committed_offset" yaml:"committed_offset"`
	// Error is the broker's refusal for this partition, after Execute.
	Error string `json:"error,omitempty" yaml:"error,omitempty"`
}

// Failed counts the partitions the broker refused.
func (d *OffsetDeletion) Failed() int {
	n := 0
	for _, r := range d.Rows {
		if r.Error != "" {
			n++
		}
	}
	return n
}

// DeleteOffsetsAdmin is what deleting a group's offsets needs of Kafka.
type DeleteOffsetsAdmin interface {
	reset.Admin
	DeleteGroupOffsets(ctx context.Context, group string, parts []record.TopicPartition) (map[record.TopicPartition]error, error)
	DeleteShareGroupOffsets(ctx context.Context, group string, topics []string) (map[string]error, error)
}

var _ DeleteOffsetsAdmin = (*kafka.Client)(nil)

// PlanDeleteOffsets resolves the partitions of the topics in scope (every
// partition of a topic named without partitions, as Kafka's tool does) and
// the group's commits on them, without changing anything. An unknown group
// is an error with suggestions. Kafka deletes a share group's offsets per
// topic: naming partitions of one is refused.
func PlanDeleteOffsets(ctx context.Context, c DeleteOffsetsAdmin, group string, topics []reset.TopicScope) (*OffsetDeletion, error) {
	g, listed, err := reset.Locate(ctx, c, group)
	if err != nil {
		return nil, err
	}
	if !g.Exists {
		return nil, notFound(group, listed)
	}
	if g.Desc.Type == kafka.GroupShare {
		for _, ts := range topics {
			if len(ts.Partitions) > 0 {
				return nil, &kafka.GroupTypeError{Group: group, Type: kafka.GroupShare, Operation: "per-partition offset deletion",
					Hint: fmt.Sprintf("it deletes a share group's offsets of whole topics: use --topic %s", ts.Topic)}
			}
		}
	}
	tps, err := reset.TopicPartitions(ctx, c, topics)
	if err != nil {
		return nil, err
	}
	d := &OffsetDeletion{Group: group, Type: g.Desc.Type, State: g.Desc.State, Rows: []OffsetDeletionRow{}, members: len(g.Desc.Members)}
	for _, tp := range tps {
		row := OffsetDeletionRow{Topic: tp.Topic, Partition: tp.Partition}
		if off, ok := g.Current[tp]; ok {
			row.Committed = &off
		}
		d.Rows = append(d.Rows, row)
	}
	return d, nil
}

// DeleteOffsets applies the deletion. It first saves the commits it deletes
// as a plan file in undoDir (returned in UndoFile), so `group reset
// --from-file` on it brings them back. Partitions the broker refuses (the
// group's members are subscribed to the topic) carry their error; the rest
// are deleted.
func DeleteOffsets(ctx context.Context, c DeleteOffsetsAdmin, d *OffsetDeletion, undoDir string) error {
	if d.Type == kafka.GroupShare && d.members > 0 {
		// Kafka refuses the whole request then: say so before saving an
		// undo file for nothing.
		return &reset.ErrGroupActive{Group: d.Group, Type: d.Type, State: d.State, Deleting: true}
	}
	var undo []reset.OffsetRow
	parts := make([]record.TopicPartition, len(d.Rows))
	var topics []string
	for i, r := range d.Rows {
		parts[i] = record.TopicPartition{Topic: r.Topic, Partition: r.Partition}
		topics = appendNew(topics, r.Topic)
		if r.Committed != nil {
			undo = append(undo, reset.OffsetRow{Topic: r.Topic, Partition: r.Partition, Offset: *r.Committed})
		}
	}
	if len(undo) > 0 {
		path, err := reset.SaveUndo(d.Group, undo, undoDir)
		if err != nil {
			return err
		}
		d.UndoFile = path
	}
	failed := map[record.TopicPartition]error{}
	if d.Type == kafka.GroupShare {
		byTopic, err := c.DeleteShareGroupOffsets(ctx, d.Group, topics)
		if err != nil {
			return err
		}
		for _, tp := range parts {
			if err := byTopic[tp.Topic]; err != nil {
				failed[tp] = err
			}
		}
	} else {
		var err error
		if failed, err = c.DeleteGroupOffsets(ctx, d.Group, parts); err != nil {
			return err
		}
	}
	for i, r := range d.Rows {
		if err := failed[record.TopicPartition{Topic: r.Topic, Partition: r.Partition}]; err != nil {
			d.Rows[i].Error = err.Error()
		}
	}
	d.Executed = true
	return nil
}

// Summary says in one line what the deletion covers, for a prompt.
func (d *OffsetDeletion) Summary() string {
	committed := 0
	for _, r := range d.Rows {
		if r.Committed != nil {
			committed++
		}
	}
	return fmt.Sprintf("%s on %s", output.Count(int64(committed), "committed offset"), output.Count(int64(len(d.Rows)), "partition"))
}
