package txn

import (
	"strings"
	"testing"
	"time"

	"github.com/streamctl/streamctl/internal/exitcode"
)

// txn abort names one transaction, by partition or by transactional id;
// what is wrong is a usage error.
func TestAbortRequestOptions(t *testing.T) {
	for _, c := range []struct {
		r    AbortRequest
		want string
	}{
		{AbortRequest{MaxTransactionTimeout: time.Minute}, "name the transaction: TOPIC:P"},
		{AbortRequest{Partition: "t:1", TransactionalID: "x", MaxTransactionTimeout: time.Minute}, "name the transaction"},
		{AbortRequest{TransactionalID: "x", StartOffsetSet: true, MaxTransactionTimeout: time.Minute}, "--start-offset goes with TOPIC:P"},
		{AbortRequest{Partition: "t:1", StartOffset: -1, StartOffsetSet: true, MaxTransactionTimeout: time.Minute}, "--start-offset -1: offsets are 0 or more"},
		{AbortRequest{TransactionalID: "x"}, "--max-transaction-timeout must be above 0"},
		{AbortRequest{Partition: "t", MaxTransactionTimeout: time.Minute}, `"t": want one partition, as TOPIC:P`},
		{AbortRequest{Partition: "t:0,1", MaxTransactionTimeout: time.Minute}, `"t:0,1": want one partition`},
	} {
		_, err := c.r.Options()
		if err == nil || !strings.Contains(err.Error(), c.want) || !exitcode.IsUsage(err) {
			t.Errorf("%+v: want a usage error with %q, got %v", c.r, c.want, err)
		}
	}
	o, err := (&AbortRequest{Partition: "orders:1", StartOffset: 0, StartOffsetSet: true, MaxTransactionTimeout: time.Minute}).Options()
	if err != nil || o.Partition == nil || o.Partition.Topic != "orders" || o.Partition.Partition != 1 || o.StartOffset == nil || *o.StartOffset != 0 {
		t.Errorf("orders:1 --start-offset 0: %+v, %v", o, err)
	}
	if o, _ := (&AbortRequest{TransactionalID: "x", MaxTransactionTimeout: time.Minute}).Options(); o.StartOffset != nil || o.Partition != nil {
		t.Errorf("--transactional-id x: %+v", o)
	}
}
