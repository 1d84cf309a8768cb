// Command gendocs regenerates the committed command reference, man pages and
// shell completions: `go run ./internal/gendocs` (or `make generate`) from the
// repository root. A test in cmd fails when the committed files are stale.
package main

import (
	"fmt"
	"os"

	"github.com/streamctl/streamctl/cmd"
)

func main() {
	dir := "."
	if len(os.Args) > 1 {
		dir = os.Args[1]
	}
	if err := cmd.Generate(dir); err != nil {
		fmt.Fprintln(os.Stderr, "gendocs:", err)
		os.Exit(1)
	}
}
