package cmd

// How usage errors read: cobra's own, pflag's value errors, kcat's -o.

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/streamctl/streamctl/internal/position"
)

// isCobraUsageError recognises the argument errors cobra makes itself.
func isCobraUsageError(err error) bool {
	msg := err.Error()
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand flag", "invalid argument", "accepts ", "requires at least", "flag needs an argument", "required flag"} {
		if strings.HasPrefix(msg, p) {
			return true
		}
	}
	return false
}

// kcatOffsetHint is for kcat's habit: its -o is the offset ("-o beginning",
// "-o -1"), ours the output format. For a command with --offset and a value
// that reads as a kcat offset, it says what to write instead.
func kcatOffsetHint(cmd *cobra.Command, v string) string {
	if cmd.Flags().Lookup("offset") == nil {
		return ""
	}
	if v == "stored" {
		return "-o is the output format here; kcat's -o stored is -g GROUP, which starts at the group's committed offsets"
	}
	ours, ok := position.FromKcat(v, time.Now())
	if !ok {
		return ""
	}
	return fmt.Sprintf("-o is the output format here; for kcat's -o %s use --offset %s", v, ours)
}

// flagError words a flag value that does not parse by what the flag takes,
// instead of pflag's strconv text ("strconv.ParseInt: parsing "abc":
// invalid syntax").
func flagError(err error) error {
	var ive *pflag.InvalidValueError
	if !errors.As(err, &ive) {
		return err
	}
	want := ""
	switch t := ive.GetFlag().Value.Type(); {
	case t == "bool":
		want = "true or false"
	case t == "duration":
		want = "a duration such as 30s, 5m or 1h30m"
	case strings.HasPrefix(t, "float"):
		want = "a number"
	case strings.HasPrefix(t, "int") || strings.HasPrefix(t, "uint"):
		want = "a whole number"
		if strings.HasSuffix(t, "Slice") {
			want = "whole numbers separated by commas, such as 0,2"
		}
	default:
		return err
	}
	return fmt.Errorf("--%s %q: want %s", ive.GetFlag().Name, ive.GetValue(), want)
}
