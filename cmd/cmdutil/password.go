package cmdutil

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/streamctl/streamctl/internal/exitcode"
)

// Password is where a command reads a secret it sends (never one it
// stores): stdin's first line, an environment variable, a file, or a
// prompt without echo on a terminal.
type Password struct {
	Stdin bool
	Env   string
	File  string
	what  string
}

// AddPasswordFlags registers --password-stdin, --password-env and
// --password-file; what names the secret in help and errors.
func AddPasswordFlags(cmd *cobra.Command, what string) *Password {
	p := &Password{what: what}
	fl := cmd.Flags()
	fl.BoolVar(&p.Stdin, "password-stdin", false, "read the "+what+" from stdin's first line")
	fl.StringVar(&p.Env, "password-env", "", "read the "+what+" from this environment variable")
	fl.StringVar(&p.File, "password-file", "", "read the "+what+" from this file (its first line)")
	return p
}

// Check validates the flags without reading anything interactive: at most
// one source, and an environment variable or file that is there.
func (p *Password) Check() error {
	n := 0
	for _, set := range []bool{p.Stdin, p.Env != "", p.File != ""} {
		if set {
			n++
		}
	}
	if n > 1 {
		return exitcode.UsageError("give the %s one way: --password-stdin, --password-env or --password-file", p.what)
	}
	if p.Env != "" {
		if _, ok := os.LookupEnv(p.Env); !ok {
			return exitcode.UsageError("--password-env names %s, which is not set", p.Env)
		}
	}
	if p.File != "" {
		if _, err := os.Stat(p.File); err != nil {
			return exitcode.WithCode(exitcode.Usage, fmt.Errorf("--password-file: %w", err))
		}
	}
	return nil
}

// Read returns the secret. With no flag it asks twice on the terminal,
// without echo; off a terminal that is a usage error.
func (p *Password) Read(f *Factory) ([]byte, error) {
	if err := p.Check(); err != nil {
		return nil, err
	}
	var pw []byte
	switch {
	case p.Env != "":
		pw = []byte(os.Getenv(p.Env))
	case p.File != "":
		b, err := os.ReadFile(p.File)
		if err != nil {
			return nil, fmt.Errorf("--password-file: %w", err)
		}
		pw, _, _ = bytes.Cut(b, []byte("\n"))
	case p.Stdin:
		line, err := bufio.NewReader(f.IO.In).ReadString('\n')
		if err != nil && line == "" {
			return nil, fmt.Errorf("reading the %s from stdin: %w", p.what, err)
		}
		pw = []byte(line)
	default:
		var err error
		if pw, err = p.prompt(f); err != nil {
			return nil, err
		}
	}
	pw = bytes.TrimRight(pw, "\r\n")
	if len(pw) == 0 {
		return nil, exitcode.UsageError("the %s is empty", p.what)
	}
	return pw, nil
}

func (p *Password) prompt(f *Factory) ([]byte, error) {
	in, ok := f.IO.In.(*os.File)
	if !ok || !f.IO.InTTY || !f.IO.ErrTTY {
		return nil, exitcode.UsageError("no %s given, and not on a terminal to ask for it: use --password-stdin, --password-env or --password-file", p.what)
	}
	ask := func(q string) ([]byte, error) {
		fmt.Fprint(f.IO.ErrOut, q)
		defer fmt.Fprintln(f.IO.ErrOut)
		return term.ReadPassword(int(in.Fd()))
	}
	first, err := ask(strings.ToUpper(p.what[:1]) + p.what[1:] + ": ")
	if err != nil {
		return nil, err
	}
	again, err := ask("Again: ")
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(first, again) {
		return nil, errors.New("the two entries differ: nothing changed")
	}
	return first, nil
}
