//go:build !unix

package format

import "context"

// OutClosed is never ready where the closed end of a pipe cannot be polled.
func (s *IOStreams) OutClosed(context.Context) <-chan struct{} { return nil }
