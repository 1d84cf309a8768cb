package produce

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"sort"

	"github.com/streamctl/streamctl/internal/envelope"
	"github.com/streamctl/streamctl/internal/record"
	"github.com/streamctl/streamctl/internal/textio"
)

// lineSource is the pipeline's source for produce: it turns input lines
// (or, for raw, the whole input) into records, one at a time. The record it
// returns, and the bytes it points at, are valid until the next call: the
// producer copies them.
//
// Parsing a line (parse) is apart from reading it, so that a later reader
// can parse a buffer's worth of lines into a slice of records and hand the
// producer the whole batch in one call.
type lineSource struct {
	r       *bufio.Reader
	raw     io.Reader // Format raw: read whole
	opts    *Options
	targets *targets
	warnf   func(format string, a ...any)

	// plainText: no key, header or null parsing, so a line's value is the
	// line itself. ParseTextLine copies it, for callers that keep the
	// record; the producer copies the bytes anyway, so the value can point
	// into the read buffer: one allocation less per line, about 10% of
	// produce's CPU.
	plainText bool
	rec       record.Record
	long      []byte // a line longer than the read buffer

	next int // the number of the next line to read
	// line is the line of the record being processed or, between records,
	// the next line: where a stopped run says input stopped.
	line int
	// sent: records were returned since the source last said it had none
	// at hand.
	sent    bool
	done    bool
	invalid int64 // lines skipped with SkipInvalid
	lines   inputLines
}

func newLineSource(in io.Reader, opts *Options, t *targets, warnf func(string, ...any)) *lineSource {
	s := &lineSource{opts: opts, targets: t, warnf: warnf, next: 1}
	if opts.Format == "raw" {
		s.raw = in
	} else {
		s.r = bufio.NewReaderSize(in, 1<<20)
	}
	tx := &opts.Text
	s.plainText = opts.Format == "text" && !tx.ParseKey && !tx.ParseHeaders && tx.NullMarker == "" && !tx.EmptyIsNull
	return s
}

// Next implements pipeline.Source. It returns nil, "nothing at hand", when
// the next read may wait for input (tail -f | produce): the pipeline then
// hands the records read so far to the producer rather than holding them
// until a batch fills.
func (s *lineSource) Next(ctx context.Context) (*record.Record, error) {
	for {
		s.line = s.next
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if s.raw != nil {
			return s.readRaw()
		}
		// Looking for a whole line only near the end of what is buffered:
		// the scan costs a few percent of produce's CPU when done for every
		// line of a file.
		if s.sent && s.r.Buffered() < 4096 && !lineBuffered(s.r) {
			s.sent = false
			return nil, nil
		}
		line, err := s.r.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			s.long = append(s.long[:0], line...)
			for errors.Is(err, bufio.ErrBufferFull) {
				line, err = s.r.ReadSlice('\n')
				s.long = append(s.long, line...)
			}
			line = s.long
		}
		if len(line) == 0 && err != nil {
			if err == io.EOF {
				return nil, io.EOF
			}
			return nil, err
		}
		s.next++
		skip, err := s.parse(ctx, line)
		if err != nil {
			return nil, err
		}
		if skip {
			continue
		}
		s.sent = true
		return &s.rec, nil
	}
}

// parse makes s.rec of input line s.line. skip: the line holds no record
// (a blank envelope line) or was malformed and SkipInvalid counted it.
func (s *lineSource) parse(ctx context.Context, line []byte) (skip bool, err error) {
	opts, tx := s.opts, &s.opts.Text
	var perr error
	switch {
	case opts.Format == "json":
		if len(bytes.TrimSpace(line)) == 0 {
			return true, nil
		}
		if s.rec, perr = envelope.Parse(line); perr == nil && s.rec.Topic == "" && opts.Topic == "" {
			perr = errors.New("the envelope has no topic; name a TOPIC argument")
		}
		if perr == nil {
			perr = s.targets.lineCheck(ctx, &s.rec, opts)
		}
		var le *lineError
		if errors.As(perr, &le) {
			return false, le.err // not the line's fault: stop
		}
		if perr != nil {
			perr = fmt.Errorf("line %d: %w", s.line, perr)
		}
	case s.plainText:
		value := bytes.TrimSuffix(bytes.TrimSuffix(line, []byte("\n")), []byte("\r"))
		s.rec = record.Record{Partition: record.AnyPartition, Key: tx.FixedKey, Value: value, Headers: tx.Headers[:len(tx.Headers):len(tx.Headers)]}
	default:
		s.rec, perr = textio.ParseLine(line, s.line, tx)
	}
	if perr != nil {
		return true, s.invalidLine(perr)
	}
	s.target()
	return false, nil
}

// invalidLine stops the run at a malformed line, or counts it with
// SkipInvalid.
func (s *lineSource) invalidLine(err error) error {
	if !s.opts.SkipInvalid {
		return err
	}
	s.invalid++
	s.warnf("%v (skipped)", err)
	return nil
}

// target applies Topic and Partition, which override the envelope's.
func (s *lineSource) target() {
	s.rec.Topic = cmp.Or(s.opts.Topic, s.rec.Topic)
	if s.opts.Partition != record.AnyPartition {
		s.rec.Partition = s.opts.Partition
	}
}

// readRaw returns the whole input as one record's value.
func (s *lineSource) readRaw() (*record.Record, error) {
	if s.done {
		return nil, io.EOF
	}
	s.done = true
	value, err := io.ReadAll(s.raw)
	if err != nil {
		return nil, err
	}
	tx := &s.opts.Text
	s.rec = record.Record{Partition: record.AnyPartition, Value: value, Key: tx.FixedKey, Headers: tx.Headers}
	s.target()
	return &s.rec, nil
}

// Commit implements pipeline.Source: input lines have nothing to commit
// to; the resume hint says where a rerun starts.
func (s *lineSource) Commit(context.Context, map[record.TopicPartition]int64) error { return nil }

// Commits implements pipeline.Committing: never.
func (s *lineSource) Commits() bool { return false }

// lineBuffered reports whether r holds a whole line, so reading it will not
// wait for input.
func lineBuffered(r *bufio.Reader) bool {
	b, _ := r.Peek(r.Buffered())
	return bytes.IndexByte(b, '\n') >= 0
}

// inputLines maps records, in the order they were written, to the input
// lines they came from, to say where a stopped produce resumes. Lines and
// records go one to one except where blank or skipped lines fall out;
// only those breaks are kept.
type inputLines struct{ breaks []lineBreak }

type lineBreak struct {
	record int64
	line   int
}

// add notes that record came from line.
func (l *inputLines) add(record int64, line int) {
	if n := len(l.breaks); n > 0 {
		last := l.breaks[n-1]
		if int64(line)-record == int64(last.line)-last.record {
			return
		}
		if last.record == record {
			l.breaks[n-1].line = line
			return
		}
	}
	l.breaks = append(l.breaks, lineBreak{record, line})
}

// line is the input line record came from.
func (l *inputLines) line(record int64) int {
	i := sort.Search(len(l.breaks), func(i int) bool { return l.breaks[i].record > record }) - 1
	if i < 0 {
		return int(record) + 1
	}
	return l.breaks[i].line + int(record-l.breaks[i].record)
}
