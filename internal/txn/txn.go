// Package txn owns what streamctl knows about Kafka transactions (KIP-664):
// the transactional ids and their coordinators' state, the producers a
// partition's leader holds open transactions for, which of those hang (hold
// read_committed readers back with nobody left to end them), and the abort
// of a hanging one, checked by its partitions' last stable offsets moving.
package txn

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/record"
	"github.com/streamctl/streamctl/internal/suggest"
)

// Cluster is what the transaction views and the abort need from Kafka.
type Cluster interface {
	ListTransactions(ctx context.Context, f kafka.TransactionFilter) ([]kafka.TransactionListing, error)
	DescribeTransactions(ctx context.Context, ids []string) (map[string]kafka.TransactionDescription, map[string]error, error)
	DescribeProducers(ctx context.Context, tps []record.TopicPartition) (map[record.TopicPartition][]kafka.ProducerState, map[record.TopicPartition]error, error)
	DescribeTopics(ctx context.Context, names []string) ([]kafka.TopicDescription, error)
	TopicNames(ctx context.Context) ([]string, error)
	CheckBrokers(ctx context.Context, ids ...int32) error
	LogOffsets(ctx context.Context, tps []record.TopicPartition) (map[record.TopicPartition]record.LogOffsets, error)
	StableOffsets(ctx context.Context, tps []record.TopicPartition) (map[record.TopicPartition]record.LogOffsets, error)
	WriteAbortMarker(ctx context.Context, tp record.TopicPartition, producerID int64, producerEpoch int16, coordinatorEpoch int32) error
	FenceTransactionalID(ctx context.Context, id string, timeout time.Duration) (int64, int16, error)
}

// States are the transaction states Kafka's coordinators report, as
// ListTransactions filters them.
var States = []string{"Empty", "Ongoing", "PrepareCommit", "PrepareAbort", "CompleteCommit", "CompleteAbort", "Dead", "PrepareEpochFence"}

// StateName returns Kafka's spelling of a state given in any case, with
// or without dashes and underscores (ongoing, prepare-commit).
func StateName(s string) (string, error) {
	norm := strings.NewReplacer("-", "", "_", "").Replace(strings.ToLower(s))
	for _, st := range States {
		if strings.ToLower(st) == norm {
			return st, nil
		}
	}
	return "", fmt.Errorf("transaction state %q: use one of %s", s, strings.Join(States, ", "))
}

// Transaction is a transactional id and its current transaction, as its
// coordinator keeps it (kafka-transactions list and describe in one).
type Transaction struct {
	TransactionalID string `json:"transactional_id" yaml:"transactional_id"`
	Coordinator     int32  `json:"coordinator" yaml:"coordinator"`
	State           string `json:"state" yaml:"state"`
	ProducerID      int64  `json:"producer_id" yaml:"producer_id"`
	ProducerEpoch   int16  `json:"producer_epoch" yaml:"producer_epoch"`
	TimeoutMs       int64  `json:"transaction_timeout_ms" yaml:"transaction_timeout_ms"`
	// StartTime is when the current transaction began, or the last one
	// for an id with none open (Kafka keeps it, as kafka-transactions
	// describe's CurrentTransactionStartTimeMs shows); OpenSeconds is how
	// long the open one has been: null when none is open.
	StartTime   *time.Time              `json:"start_time" yaml:"start_time"`
	OpenSeconds *float64                `json:"open_seconds" yaml:"open_seconds"`
	Partitions  []record.TopicPartition `json:"partitions" yaml:"partitions"`
}

// ListOptions filter `txn list`.
type ListOptions struct {
	States      []string // Kafka's names (StateName)
	ProducerIDs []int64
	// OpenLongerThan keeps transactions open for longer (Kafka 3.8+ brokers).
	OpenLongerThan time.Duration
	// Pattern keeps the transactional ids it matches whole, as Kafka 4.1+
	// brokers filter them (KIP-1152); see CompilePattern.
	Pattern string
	Now     time.Time
}

// CompilePattern checks a transactional id pattern: a regular expression
// (RE2, as the brokers' re2j) that a whole transactional id must match,
// as Kafka's brokers apply it (pat-a matches pat-a, not pat-a-1).
func CompilePattern(p string) (*regexp.Regexp, error) {
	if _, err := regexp.Compile(p); err != nil {
		return nil, err
	}
	return regexp.Compile(`^(?:` + p + `)$`)
}

