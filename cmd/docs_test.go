package cmd_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/streamctl/streamctl/internal/config"
	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/playground"
)

// The hand-written docs whose shell examples must run as written on a fresh
// playground.
var exampleDocs = []string{"README.md", "docs/getting-started.md", "docs/consumer-groups.md", "docs/replay.md", "docs/dlq.md", "docs/admin.md", "docs/schema-registry.md", "docs/trace.md"}

// exampleExpect is what an example is known to do other than succeed: its
// exit code, or why it is not run. Every entry must still be in the docs,
// so this list cannot rot either.
var exampleExpect = map[string]struct {
	code int
	skip string
}{
	"make build":           {skip: "builds the binary this test runs"},
	"make playground":      {skip: "runs until Ctrl-C; the test starts the playground itself"},
	"make test":            {skip: "the test suite itself"},
	"make lint":            {skip: "development, not a playground example"},
	"make generate":        {skip: "development, not a playground example"},
	"make sanitize":        {skip: "development, not a playground example (minutes long)"},
	"make fuzz":            {skip: "development, not a playground example (minutes long)"},
	"make faults":          {skip: "development, not a playground example (starts its own brokers)"},
	"streamctl playground": {skip: "runs until Ctrl-C; the test starts the playground itself"},
	"streamctl playground --data-dir ~/.cache/streamctl-playground":                                     {skip: "runs until Ctrl-C"},
	"streamctl group lag analytics-group --watch --interval 10s >> lag.jsonl":                           {skip: "runs until Ctrl-C"},
	"streamctl consume order-events -g projections -X partition.assignment.strategy=cooperative-sticky": {skip: "follows new records until Ctrl-C"},
	"streamctl consume order-events -g projections -X group.protocol=consumer":                          {skip: "follows new records until Ctrl-C"},
	// The docs show these failing on purpose.
	"streamctl topic describe orders":                               {code: 1},
	"streamctl user create etl --mechanism SCRAM-SHA-512 --execute": {code: 2}, // asks for the password on a terminal
	"streamctl user create etl --execute":                           {code: 2}, // the same, in docs/admin.md
	"streamctl txn abort order-events:0":                            {code: 1}, // a transaction that is not hanging, refused
	"streamctl cluster quorum":                                      {code: 1}, // the playground has no KRaft quorum
	"streamctl group lag analytics-group --fail-above-time 5m":      {code: 3}, // the gate failing, as the doc shows
	// A following copy runs until Ctrl-C; timeout's SIGINT stands in for it.
	"timeout -s INT 3 streamctl replay order-events --to-profile dr --to-topic live-orders --create --follow --id live": {code: 124},
	"timeout -s INT 3 streamctl replay order-events --to-profile dr --to-topic live-orders --follow --id live --resume": {code: 124},
}

// docExample is one shell command of a doc, at its line.
type docExample struct {
	file string
	line int
	text string
}

