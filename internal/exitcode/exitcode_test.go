package exitcode

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestOf(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want int
	}{
		{"nil", nil, OK},
		{"plain error", errors.New("broker said no"), Error},
		{"usage", UsageError("bad flag %q", "--x"), Usage},
		{"usage wrapped by a caller", fmt.Errorf("topic create: %w", UsageError("bad")), Usage},
		{"check failed", WithCode(CheckFailed, errors.New("lag 10 > 5")), CheckFailed},
		{"partial", WithCode(Partial, errors.New("3 of 10 records failed")), Partial},
		{"ctrl-c", context.Canceled, Interrupted},
		{"ctrl-c wrapped", fmt.Errorf("consuming: %w", context.Canceled), Interrupted},
		{"timeout is an error, not an interrupt", context.DeadlineExceeded, Error},
	}
	for _, tt := range tests {
		if got := Of(tt.err); got != tt.want {
			t.Errorf("%s: Of = %d, want %d", tt.name, got, tt.want)
		}
	}
}

func TestWithCodeKeepsTheMessageAndChain(t *testing.T) {
	if WithCode(Usage, nil) != nil {
		t.Error("WithCode(nil) must stay nil so `return WithCode(c, err)` is safe")
	}
	base := errors.New("base")
	err := WithCode(CheckFailed, base)
	if err.Error() != "base" || !errors.Is(err, base) {
		t.Errorf("err = %v, want the same message and errors.Is to see the cause", err)
	}
	if !IsUsage(UsageError("x")) || IsUsage(base) {
		t.Error("IsUsage")
	}
}

// The help text is the documented contract; every code must be in it.
func TestHelpListsEveryCode(t *testing.T) {
	for _, code := range []string{"0 ", "1 ", "2 ", "3 ", "4 ", "130 "} {
		if !strings.Contains(Help, "\n  "+code) {
			t.Errorf("Help does not list exit code %s", code)
		}
	}
}
