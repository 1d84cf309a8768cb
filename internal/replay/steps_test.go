package replay

import (
	"fmt"
	"testing"

	"github.com/streamctl/streamctl/internal/record"
)

// Every copy keeps its own idempotency value after many more records went
// through the step (its values share slabs), and headers the record had
// stay in front of it.
func TestIdempotencyHeaderPerRecord(t *testing.T) {
	step := Idempotency("orders/v2") // a '/' in the id: consumers split from the right
	var recs []*record.Record
	for i := range 10000 { // several slabs of values and of headers
		rec := &record.Record{Topic: "order-events", Partition: int32(i % 3), Offset: int64(i)}
		if i%7 == 0 {
			rec.Headers = []record.Header{{Key: "type", Value: []byte("OrderPaid")}}
		}
		if keep, err := step(rec); !keep || err != nil {
			t.Fatalf("record %d: keep %v, err %v", i, keep, err)
		}
		recs = append(recs, rec)
	}
	for i, rec := range recs {
		want := fmt.Sprintf("orders/v2/order-events/%d/%d", i%3, i)
		hs := rec.Headers
		if i%7 == 0 {
			if len(hs) != 2 || hs[0].Key != "type" || string(hs[0].Value) != "OrderPaid" {
				t.Fatalf("record %d: headers %v, want its own header first", i, hs)
			}
			hs = hs[1:]
		}
		if len(hs) != 1 || hs[0].Key != HeaderReplayID || string(hs[0].Value) != want {
			t.Fatalf("record %d: headers %v, want %s: %s", i, rec.Headers, HeaderReplayID, want)
		}
	}
	// A later step appending to one record's headers must not reach
	// another's: the slices end where their header does.
	recs[1].Headers = append(recs[1].Headers, record.Header{Key: "x"})
	if len(recs[2].Headers) != 1 || recs[2].Headers[0].Key != HeaderReplayID {
		t.Fatalf("record 2's headers changed by appending to record 1's: %v", recs[2].Headers)
	}
}
