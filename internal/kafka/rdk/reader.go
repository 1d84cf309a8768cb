package rdk

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/streamctl/streamctl/internal/record"
)

// ReaderOptions configure a Reader.
type ReaderOptions struct {
	// Group joins this consumer group and subscribes to Topics. Empty reads
	// the partitions in Start directly, and never commits.
	Group  string
	Topics []string
	// GroupProtocol is the group's rebalance protocol: "" or "classic"
	// (JoinGroup/SyncGroup), or "consumer" (KIP-848: the broker assigns).
	GroupProtocol string
	// Start holds where to begin each partition. Without a group these are
	// the partitions read. In a group they apply to assigned partitions that
	// have no committed offset: committed offsets win, as in rpk.
	Start map[record.TopicPartition]int64
	// ReadCommitted hides records of aborted and open transactions.
	ReadCommitted bool
	// Sample is for reading a few records here and there (RecordTimestamps),
	// with Seek and Pause: small fetches and no read-ahead, instead of a
	// throughput-sized queue.
	Sample bool
	// QueueKB caps how much each partition fetches ahead (0: 16 MB, the
	// default above). A reader of many partitions that keeps few records
	// (trace) needs less: the cap is per partition, so twenty partitions
	// could otherwise hold 320 MB queued.
	QueueKB int
	// OnAssign, in a group, is asked where to start the partitions the
	// group assigns, before they are read: its offsets win over the
	// group's commits and Start (a copy whose progress is kept elsewhere,
	// in the target cluster). It runs inside Poll; an error fails the
	// next Poll.
	OnAssign func(parts []record.TopicPartition) (map[record.TopicPartition]int64, error)
	// SessionTimeout is the group's session.timeout.ms (0: librdkafka's
	// 45 s): how long a member that died goes unnoticed, its partitions
	// unread.
	SessionTimeout time.Duration
	// ReuseRecords lets the reader reuse the memory of the records it
	// returned (their bytes, headers and the Record values) once Poll is
	// called again: for a caller that copies what it keeps of a record
	// before the next Poll (an encoder writing each record out, a producer
	// copying it into its batch). A batch of records then costs no
	// allocation; without it, each batch is a new allocation the garbage
	// collector reclaims once no record of it is referenced.
	ReuseRecords bool
	// SkipHeaders returns every record without its headers, for a caller
	// that never looks at them (raw values written out): librdkafka's
	// parse of each record's header section, even an empty one, cost a
	// quarter of such a read's CPU.
	SkipHeaders bool
}

// Reader reads records from partitions, with or without a consumer group,
// through our own binding to librdkafka (rdk_reader.go).
type Reader struct {
	client *Client
	fast   *rdkConsumer
	opts   ReaderOptions

	mu       sync.Mutex
	assigned map[record.TopicPartition]int64 // assigned partitions and where each started
	gen      atomic.Int64                    // bumped, under mu, on every assignment change

	onRevoke func(parts []record.TopicPartition, lost bool)
}

// noGroup is the group.id librdkafka requires even for a consumer that only
// assigns partitions; the reader never joins or commits with it.
const noGroup = "streamctl-no-group"

