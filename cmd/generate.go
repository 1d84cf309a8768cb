package cmd

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/output"
)

// manDate is fixed so that regenerating the man pages changes nothing unless
// the commands changed; CI compares the committed pages with fresh ones.
var manDate = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

// Generate writes the command reference (markdown under docs/reference, man
// pages under docs/man) and the shell completion scripts (completions/)
// below dir, which is the repository root.
func Generate(dir string) error {
	root := NewRoot(cmdutil.New(&output.IOStreams{}))
	root.InitDefaultCompletionCmd()

	ref := filepath.Join(dir, "docs", "reference")
	man := filepath.Join(dir, "docs", "man")
	comp := filepath.Join(dir, "completions")
	for _, d := range []string{ref, man, comp} {
		// Start clean so a removed command leaves no stale page behind.
		if err := os.RemoveAll(d); err != nil {
			return err
		}
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	if err := doc.GenMarkdownTree(root, ref); err != nil {
		return fmt.Errorf("markdown reference: %w", err)
	}
	header := &doc.GenManHeader{Title: "STREAMCTL", Section: "1", Date: &manDate, Source: "streamctl", Manual: "streamctl manual"}
	if err := doc.GenManTree(root, header, man); err != nil {
		return fmt.Errorf("man pages: %w", err)
	}
	scripts := map[string]func(*cobra.Command, *bytes.Buffer) error{
		"streamctl.bash": func(c *cobra.Command, b *bytes.Buffer) error { return c.GenBashCompletionV2(b, true) },
		"streamctl.zsh":  func(c *cobra.Command, b *bytes.Buffer) error { return c.GenZshCompletion(b) },
		"streamctl.fish": func(c *cobra.Command, b *bytes.Buffer) error { return c.GenFishCompletion(b, true) },
		"streamctl.ps1":  func(c *cobra.Command, b *bytes.Buffer) error { return c.GenPowerShellCompletionWithDesc(b) },
	}
	for name, gen := range scripts {
		var b bytes.Buffer
		if err := gen(root, &b); err != nil {
			return fmt.Errorf("completion %s: %w", name, err)
		}
		if err := os.WriteFile(filepath.Join(comp, name), b.Bytes(), 0o644); err != nil {
			return err
		}
	}
	return nil
}
