// Package exitcode owns the process exit codes, a contract for scripts.
//
// Commands return errors; cmd.Main turns them into a code with Of. Only errors
// wrapped here choose a code other than 1.
package exitcode

import (
	"context"
	"errors"
	"fmt"
)

// The exit codes documented in `streamctl help exit-codes`.
const (
	OK          = 0   // success, also "nothing found" for list commands
	Error       = 1   // connection, auth, broker error, bad data
	Usage       = 2   // bad flag or argument
	CheckFailed = 3   // a check failed on purpose (lag gates and similar)
	Partial     = 4   // some records were not processed
	Interrupted = 130 // Ctrl-C; work done so far is committed consistently
)

// codedError carries an exit code alongside the error a user reads.
type codedError struct {
	code int
	err  error
}

func (e *codedError) Error() string { return e.err.Error() }
func (e *codedError) Unwrap() error { return e.err }

// WithCode wraps err so that Of returns code for it.
func WithCode(code int, err error) error {
	if err == nil {
		return nil
	}
	return &codedError{code: code, err: err}
}

// UsageError reports a bad flag or argument: exit 2, and a pointer to the
// command's --help after the error.
func UsageError(format string, a ...any) error {
	return WithCode(Usage, fmt.Errorf(format, a...))
}

// IsUsage reports whether err asks for usage to be printed.
func IsUsage(err error) bool { return Of(err) == Usage }

// Of returns the exit code for err: 0 for nil, the wrapped code when there is
// one, 130 for a cancelled context (Ctrl-C), and 1 otherwise.
func Of(err error) int {
	if err == nil {
		return OK
	}
	var ce *codedError
	if errors.As(err, &ce) {
		return ce.code
	}
	if errors.Is(err, context.Canceled) {
		return Interrupted
	}
	return Error
}

// Help is the text of `streamctl help exit-codes`.
const Help = `streamctl exits with one of these codes, so scripts can tell outcomes apart:

  0    success (also "nothing found" for list commands, and a reader of
       stdout that closed it early, as in consume | head)
  1    error: connection, authentication, broker error, bad data (also a
       record --decode cannot decode, or JSON that does not fit its schema)
  2    usage error: bad flag or argument; stderr says which, then
       where to read the usage (streamctl COMMAND --help)
  3    a check failed on purpose (--fail-above lag gates, reassign --verify
       while moving, a txn abort after which a partition stays held);
       stderr says "check failed:" and why
  4    partial: some records were not processed (counts are printed)
  130  interrupted (Ctrl-C); work done so far is committed consistently
`
