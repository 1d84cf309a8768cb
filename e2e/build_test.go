//go:build e2e

package e2e

import (
	"os/exec"
	"strings"
	"testing"
)

// git runs git in the repository and returns its trimmed output.
func git(t *testing.T, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = repoDir
	out, err := cmd.Output()
	if err != nil {
		t.Skipf("git %s: %v (not a git checkout?)", strings.Join(args, " "), err)
	}
	return strings.TrimSpace(string(out))
}

// `make build` (which built the binary under test) stamps the version from
// git describe and the commit, so `streamctl version` says which one it is
// rather than "dev" / "unknown".
func TestBuildStampsVersion(t *testing.T) {
	t.Parallel()
	var v struct {
		Version string `json:"version"`
		Commit  string `json:"commit"`
	}
	newUserNoBrokers(t).run("version", "-o", "json").ok(t).json(t, &v)
	if want := git(t, "rev-parse", "HEAD"); v.Commit != want {
		t.Errorf("commit %q, want %q (git rev-parse HEAD)", v.Commit, want)
	}
	// The work tree may change while the suite runs; compare without -dirty.
	want := git(t, "describe", "--tags", "--always")
	if strings.TrimSuffix(v.Version, "-dirty") != want {
		t.Errorf("version %q, want %q (git describe --tags --always, maybe -dirty)", v.Version, want)
	}
}

// `make playground` passes ARGS to the playground, as the README shows
// (make playground ARGS='--port 19092'). make -n prints the commands it
// would run without running them.
func TestMakePlaygroundPassesArgs(t *testing.T) {
	t.Parallel()
	cmd := exec.Command("make", "-n", "--no-print-directory", "playground", "ARGS=--port 19092 --no-demo")
	cmd.Dir = repoDir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("make -n playground: %v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if last := lines[len(lines)-1]; last != "bin/streamctl playground --port 19092 --no-demo" {
		t.Errorf("make playground ARGS=... runs %q, want the flags passed on", last)
	}
}
