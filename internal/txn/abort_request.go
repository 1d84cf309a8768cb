package txn

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/streamctl/streamctl/internal/admin"
	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/output"
	"github.com/streamctl/streamctl/internal/record"
)

// AbortRequest is `txn abort` as asked for: the transaction open on a
// partition (TOPIC:P, --start-offset when several are), or a
// transactional id's.
type AbortRequest struct {
	Partition             string // TOPIC:P, "" with TransactionalID
	TransactionalID       string
	StartOffset           int64
	StartOffsetSet        bool
	MaxTransactionTimeout time.Duration
}

// Options checks the request and builds PlanAbort's options; what is
// wrong is a usage error.
func (r *AbortRequest) Options() (AbortOptions, error) {
	switch {
	case (r.Partition != "") == (r.TransactionalID != ""):
		return AbortOptions{}, exitcode.UsageError("name the transaction: TOPIC:P (with --start-offset N when several are open there), or --transactional-id ID")
	case r.StartOffsetSet && r.Partition == "":
		return AbortOptions{}, exitcode.UsageError("--start-offset goes with TOPIC:P")
	case r.StartOffsetSet && r.StartOffset < 0:
		return AbortOptions{}, exitcode.UsageError("--start-offset %d: offsets are 0 or more", r.StartOffset)
	case r.MaxTransactionTimeout <= 0:
		return AbortOptions{}, exitcode.UsageError("--max-transaction-timeout must be above 0, e.g. 1m")
	}
	o := AbortOptions{TransactionalID: r.TransactionalID, MaxTransactionTimeout: r.MaxTransactionTimeout}
	if r.Partition != "" {
		s, err := admin.ParseTopicScope("argument", r.Partition)
		if err != nil || len(s.Partitions) != 1 {
			return AbortOptions{}, exitcode.UsageError("%q: want one partition, as TOPIC:P (order-events:1)", r.Partition)
		}
		o.Partition = &record.TopicPartition{Topic: s.Topic, Partition: s.Partitions[0]}
	}
	if r.StartOffsetSet {
		start := r.StartOffset
		o.StartOffset = &start
	}
	return o, nil
}

// Grid is the plan as a table: how the transaction is ended, the open
// transaction per partition, and after an executed abort each
// partition's last stable offset.
func (p *AbortPlan) Grid(wide bool) *output.Grid {
	g := OpenGrid(p.Open(), wide)
	g.Header = append([]string{"METHOD"}, g.Header...)
	for i := range g.Rows {
		g.Rows[i] = append([]string{p.Method}, g.Rows[i]...)
	}
	if p.Executed {
		g.Header = append(g.Header, "LSO-AFTER")
		for i, part := range p.Partitions {
			g.Rows[i] = append(g.Rows[i], strconv.FormatInt(*part.LastStableOffsetAfter, 10))
		}
	}
	return g
}

// HeldError is the verdict on an executed abort: nil when every
// partition's last stable offset moved past the transaction within
// settle, else what still holds each one (exit 3).
func (p *AbortPlan) HeldError(settle, maxTransactionTimeout time.Duration) error {
	held := p.Held()
	if len(held) == 0 {
		return nil
	}
	var msgs []string
	for _, part := range held {
		msgs = append(msgs, p.StillHeld(part, maxTransactionTimeout))
	}
	return exitcode.WithCode(exitcode.CheckFailed, fmt.Errorf("the transaction was aborted, but the last stable offset did not move past it within %s: %s",
		settle, strings.Join(msgs, "; ")))
}
