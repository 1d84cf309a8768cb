//go:build !unix

package output

import "context"

// OutClosed is never ready where the closed end of a pipe cannot be polled.
func (s *IOStreams) OutClosed(context.Context) <-chan struct{} { return nil }
