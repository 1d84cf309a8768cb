// Package buildinfo says which streamctl this is: the version and commit
// it was built from, and the Go that built it.
package buildinfo

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
)

// Version and Commit may be set at build time, for release builds:
//
//	go build -ldflags "-X github.com/streamctl/streamctl/internal/buildinfo.Version=v1.2.0 -X github.com/streamctl/streamctl/internal/buildinfo.Commit=$(git rev-parse HEAD)"
//
// Without them the Go toolchain's own record is used: since Go 1.24, go
// build stamps the module version from the repository's tag or commit
// (v0.0.0-20261127105700-cd6ce7d5aa1b+dirty) and the commit itself.
var Version, Commit string

// Info is what `streamctl version` shows.
type Info struct {
	Version    string `json:"version" yaml:"version"`
	Commit     string `json:"commit" yaml:"commit"`
	CommitTime string `json:"commit_time,omitempty" yaml:"commit_time,omitempty"`
	Modified   bool   `json:"modified" yaml:"modified"` // built from a work tree with uncommitted changes
	GoVersion  string `json:"go_version" yaml:"go_version"`
	Platform   string `json:"platform" yaml:"platform"`
}

// Read returns this binary's build information.
func Read() Info {
	info := Info{Version: Version, Commit: Commit, GoVersion: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if bi, ok := debug.ReadBuildInfo(); ok {
		if info.Version == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			info.Version = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				if info.Commit == "" {
					info.Commit = s.Value
				}
			case "vcs.time":
				info.CommitTime = s.Value
			case "vcs.modified":
				info.Modified = s.Value == "true"
			}
		}
	}
	if info.Version == "" {
		info.Version = "dev"
	}
	if info.Commit == "" {
		info.Commit = "unknown"
	}
	return info
}

// Short is one line: version, short commit and Go version.
func (i Info) Short() string {
	commit := i.Commit
	if len(commit) > 12 && !strings.Contains(commit, "-") {
		commit = commit[:12]
	}
	if i.Modified {
		commit += ", modified"
	}
	return fmt.Sprintf("%s (commit %s, %s %s)", i.Version, commit, i.GoVersion, i.Platform)
}