// docExamples reads the commands of a markdown file: every command of an
// ```sh block, and every "$ " line of a plain ``` block (the others show
// output). A command spans lines while the shell says it is incomplete
// (a trailing backslash, an open quote, case ... esac).
func docExamples(t *testing.T, path string) []docExample {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []docExample
	var fence string // "" outside a block, else its language or "plain"
	var cur *docExample
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if lang, ok := strings.CutPrefix(strings.TrimSpace(line), "```"); ok {
			switch {
			case fence != "":
				if cur != nil {
					t.Fatalf("%s:%d: the command at line %d does not end", path, n, cur.line)
				}
				fence = ""
			case lang == "":
				fence = "plain"
			default:
				fence = lang
			}
			continue
		}
		if cur != nil {
			cur.text += "\n" + line
		} else {
			cmdText, ok := "", false
			switch fence {
			case "sh":
				cmdText, ok = line, strings.TrimSpace(line) != "" && !strings.HasPrefix(strings.TrimSpace(line), "#")
			case "plain":
				cmdText, ok = strings.CutPrefix(line, "$ ")
			}
			if !ok {
				continue
			}
			cur = &docExample{file: path, line: n, text: cmdText}
		}
		if complete(cur.text) {
			out = append(out, *cur)
			cur = nil
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// trailingComment is a "# ..." after a command, without quotes in it.
var trailingComment = regexp.MustCompile(`\s+#[^'"\n]*$`)

// withoutComment is an example as exampleExpect names it.
func withoutComment(s string) string { return trailingComment.ReplaceAllString(s, "") }

// heredoc is a here-document's start, and its delimiter.
var heredoc = regexp.MustCompile(`<<-?\s*['"]?([A-Za-z_][A-Za-z0-9_]*)['"]?`)

// complete reports whether sh can run s as it is: sh -n takes a
// here-document without its delimiter line as complete, so those are
// looked for here.
func complete(s string) bool {
	lines := strings.Split(s, "\n")
	for _, m := range heredoc.FindAllStringSubmatch(s, -1) {
		if !slices.Contains(lines[1:], m[1]) {
			return false
		}
	}
	return !strings.HasSuffix(s, "\\") && exec.Command("sh", "-n", "-c", s).Run() == nil
}

// Every shell example in the README and the guides runs as written on a
// fresh playground (one per doc, in the doc's order, in a directory of its
// own), and exits 0 unless exampleExpect says otherwise.
func TestDocExamplesRun(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("runs every doc example: not with -short")
	}
	seen := map[string]bool{}
	bin := docCLI(t)
	for _, doc := range exampleDocs {
		examples := docExamples(t, filepath.Join("..", doc))
		if len(examples) == 0 {
			t.Fatalf("%s: no examples found", doc)
		}
		for _, ex := range examples {
			seen[withoutComment(ex.text)] = true
		}
		t.Run(doc, func(t *testing.T) {
			t.Parallel()
			// A doc that copies between clusters gets a second, empty
			// playground as profile "dr".
			dr := slices.ContainsFunc(examples, func(ex docExample) bool { return strings.Contains(ex.text, "profile dr") })
			env := docEnv(t, bin, dr)
			for _, ex := range examples {
				want := exampleExpect[withoutComment(ex.text)]
				if want.skip != "" {
					continue
				}
				if strings.Contains(ex.text, "jq ") {
					if _, err := exec.LookPath("jq"); err != nil {
						if os.Getenv("CI") != "" {
							t.Fatalf("%s:%d needs jq (.ci/run installs it)", ex.file, ex.line)
						}
						t.Logf("%s:%d: skipped, jq is not installed", ex.file, ex.line)
						continue
					}
				}
				code, output := runExample(t, env, ex.text)
				if code != want.code {
					t.Errorf("%s:%d: exit %d, want %d:\n$ %s\n%s", ex.file, ex.line, code, want.code, ex.text, output)
				}
			}
		})
	}
	for text := range exampleExpect {
		if !seen[text] {
			t.Errorf("exampleExpect lists %q, which no doc has any more", text)
		}
	}
}

// docCLI writes a `streamctl` that runs this test binary as streamctl,
// and returns its directory, for PATH.
func docCLI(t *testing.T) string {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	script := fmt.Sprintf("#!/bin/sh\nexec %q -test.run='^TestDLQHelperProcess$' -- \"$@\"\n", self)
	if err := os.WriteFile(filepath.Join(dir, "streamctl"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// docEnv starts a playground with the demo data and returns the environment
// of a new user whose current profile points at it: home, config and state
// directories of the test's own, and the working directory.
func docEnv(t *testing.T, bin string, dr bool) []string {
	t.Helper()
	p, err := playground.Start(playground.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	c, err := kafka.Connect(&config.Cluster{Brokers: []string{p.Addr()}, Timeout: 30 * time.Second}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := playground.Seed(context.Background(), c, time.Now()); err != nil {
		t.Fatal(err)
	}
	home := t.TempDir()
	// The CA file of the README's production profile: profile create
	// checks that it is there.
	if err := os.MkdirAll(filepath.Join(home, "certs"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(home, "certs", "prod-ca.pem"), []byte("-----BEGIN CERTIFICATE-----\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(home, ".config", "streamctl", "config.yaml")
	if err := os.MkdirAll(filepath.Dir(cfg), 0o700); err != nil {
		t.Fatal(err)
	}
	profile := "current_profile: playground\nprofiles:\n  playground:\n    brokers: [" + p.Addr() + "]\n    schema_registry:\n      url: " + p.RegistryURL() + "\n"
	if dr {
		q, err := playground.Start(playground.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(q.Close)
		profile += "  dr:\n    brokers: [" + q.Addr() + "]\n    schema_registry:\n      url: " + q.RegistryURL() + "\n"
	}
	if err := os.WriteFile(cfg, []byte(profile), 0o600); err != nil {
		t.Fatal(err)
	}
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if name == "HOME" || name == "PATH" || strings.HasPrefix(name, "XDG_") || strings.HasPrefix(name, "STREAMCTL_") {
			continue
		}
		env = append(env, kv)
	}
	return append(env, "HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, ".config"), "XDG_STATE_HOME="+filepath.Join(home, ".local", "state"),
		"PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"), helperCLI+"=1", "STREAMCTL_TIMEOUT=30s", "PWD="+home)
}

// runExample runs one example with sh in the user's home, and returns its
// exit code and output.
func runExample(t *testing.T, env []string, text string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c := exec.CommandContext(ctx, "sh", "-c", text)
	c.Env = env
	// A hung example ends with all its processes (the streamctl under sh
	// keeps the output open), and the test names it.
	c.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	c.Cancel = func() error { return syscall.Kill(-c.Process.Pid, syscall.SIGKILL) }
	c.WaitDelay = 10 * time.Second
	for _, kv := range env {
		if home, ok := strings.CutPrefix(kv, "HOME="); ok {
			c.Dir = home
		}
	}
	out, err := c.CombinedOutput()
	var exit *exec.ExitError
	switch {
	case ctx.Err() != nil:
		t.Fatalf("hung: %s\n%s", text, out)
	case errors.As(err, &exit):
		return exit.ExitCode(), string(out)
	case err != nil:
		t.Fatal(err)
	}
	return 0, string(out)
}
