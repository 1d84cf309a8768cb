package cmd_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The docs whose sample outputs are what streamctl prints: each ```sh block
// followed by a plain ``` block (no "$ " lines) shows the output of the
// block's last command, as a terminal shows it.
var sampleDocs = []string{"docs/getting-started.md", "docs/consumer-groups.md", "docs/schema-registry.md", "docs/trace.md"}

// sampleSkip are sample outputs not made by a run here, and why.
var sampleSkip = map[string]string{
	"streamctl playground": "runs until Ctrl-C; its banner is shown as the README's tour has it",
	// The group and the open transaction are made by the commands above
	// it, which TestDocExamplesRun runs; this output is pinned by
	// TestGroupLagMarksHeldPartitions (cmd/testdata/group_describe_held.table.golden).
	"streamctl group lag billing --held-after 1s": "needs the transaction the commands above it leave open",
	// Piped into jq, which this test does not run (TestDocExamplesRun runs
	// them; TestTraceTheDemoStory checks the chain and the dead letter).
	`streamctl trace order-121 -o json | jq -c '.chains[] | {records, topics, outcome}'`: "a pipe into jq",
	`streamctl trace order-121 -o json | jq -r '.timeline[] | select(.hop == "dead-letter") | .dead_letter | "\(.convention) attempt \(.attempts): \(.root_cause_class) from \(.original_topic)[\(.original_partition)]@\(.original_offset)"'`: "a pipe into jq",
}

// docSample is a sample output in a doc: the command and the lines of the
// block that shows its output (first and last line, 0-based, exclusive of
// the fences).
type docSample struct {
	command     string
	first, last int
}

// docSamples finds the sample outputs of a markdown file's lines.
func docSamples(lines []string) []docSample {
	var out []docSample
	for i := 0; i < len(lines); i++ {
		if strings.TrimSpace(lines[i]) != "```sh" {
			continue
		}
		j := i + 1
		for j < len(lines) && strings.TrimSpace(lines[j]) != "```" {
			j++
		}
		var last string
		for _, l := range lines[i+1 : j] {
			if l = strings.TrimSpace(withoutComment(l)); l != "" && !strings.HasPrefix(l, "#") {
				last = l
			}
		}
		k := j + 1
		for k < len(lines) && strings.TrimSpace(lines[k]) == "" {
			k++
		}
		if k >= len(lines) || strings.TrimSpace(lines[k]) != "```" {
			i = j
			continue
		}
		m := k + 1
		for m < len(lines) && strings.TrimSpace(lines[m]) != "```" {
			m++
		}
		transcript := false
		for _, l := range lines[k+1 : m] {
			transcript = transcript || strings.HasPrefix(l, "$ ")
		}
		if !transcript {
			out = append(out, docSample{command: last, first: k + 1, last: m})
		}
		i = m
	}
	return out
}

var (
	sampleTimestamp = regexp.MustCompile(`\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(\.\d+)?Z?`)
	// Durations as Go prints them rounded: 1h11m in one run is 1h11m3s in
	// the next, so the parts after the first are each optional.
	sampleDuration = regexp.MustCompile(`\b(\d+h(\d+m)?(\d+(\.\d+)?m?s)?|\d+m(\d+(\.\d+)?m?s)?|\d+(\.\d+)?m?s)\b`)
	// A topic id may begin or end with "-", where \b does not hold.
	sampleTopicID = regexp.MustCompile(`(^|[^A-Za-z0-9_-])[A-Za-z0-9_-]{22}($|[^A-Za-z0-9_-])`)
	sampleAddr    = regexp.MustCompile(`127\.0\.0\.1:\d+`)
	sampleMillis  = regexp.MustCompile(`"at":\d{13}`)
	// Log sizes follow how the demo's records were batched, which follows
	// timing: 86.8 KiB in one run is 86.9 KiB in the next on a busy machine.
	sampleSize   = regexp.MustCompile(`\b\d+(\.\d+)? (B|KiB|MiB|GiB)\b`)
	sampleSpaces = regexp.MustCompile(` +`)
)