// NewReader creates a reader. It does not fetch until Poll.
func (cl *Client) NewReader(opts ReaderOptions) (*Reader, error) {
	conf := map[string]string{
		"log.connection.close":     "false",
		"client.id":                "streamctl",
		"enable.auto.commit":       "false", // commits follow the sink, never a timer
		"enable.auto.offset.store": "false",
		"enable.partition.eof":     "true", // bounded reads end at EOF, not at a record
		"auto.offset.reset":        "earliest",
		"isolation.level":          "read_uncommitted",
		"group.id":                 noGroup,
		// A partition's end is seen after at most this long (default 500 ms),
		// which a bounded read waits for when it starts at the end.
		"fetch.wait.max.ms": "100",
		// The local queue: librdkafka fetches ahead until a partition holds
		// queued.min.messages or the queue queued.max.messages.kbytes. Once
		// over, it postpones the next fetch by fetch.queue.backoff.ms, 1 s
		// by default (librdkafka 2.4+): a reader that drains the queue
		// sooner sits idle. With 10 ms, consuming 1M records took 2.3 s
		// instead of 4.2 s; with 1 ms, 10M records on Kafka 4.4 took 4.4 s
		// instead of 7.1 s (3 alternating runs each, quiet machine): a
		// reader that keeps up empties 16 MB within a few ms, and with 10
		// the fetcher idled that long each time. The price is paid by a
		// reader that cannot keep up (its output blocked): the fetcher
		// checks the full queue every 1 ms, 3% of a core against 1.3%.
		// The queue itself stays small, since the reader keeps up with it:
		// 10,000 records per partition and 16 MB (defaults 100,000 and
		// 64 MB; 4 MB fetches and 200,000 records cost 70 MB more peak RSS
		// for no speed) keep memory flat however large the topic is. Each
		// queued record also holds a librdkafka op of ~250 bytes outside
		// that count: 50,000 per partition held 37 MB of them on 3
		// partitions, 10,000 17 MB less peak RSS at the same speed.
		"fetch.queue.backoff.ms":     "1",
		"queued.min.messages":        "10000",
		"queued.max.messages.kbytes": "16384",
	}
	if opts.ReadCommitted {
		conf["isolation.level"] = "read_committed"
	}
	if opts.Sample {
		// A fetch still returns at least one whole record batch per
		// partition, however small this is. With one record queued a
		// partition is "full", so the next fetch waits out the backoff
		// (1 ms, not 10, took lag in time for 50 groups on 100 partitions
		// from 1.2 s to 0.4 s).
		conf["fetch.message.max.bytes"] = "16384"
		conf["queued.min.messages"] = "1"
		conf["queued.max.messages.kbytes"] = "4096"
	}
	if opts.QueueKB > 0 {
		conf["queued.max.messages.kbytes"] = strconv.Itoa(opts.QueueKB)
		conf["fetch.message.max.bytes"] = strconv.Itoa(min(opts.QueueKB*1024, 1<<20))
	}
	if opts.Group != "" {
		conf["group.id"] = opts.Group
	}
	if opts.SessionTimeout > 0 {
		conf["session.timeout.ms"] = strconv.Itoa(int(opts.SessionTimeout.Milliseconds()))
		conf["heartbeat.interval.ms"] = strconv.Itoa(int(opts.SessionTimeout.Milliseconds() / 3))
	}
	if opts.GroupProtocol != "" {
		conf["group.protocol"] = opts.GroupProtocol
	}
	r := &Reader{client: cl, opts: opts, assigned: map[record.TopicPartition]int64{}}
	fast, err := newRDKConsumer(cl.rdkConfig(conf), r)
	if err != nil {
		return nil, fmt.Errorf("invalid consumer configuration: %w", err)
	}
	r.fast = fast
	return r, nil
}

// Assignment returns the partitions being read, each with the offset it
// started from (negative when librdkafka resolves it, e.g. a group's reset
// position), and a generation number that changes with the assignment.
func (r *Reader) Assignment() (map[record.TopicPartition]int64, int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[record.TopicPartition]int64, len(r.assigned))
	for tp, off := range r.assigned {
		out[tp] = off
	}
	return out, int(r.gen.Load())
}

// Generation is the number Assignment returns, without copying the
// assignment: a cheap "did anything change" check per record, without the
// lock.
func (r *Reader) Generation() int { return int(r.gen.Load()) }

// Seek moves a partition to offset: what was fetched of it before is
// dropped, and the next record returned for it is at or after offset.
func (r *Reader) Seek(tp record.TopicPartition, offset int64) error {
	if err := r.fast.seek(tp, offset); err != nil {
		return fmt.Errorf("seeking %s[%d] to %d: %w", tp.Topic, tp.Partition, offset, err)
	}
	return nil
}

// Pause stops fetching a partition (best effort: records already fetched
// may still arrive).
func (r *Reader) Pause(tp record.TopicPartition) error {
	if err := r.fast.pause(tp); err != nil {
		return fmt.Errorf("pausing %s[%d]: %w", tp.Topic, tp.Partition, err)
	}
	return nil
}

// OnRevoke sets fn (nil: none) to run when the group takes partitions away
// from this reader, before they are given up: the moment to commit what
// was processed of them, since the member that gets them next starts from
// the commit. lost means the group gave them away already (this member
// missed its session timeout or was fenced): a commit would be refused.
// fn runs inside Poll, on the goroutine that polls; set it between Polls.
// Records of revoked partitions are not returned after fn.
func (r *Reader) OnRevoke(fn func(parts []record.TopicPartition, lost bool)) { r.onRevoke = fn }

// InGroup reports whether the reader belongs to a consumer group: only then
// does Commit store anything.
func (r *Reader) InGroup() bool { return r.opts.Group != "" }

// Buffered reports whether the next Poll has a fetched record or event at
// hand (false: it may wait for the network).
func (r *Reader) Buffered() bool { return len(r.fast.buf) > 0 }

// Poll waits up to timeout for the next record or end-of-partition event; it
// returns nil, nil, nil when neither arrived. Authentication and TLS
// failures are returned as errors.
func (r *Reader) Poll(timeout time.Duration) (*record.Record, *record.EOF, error) {
	return r.fast.next(timeout)
}

// Commit commits the group's offsets: for each partition the offset of the
// next record to read. It is a no-op without a group.
func (r *Reader) Commit(ctx context.Context, offsets map[record.TopicPartition]int64) error {
	if r.opts.Group == "" || len(offsets) == 0 {
		return nil
	}
	if err := r.fast.commit(offsets); err != nil {
		return fmt.Errorf("committing offsets of group %q: %w", r.opts.Group, err)
	}
	return nil
}

// Close leaves the group (if any) and releases the consumer.
func (r *Reader) Close() error {
	r.fast.close()
	return nil
}
