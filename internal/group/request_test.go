package group

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/streamctl/streamctl/internal/exitcode"
)

func lagRequest(change func(*LagRequest)) *LagRequest {
	r := &LagRequest{View: View{Sort: "partition", ResetPolicy: "latest", HeldAfter: time.Minute}, Group: "g", Interval: time.Second}
	change(r)
	return r
}

// What group lag refuses before it connects is a usage error.
func TestLagRequestCheck(t *testing.T) {
	for _, c := range []struct {
		change func(*LagRequest)
		want   string
	}{
		{func(r *LagRequest) { r.Sort = "size" }, `--sort "size": use partition, lag or time-lag`},
		{func(r *LagRequest) { r.ResetPolicy = "none" }, `--reset-policy "none": use latest or earliest`},
		{func(r *LagRequest) { r.HeldAfter = 0 }, "--held-after must be above 0"},
		{func(r *LagRequest) { r.Interval = 0 }, "--interval must be positive"},
		{func(r *LagRequest) { r.Watch, r.All = true, true }, "--watch follows one GROUP"},
		{func(r *LagRequest) { r.Wait = time.Minute }, "--wait needs a gate: --fail-above or --fail-above-time"},
	} {
		err := lagRequest(c.change).Check()
		if err == nil || !strings.Contains(err.Error(), c.want) || !exitcode.IsUsage(err) {
			t.Errorf("want a usage error with %q, got %v", c.want, err)
		}
	}
	// --fail-above 0 is a gate: any lag fails it.
	if err := lagRequest(func(r *LagRequest) { r.Wait, r.FailAboveSet = time.Minute, true }).Check(); err != nil {
		t.Errorf("--wait with --fail-above 0: %v", err)
	}
}

// With --wait the lag is read again until the gate passes, each failure
// said; without, the first verdict stands (exit 3).
func TestLagRequestWaitForGate(t *testing.T) {
	ctx := context.Background()
	totals := []int64{10, 7, 3}
	reads := 0
	read := func(context.Context) ([]Lag, error) {
		l := Lag{Group: "g", TotalLag: totals[min(reads, len(totals)-1)]}
		reads++
		return []Lag{l}, nil
	}
	var said []string
	r := lagRequest(func(r *LagRequest) {
		r.FailAbove, r.FailAboveSet, r.Wait, r.Interval = 5, true, time.Minute, time.Millisecond
	})
	lags, verdict, err := r.WaitForGate(ctx, read, func(err error) { said = append(said, err.Error()) })
	if err != nil || verdict != nil || reads != 3 || lags[0].TotalLag != 3 || len(said) != 2 {
		t.Fatalf("lags %+v, verdict %v, err %v after %d reads, said %q", lags, verdict, err, reads, said)
	}
	if got := r.Passed(lags); got != `gate passed: group "g" lags 3 records` {
		t.Errorf("passed line %q", got)
	}
	reads, r.Wait = 0, 0
	_, verdict, _ = r.WaitForGate(ctx, read, func(error) { t.Error("waited without --wait") })
	if exitcode.Of(verdict) != exitcode.CheckFailed || reads != 1 {
		t.Errorf("without --wait: verdict %v after %d reads", verdict, reads)
	}
	if got := (&LagRequest{}).Passed(nil); got != "" {
		t.Errorf("no gate, passed line %q", got)
	}
}