// List returns the cluster's transactional ids with their current
// transactions: the listing of every coordinator, then a describe of each.
func List(ctx context.Context, c Cluster, opts ListOptions) ([]Transaction, error) {
	listing, err := c.ListTransactions(ctx, kafka.TransactionFilter{States: opts.States, ProducerIDs: opts.ProducerIDs, Duration: opts.OpenLongerThan, Pattern: opts.Pattern})
	if err != nil {
		return nil, err
	}
	if opts.Pattern != "" {
		// Brokers before Kafka 4.1 do not filter by pattern (the request
		// goes out without it), and the playground's matches anywhere in
		// the id: the same rule everywhere.
		re, err := CompilePattern(opts.Pattern)
		if err != nil {
			return nil, err
		}
		listing = slices.DeleteFunc(listing, func(l kafka.TransactionListing) bool { return !re.MatchString(l.TransactionalID) })
	}
	ids := make([]string, len(listing))
	for i, l := range listing {
		ids[i] = l.TransactionalID
	}
	descs, failed, err := c.DescribeTransactions(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := []Transaction{}
	for _, l := range listing {
		d, ok := descs[l.TransactionalID]
		if !ok {
			if e := failed[l.TransactionalID]; e != nil && !errors.Is(e, kafka.ErrTransactionalIDNotFound) {
				return nil, fmt.Errorf("describing transactional id %q: %w", l.TransactionalID, e)
			}
			continue // expired between the list and the describe
		}
		out = append(out, transactionOf(d, opts.Now))
	}
	return out, nil
}

// NotFoundError names a transactional id no coordinator knows.
type NotFoundError struct {
	ID       string
	Existing []string
}

func (e *NotFoundError) Error() string {
	return fmt.Sprintf("transactional id %q not found %s", e.ID, suggest.Among(e.ID, e.Existing, "transactional id", "transactional ids"))
}

// Describe returns the transactional ids' current transactions, in the
// order asked.
func Describe(ctx context.Context, c Cluster, ids []string, now time.Time) ([]Transaction, error) {
	descs, failed, err := c.DescribeTransactions(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]Transaction, 0, len(ids))
	for _, id := range ids {
		if e := failed[id]; e != nil {
			if errors.Is(e, kafka.ErrTransactionalIDNotFound) {
				return nil, notFound(ctx, c, id)
			}
			return nil, fmt.Errorf("describing transactional id %q: %w", id, e)
		}
		out = append(out, transactionOf(descs[id], now))
	}
	return out, nil
}

func notFound(ctx context.Context, c Cluster, id string) error {
	all, _ := c.ListTransactions(ctx, kafka.TransactionFilter{})
	names := make([]string, len(all))
	for i, l := range all {
		names[i] = l.TransactionalID
	}
	return &NotFoundError{ID: id, Existing: names}
}

func transactionOf(d kafka.TransactionDescription, now time.Time) Transaction {
	t := Transaction{TransactionalID: d.TransactionalID, Coordinator: d.Coordinator, State: d.State, ProducerID: d.ProducerID,
		ProducerEpoch: d.ProducerEpoch, TimeoutMs: d.Timeout.Milliseconds(), Partitions: d.Partitions}
	if t.Partitions == nil {
		t.Partitions = []record.TopicPartition{}
	}
	if !d.StartTime.IsZero() {
		start := d.StartTime.UTC()
		t.StartTime = &start
		if Open(d.State) {
			open := max(0, now.Sub(start).Seconds())
			t.OpenSeconds = &open
		}
	}
	return t
}

// Open says whether a transaction in this state is open: begun and not
// yet ended (Ongoing, or its coordinator writing the markers that end it).
func Open(state string) bool {
	switch state {
	case "Ongoing", "PrepareCommit", "PrepareAbort", "PrepareEpochFence":
		return true
	}
	return false
}

// Producer is an active producer of a partition (kafka-transactions
// describe-producers), with the transactional id its coordinator lists for
// it when it has one.
type Producer struct {
	Topic            string    `json:"topic" yaml:"topic"`
	Partition        int32     `json:"partition" yaml:"partition"`
	ProducerID       int64     `json:"producer_id" yaml:"producer_id"`
	ProducerEpoch    int32     `json:"producer_epoch" yaml:"producer_epoch"`
	CoordinatorEpoch int32     `json:"coordinator_epoch" yaml:"coordinator_epoch"` // -1 before its first marker
	LastSequence     int32     `json:"last_sequence" yaml:"last_sequence"`
	LastTimestamp    time.Time `json:"last_timestamp" yaml:"last_timestamp"`
	// TxnStartOffset is the first offset of its open transaction; null
	// when none is open.
	TxnStartOffset  *int64 `json:"txn_start_offset" yaml:"txn_start_offset"`
	TransactionalID string `json:"transactional_id" yaml:"transactional_id"` // "" for an idempotent producer, or one its coordinator lost
}