// asOnPort9092 shows the broker's address as the docs' playground has it,
// 127.0.0.1:9092, and aligns the tables again around the shorter address.
func asOnPort9092(s string) string {
	if !sampleAddr.MatchString(s) {
		return s
	}
	lines := strings.Split(sampleAddr.ReplaceAllString(s, "127.0.0.1:9092"), "\n")
	for start := 0; start < len(lines); {
		n := len(sampleColumns.Split(strings.TrimRight(lines[start], " "), -1))
		end := start
		for end < len(lines) && n > 1 && len(sampleColumns.Split(strings.TrimRight(lines[end], " "), -1)) == n {
			end++
		}
		if end == start {
			start++
			continue
		}
		realign(lines[start:end])
		start = end
	}
	return strings.Join(lines, "\n")
}

// sampleColumns is the gap between table columns on a terminal.
var sampleColumns = regexp.MustCompile(`  +`)

// realign pads the columns of a table's lines to their widest cell, three
// spaces apart, as the terminal tables are.
func realign(rows []string) {
	var cells [][]string
	var width []int
	for _, r := range rows {
		c := sampleColumns.Split(strings.TrimRight(r, " "), -1)
		for i, v := range c {
			if i == len(width) {
				width = append(width, 0)
			}
			width[i] = max(width[i], len(v))
		}
		cells = append(cells, c)
	}
	for i, c := range cells {
		var b strings.Builder
		for j, v := range c {
			b.WriteString(v)
			if j < len(c)-1 {
				b.WriteString(strings.Repeat(" ", width[j]-len(v)+3))
			}
		}
		rows[i] = b.String()
	}
}

// sampleNormal is an output line with what differs from run to run (times,
// topic ids, ports, log sizes) and column widths (which follow them) made the same.
func sampleNormal(s string) string {
	for _, r := range []struct {
		re   *regexp.Regexp
		with string
	}{{sampleTimestamp, "<time>"}, {sampleDuration, "<duration>"}, {sampleTopicID, "${1}<id>${2}"}, {sampleAddr, "<addr>"}, {sampleMillis, `"at":<ms>`}, {sampleSize, "<size>"}, {sampleSpaces, " "}} {
		s = r.re.ReplaceAllString(s, r.with)
	}
	return strings.TrimRight(s, " ")
}

// Sample outputs in the docs are what the commands print on a fresh
// playground with the demo data, on a terminal: the test runs each and
// compares, with times, topic ids, ports and column widths normalised. A
// sample ending in "..." shows the first lines only. -update rewrites the
// samples from the runs (the broker's address shown as 127.0.0.1:9092).
func TestDocSampleOutputs(t *testing.T) {
	t.Parallel()
	// A playground with the demo data and a user whose current profile,
	// "playground", points at it, as in the docs.
	var cfg string
	for _, kv := range docEnv(t, "", false) {
		if home, ok := strings.CutPrefix(kv, "HOME="); ok {
			cfg = filepath.Join(home, ".config", "streamctl", "config.yaml")
		}
	}
	for _, doc := range sampleDocs {
		path := filepath.Join("..", doc)
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(string(raw), "\n")
		samples := docSamples(lines)
		if len(samples) == 0 {
			t.Fatalf("%s: no sample outputs found", doc)
		}
		changed := false
		for i := len(samples) - 1; i >= 0; i-- { // from the end: rewrites keep earlier line numbers
			s := samples[i]
			if _, skip := sampleSkip[s.command]; skip {
				continue
			}
			args := strings.Fields(strings.TrimPrefix(s.command, "streamctl "))
			ios := testStreams("")
			ios.OutTTY, ios.ErrTTY = true, true
			r := executeOn(ios, append(args, "--config", cfg))
			got := strings.Split(strings.TrimRight(asOnPort9092(r.out+r.errOut), "\n"), "\n")
			for j := range got {
				got[j] = strings.TrimRight(got[j], " ")
			}
			want := lines[s.first:s.last]
			n := len(want)
			if n > 0 && want[n-1] == "..." {
				n--
				if len(got) > n {
					got = append(got[:n:n], "...")
				}
			}
			same := len(got) == len(want)
			for j := 0; same && j < len(got); j++ {
				same = sampleNormal(got[j]) == sampleNormal(want[j])
			}
			if same {
				continue
			}
			if *update {
				lines = append(lines[:s.first], append(got, lines[s.last:]...)...)
				changed = true
				continue
			}
			t.Errorf("%s:%d: the sample output of %q is not what it prints (go test ./cmd -run TestDocSampleOutputs -update rewrites it):\n--- doc\n%s\n--- run\n%s",
				doc, s.first, s.command, strings.Join(want, "\n"), strings.Join(got, "\n"))
		}
		if changed {
			if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}
