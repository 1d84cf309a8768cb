package pipeline

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/streamctl/streamctl/internal/envelope"
	"github.com/streamctl/streamctl/internal/record"
)

// FileSource reads record envelopes, one per line (consume -o json output,
// replay and DLQ archives), in file order. A file has no consumer group:
// it never commits, so a rerun reads the whole file again.
type FileSource struct {
	r    *bufio.Reader
	name string
	line int
}

// NewFileSource reads envelopes from r; name is used in errors.
func NewFileSource(r io.Reader, name string) *FileSource {
	return &FileSource{r: bufio.NewReaderSize(r, 1<<20), name: name}
}

// Next implements Source; a malformed line is an error naming it.
func (s *FileSource) Next(ctx context.Context) (*record.Record, error) {
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		line, err := s.r.ReadBytes('\n')
		if len(line) == 0 && err != nil {
			if errors.Is(err, io.EOF) {
				return nil, io.EOF
			}
			return nil, fmt.Errorf("reading %s: %w", s.name, err)
		}
		s.line++
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		rec, perr := envelope.Parse(line)
		if perr != nil {
			return nil, fmt.Errorf("%s line %d: %w", s.name, s.line, perr)
		}
		return &rec, nil
	}
}

// Commit implements Source: there is nothing to commit to.
func (s *FileSource) Commit(context.Context, map[record.TopicPartition]int64) error { return nil }

// Commits implements Committing: never.
func (s *FileSource) Commits() bool { return false }
