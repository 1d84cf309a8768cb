package shareconsume

import (
	"fmt"
	"strings"

	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/output"
	"github.com/streamctl/streamctl/internal/pipeline"
)

// ParsePredicate compiles a --release-where/--reject-where expression.
func ParsePredicate(flag, expr string) (Predicate, error) {
	if expr == "" {
		return nil, nil
	}
	where, err := pipeline.Where(expr)
	if err != nil {
		return nil, exitcode.UsageError("%s: %v", flag, err)
	}
	return Predicate(where), nil
}

func SummaryLine(group string, s Summary) string {
	parts := []string{output.Count(s.Written, "record") + " written and accepted"}
	if s.Skipped > 0 {
		parts = append(parts, fmt.Sprintf("%d skipped by filters (accepted)", s.Skipped))
	}
	parts = append(parts, fmt.Sprintf("%d released", s.Released), fmt.Sprintf("%d rejected", s.Rejected))
	if s.Unwritten > 0 {
		parts = append(parts, fmt.Sprintf("%d fetched and not written (released to the group)", s.Unwritten))
	}
	return fmt.Sprintf("Share group %q: %s.", group, strings.Join(parts, ", "))
}
