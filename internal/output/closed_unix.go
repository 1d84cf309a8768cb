//go:build unix

package output

import (
	"context"
	"errors"
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// OutClosed returns a channel that is closed once the reader of Out has
// closed it, noticed while nothing is being written: a follow-mode consume
// that has written everything (consume | head -3) learns of it only at its
// next write, which may never come. The write end of a pipe or socket
// reports the closed far end on poll (POLLERR, POLLHUP). For any other Out
// the channel is nil and never ready. The watch ends with ctx.
func (s *IOStreams) OutClosed(ctx context.Context) <-chan struct{} {
	o, ok := s.Out.(interface{ OSFile() *os.File })
	if !ok {
		return nil
	}
	f := o.OSFile()
	fi, err := f.Stat()
	if err != nil || fi.Mode()&(os.ModeNamedPipe|os.ModeSocket) == 0 {
		return nil
	}
	fd := int(f.Fd())
	closed := make(chan struct{})
	go func() {
		// Polling with a timeout, so the watch ends soon after ctx does.
		fds := []unix.PollFd{{Fd: int32(fd)}}
		for ctx.Err() == nil {
			fds[0].Revents = 0
			n, err := unix.Poll(fds, int((250 * time.Millisecond).Milliseconds()))
			if err != nil && !errors.Is(err, unix.EINTR) {
				return
			}
			if n > 0 && fds[0].Revents&(unix.POLLERR|unix.POLLHUP) != 0 {
				close(closed)
				return
			}
		}
	}()
	return closed
}
