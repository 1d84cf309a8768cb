package cmdutil

import (
	"os"
	"path/filepath"
)

// StateDir is where streamctl keeps files of its own between runs (undo
// and rollback plans): $XDG_STATE_HOME/streamctl/SUB, else
// ~/.local/state/streamctl/SUB.
func StateDir(sub string) string {
	if d := os.Getenv("XDG_STATE_HOME"); d != "" {
		return filepath.Join(d, "streamctl", sub)
	}
	home, _ := os.UserHomeDir()
	return filepath.Join(home, ".local", "state", "streamctl", sub)
}
