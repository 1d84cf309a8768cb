package reset

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/shell"
)

// Options are what a reset is asked to do.
type Options struct {
	Group    string
	Strategy Strategy
	Scope    Scope
	// Execute applies the plan; without it nothing changes.
	Execute bool
	// UndoDir is where Execute saves the previous offsets.
	UndoDir string
	// DeleteInternal deletes a streams group's internal topics with the
	// reset (kafka-streams-groups --delete-all-internal-topics).
	DeleteInternal bool
}

// Run plans the reset and, with Execute, applies it (only while the group
// has no members, saving its previous offsets in UndoDir first). The plan
// says what was done: Executed, UndoFile, DeletedTopics. When Execute fails
// the plan comes back with the error.
func Run(ctx context.Context, c Admin, o Options) (*Plan, error) {
	plan, err := MakePlan(ctx, c, o.Group, o.Strategy, o.Scope)
	if err != nil {
		return nil, err
	}
	if o.DeleteInternal && plan.Type != kafka.GroupStreams {
		return nil, exitcode.UsageError("--delete-internal-topics is for streams groups, and group %q is a %s group", plan.Group, plan.Type)
	}
	plan.deleteInternal = o.DeleteInternal
	if o.Execute {
		if _, err := Execute(ctx, c, plan, o.UndoDir, o.DeleteInternal); err != nil {
			return plan, err // planned, so its notes (clamps) still apply
		}
	}
	return plan, nil
}

// Level says how a note is shown.
type Level int

const (
	Warning Level = iota // a warning on stderr
	Info                 // a line on stderr
	Last                 // the line the command leaves last, once it succeeded
)

// Note is a line for the person running the reset.
type Note struct {
	Level Level
	Text  string
}

// Notes say what the plan means for the person running it: partitions whose
// target was clamped into the log, a streams group's state kept in its
// internal topics, and then either that nothing changed (with dryRunNote)
// or how to undo what did, as commands that run as printed.
func (p *Plan) Notes(dryRunNote bool) []Note {
	var notes []Note
	for _, r := range p.Rows {
		if r.Clamped {
			notes = append(notes, Note{Warning, fmt.Sprintf("%s[%d]: the target is outside the log [%d, %d]; clamped to %d", r.Topic, r.Partition, r.LogStartOffset, r.LogEndOffset, r.New)})
		}
	}
	if len(p.InternalTopics) > 0 && !p.deleteInternal {
		notes = append(notes, Note{Info, fmt.Sprintf("Streams group %q keeps state derived from its offsets in %s; --delete-internal-topics deletes them with the reset.", p.Group, strings.Join(p.InternalTopics, ", "))})
	}
	if !p.Executed {
		if dryRunNote {
			notes = append(notes, Note{Last, fmt.Sprintf("Dry run: nothing changed. Add --execute to apply (group %q %s).", p.Group, p.Status())})
		}
		return notes
	}
	var uncommitted []OffsetRow // partitions the group had no commit on
	for _, r := range p.Rows {
		if r.Current == nil {
			uncommitted = append(uncommitted, OffsetRow{Topic: r.Topic, Partition: r.Partition})
		}
	}
	share := p.Type == kafka.GroupShare
	if len(uncommitted) == len(p.Rows) {
		// Nothing to put back: undoing is deleting the new commits.
		return append(notes, Note{Info, fmt.Sprintf("Offsets of group %q set; it had no commits on these partitions before. To undo:\n  %s", p.Group, DeleteOffsetsCommand(p.Group, uncommitted, share, p.cluster...))})
	}
	notes = append(notes, Note{Info, fmt.Sprintf("Offsets of group %q reset. Previous offsets saved to %s; to undo:\n  %s", p.Group, p.UndoFile, RestoreCommand(p.Group, p.UndoFile, p.cluster...))})
	if len(uncommitted) > 0 {
		notes = append(notes, Note{Info, fmt.Sprintf("The partitions that had no commit before are not in that plan; to remove their new commits too:\n  %s", DeleteOffsetsCommand(p.Group, uncommitted, share, p.cluster...))})
	}
	return notes
}

// RestoreCommand is the command that puts back the offsets saved in an
// undo file, as printed after a reset or a deletion; extra are flags
// added to it (the flags naming the group's cluster).
func RestoreCommand(groupID, undoFile string, extra ...string) string {
	return shell.Join(append([]string{"streamctl", "group", "reset", groupID, "--from-file", undoFile, "--execute"}, extra...)...)
}

// DeleteOffsetsCommand is the command that removes a group's commits on
// these partitions (naming them as --topic T:0,2 per topic, or T alone
// with wholeTopics: a share group's offsets go per topic), as printed to
// undo commits made where the group had none.
func DeleteOffsetsCommand(groupID string, rows []OffsetRow, wholeTopics bool, extra ...string) string {
	words := []string{"streamctl", "group", "delete-offsets", groupID}
	var topics []string
	parts := map[string][]string{}
	for _, r := range rows {
		if parts[r.Topic] == nil {
			topics = append(topics, r.Topic)
		}
		parts[r.Topic] = append(parts[r.Topic], strconv.Itoa(int(r.Partition)))
	}
	for _, t := range topics {
		if wholeTopics {
			words = append(words, "--topic", t)
		} else {
			words = append(words, "--topic", t+":"+strings.Join(parts[t], ","))
		}
	}
	return shell.Join(append(append(words, "--execute", "--yes"), extra...)...)
}
