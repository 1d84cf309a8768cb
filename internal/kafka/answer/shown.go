package answer

import (
	"context"
	"time"
)

// AwaitShown waits until shown reports a change just made, polling every
// 20 ms for up to within. Brokers answer a change (ACLs, SCRAM
// credentials, client-metrics configs) once the controller has it and
// serve reads from the metadata log a moment later, so a script's next
// command could miss it on a busy broker. An error from shown ends the wait
// with nil: the read is not ours to make (say, no DESCRIBE on the cluster),
// and the change itself was made. A wait that runs out returns notShown;
// one whose ctx ends returns ctx's error.
func AwaitShown(ctx context.Context, within time.Duration, notShown error, shown func(ctx context.Context) (bool, error)) error {
	wait, cancel := context.WithTimeout(ctx, within)
	defer cancel()
	for {
		ok, err := shown(wait)
		if ok || err != nil && wait.Err() == nil {
			return nil
		}
		select {
		case <-wait.Done():
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return notShown
		case <-time.After(20 * time.Millisecond):
		}
	}
}
