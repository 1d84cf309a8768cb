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

// UndoDir is where a change of a group's offsets saves the previous ones:
// the --undo-dir flag, else StateDir("resets").
func UndoDir(flag string) string {
	if flag != "" {
		return flag
	}
	return StateDir("resets")
}
