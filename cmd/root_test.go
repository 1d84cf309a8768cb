package cmd_test

import (
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/streamctl/streamctl/cmd"
	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/output"
)

// These run without a broker: usage errors must be found before dialling.
func TestUsageErrors(t *testing.T) {
	t.Parallel()
	unreachable := closedPort(t)
	tests := []struct {
		name string
		args []string
		want string // in stderr
	}{
		{"bad output format", []string{"topic", "list", "-o", "bogus"}, `unknown output format "bogus"`},
		{"bad output format before the command", []string{"-o", "csv", "cluster", "describe"}, `unknown output format "csv"`},
		{"unknown flag", []string{"topic", "list", "--bogus"}, "unknown flag: --bogus"},
		{"unknown shorthand", []string{"topic", "list", "-Z"}, "unknown shorthand flag"},
		{"flag without value", []string{"topic", "list", "--pattern"}, "flag needs an argument"},
		// Flag values are worded by what the flag takes, not strconv's text.
		{"bad flag value", []string{"topic", "create", "x", "--partitions", "many"}, `error: --partitions "many": want a whole number`},
		{"bad duration", []string{"topic", "list", "--timeout", "soon"}, `error: --timeout "soon": want a duration such as 30s, 5m or 1h30m`},
		{"bad number", []string{"group", "lag", "g", "--fail-above", "abc"}, `error: --fail-above "abc": want a whole number`},
		{"bad list of numbers", []string{"consume", "t", "-p", "0,x"}, `error: --partition "0,x": want whole numbers separated by commas`},
		{"bad float", []string{"produce", "t", "--rate", "fast"}, `error: --rate "fast": want a number`},
		{"unknown subcommand", []string{"topic", "bogus"}, `unknown command "bogus" for "streamctl topic"`},
		{"misspelt subcommand", []string{"topic", "lst"}, "did you mean list"},
		{"unknown top-level command", []string{"bogus"}, `unknown command "bogus"`},
		{"unknown config subcommand", []string{"topic", "config", "show", "x"}, `unknown command "show"`},
		{"too many arguments", []string{"cluster", "describe", "extra"}, "takes no arguments"},
		{"missing argument", []string{"topic", "alter"}, "takes 1 argument(s) (TOPIC), got 0"},
		{"bad -X", []string{"topic", "list", "-X", "novalue"}, "key=value"},
		// kcat's -o is an offset: say what to write here.
		{"kcat's -o beginning", []string{"consume", "t", "-o", "beginning"}, `(-o is the output format here; for kcat's -o beginning use --offset beginning)`},
		{"kcat's -o -1", []string{"consume", "t", "-o", "-1"}, `for kcat's -o -1 use --offset -1`},
		{"kcat's -o s@ms", []string{"consume", "t", "-o", "s@1700000000000"}, `use --offset @1700000000000`},
		{"kcat's -o stored", []string{"consume", "t", "-o", "stored"}, `kcat's -o stored is -g GROUP`},
		{"consume has no yaml", []string{"consume", "t", "-o", "yaml"}, `unknown output format "yaml": use one of table, json, raw`},
		{"unknown help topic", []string{"help", "nosuch"}, `unknown help topic "nosuch"`},
		{"unknown help subtopic", []string{"help", "topic", "nosuch"}, `unknown help topic "topic nosuch"`},
		{"unknown completion shell", []string{"completion", "tcsh"}, `unknown command "tcsh" for "streamctl completion"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := run(t, append([]string{"--brokers", unreachable, "--timeout", "2s"}, tt.args...)...).exit(t, 2)
			if !strings.Contains(r.errOut, tt.want) {
				t.Errorf("stderr = %q, want it to contain %q", r.errOut, tt.want)
			}
			if strings.Contains(r.errOut, "strconv") {
				t.Errorf("stderr shows Go's parser: %q", r.errOut)
			}
			if !strings.HasSuffix(r.errOut, " --help' for usage.\n") || strings.Contains(r.errOut, "Usage:") {
				t.Errorf("stderr should end with the error and one line pointing at --help, not the usage text:\n%s", r.errOut)
			}
			if r.out != "" {
				t.Errorf("stdout = %q, want nothing", r.out)
			}
			if strings.Contains(r.errOut, "no answer from the cluster") {
				t.Error("a usage error must not dial the brokers")
			}
		})
	}
}

func TestHelpExitCodes(t *testing.T) {
	t.Parallel()
	r := run(t, "help", "exit-codes").ok(t)
	for _, line := range []string{
		"  0    success",
		"  1    error: connection, authentication",
		"  2    usage error",
		"  3    a check failed on purpose",
		"  4    partial",
		"  130  interrupted",
	} {
		if !strings.Contains(r.out, line) {
			t.Errorf("help exit-codes lacks %q:\n%s", line, r.out)
		}
	}
}

func TestHelpAndGroupsSucceedWithoutABroker(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"--help"}, {"topic"}, {"topic", "--help"}, {"topic", "create", "--help"}, {"profile"}, {"cluster"}, {"help", "topic", "list"},
		{"help"}, {"help", "consume"}, {"completion"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			r := run(t, args...).ok(t)
			if !strings.Contains(r.out, "Usage:") {
				t.Errorf("stdout = %q, want help", r.out)
			}
		})
	}
}

// A local flag with the name or shorthand of a global one hides the global
// flag for that command (e.g. --config, -o, -v): users could not reach it.
// A command's help lists the -o values it takes, not the global ones.
func TestHelpListsEachCommandsOutputs(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"consume", "--help"}, "output format: table, json, raw"},
		{[]string{"replay", "--help"}, "output format: table, json, yaml"},
		{[]string{"topic", "list", "--help"}, "output format: table, wide, json, yaml"},
	} {
		r := run(t, tc.args...).ok(t)
		if strings.Count(r.out, "output format:") != 1 || !strings.Contains(r.out, tc.want) {
			t.Errorf("%v: help should list -o once, as %q:\n%s", tc.args, tc.want, r.out)
		}
	}
}

func TestFlagsDoNotShadowGlobalFlags(t *testing.T) {
	t.Parallel()
	ios, _, _, _ := output.Test()
	root := cmd.NewRoot(cmdutil.New(ios))
	global := root.PersistentFlags()
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		c.LocalNonPersistentFlags().VisitAll(func(f *pflag.Flag) {
			if f.Name == "output" && cmdutil.OutputsOf(c) != nil {
				return // its own -o values (SetOutputs), on the global setting
			}
			if g := global.Lookup(f.Name); g != nil {
				t.Errorf("%s: local flag --%s hides the global --%s", c.CommandPath(), f.Name, g.Name)
			}
			if f.Shorthand != "" {
				if g := global.ShorthandLookup(f.Shorthand); g != nil {
					t.Errorf("%s: local flag -%s (--%s) hides the global -%s (--%s)", c.CommandPath(), f.Shorthand, f.Name, g.Shorthand, g.Name)
				}
			}
		})
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}