// Producers returns the active producers of the partitions in scope.
func Producers(ctx context.Context, c Cluster, scope []kafka.TopicScope) ([]Producer, error) {
	tps, _, err := partitionsOf(ctx, c, scope)
	if err != nil {
		return nil, err
	}
	states, err := describeProducers(ctx, c, tps)
	if err != nil {
		return nil, err
	}
	var pids []int64
	for _, tp := range tps {
		for _, s := range states[tp] {
			if !slices.Contains(pids, s.ProducerID) {
				pids = append(pids, s.ProducerID)
			}
		}
	}
	ids, err := transactionalIDs(ctx, c, pids)
	if err != nil {
		return nil, err
	}
	out := []Producer{}
	for _, tp := range tps {
		for _, s := range states[tp] {
			p := Producer{Topic: tp.Topic, Partition: tp.Partition, ProducerID: s.ProducerID, ProducerEpoch: s.ProducerEpoch,
				CoordinatorEpoch: s.CoordinatorEpoch, LastSequence: s.LastSequence, LastTimestamp: s.LastTimestamp.UTC(),
				TransactionalID: ids[s.ProducerID]}
			if s.TxnStartOffset >= 0 {
				off := s.TxnStartOffset
				p.TxnStartOffset = &off
			}
			out = append(out, p)
		}
	}
	return out, nil
}

// describeProducers is DescribeProducers with a partition's error as the
// whole answer's: one partition that cannot be asked is an error to show.
func describeProducers(ctx context.Context, c Cluster, tps []record.TopicPartition) (map[record.TopicPartition][]kafka.ProducerState, error) {
	states, failed, err := c.DescribeProducers(ctx, tps)
	if err != nil {
		return nil, err
	}
	for _, tp := range tps {
		if e := failed[tp]; e != nil {
			return nil, fmt.Errorf("describing the producers of %s[%d]: %w", tp.Topic, tp.Partition, e)
		}
	}
	return states, nil
}

// transactionalIDs maps producer ids to the transactional ids their
// coordinators list for them; a producer id missing from the map has none
// (idempotent, or lost by its coordinator).
func transactionalIDs(ctx context.Context, c Cluster, pids []int64) (map[int64]string, error) {
	out := map[int64]string{}
	if len(pids) == 0 {
		return out, nil
	}
	listing, err := c.ListTransactions(ctx, kafka.TransactionFilter{ProducerIDs: pids})
	if err != nil {
		return nil, err
	}
	for _, l := range listing {
		if slices.Contains(pids, l.ProducerID) {
			out[l.ProducerID] = l.TransactionalID
		}
	}
	return out, nil
}

// partitionsOf expands topic scopes into partitions, checking that each
// topic and partition exists; no scope is every topic but Kafka's internal
// ones. It returns the topics' descriptions too.
func partitionsOf(ctx context.Context, c Cluster, scope []kafka.TopicScope) ([]record.TopicPartition, []kafka.TopicDescription, error) {
	var names []string
	for _, s := range scope {
		if !slices.Contains(names, s.Topic) {
			names = append(names, s.Topic)
		}
	}
	descs, err := c.DescribeTopics(ctx, names)
	if err != nil {
		return nil, nil, err
	}
	if len(scope) == 0 {
		for _, d := range descs {
			scope = append(scope, kafka.TopicScope{Topic: d.Name})
		}
	}
	var out []record.TopicPartition
	for _, s := range scope {
		for _, d := range descs {
			if d.Name != s.Topic {
				continue
			}
			for _, p := range s.Partitions {
				if p >= int32(d.Partitions) {
					return nil, nil, fmt.Errorf("topic %q has no partition %d (it has %d, from 0)", d.Name, p, d.Partitions)
				}
			}
			for _, p := range d.PartitionDetails {
				tp := record.TopicPartition{Topic: d.Name, Partition: p.Partition}
				if (len(s.Partitions) == 0 || slices.Contains(s.Partitions, p.Partition)) && !slices.Contains(out, tp) {
					out = append(out, tp)
				}
			}
		}
	}
	return out, descs, nil
}
