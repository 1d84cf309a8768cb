package output_test

import (
	"bytes"
	"flag"
	"strings"
	"testing"

	"github.com/streamctl/streamctl/internal/output"
	"github.com/streamctl/streamctl/internal/testkit"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden with the current output")

// golden compares got with testdata/name.golden, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	testkit.Golden(t, *update, name, got)
}

// streams returns test streams as a terminal (tty) or a pipe would have them.
func streams(tty, color bool) (*output.IOStreams, *bytes.Buffer, *bytes.Buffer) {
	s, _, out, errOut := output.Test()
	s.OutTTY, s.ErrTTY, s.Color = tty, tty, color
	return s, out, errOut
}

const longValue = "org.apache.kafka.common.errors.RecordTooLargeException: The message is 2097152 bytes when serialized"

func topicGrid() *output.Grid {
	g := output.NewGrid("NAME", "PARTITIONS", "RECORDS", "LAST-ERROR")
	g.Title = "Topics"
	g.Row("order-events", "3", "285", "")
	g.Row("customer-state", "3", "76", "-")
	g.Row("order-events-dlt", "12", "12", longValue)
	return g
}

func TestRenderGrid(t *testing.T) {
	tests := []struct {
		name      string
		tty, wide bool
	}{
		{"grid_table", true, false},
		{"grid_wide", true, true},
		{"grid_pipe", false, false},
		{"grid_pipe_wide", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, out, errOut := streams(tt.tty, false)
			if err := output.RenderGrid(s, topicGrid(), tt.wide); err != nil {
				t.Fatal(err)
			}
			golden(t, tt.name, out.String())
			if errOut.Len() != 0 {
				t.Errorf("stderr = %q, want nothing", errOut)
			}
			if strings.Contains(out.String(), "\x1b") {
				t.Error("escape codes without colour")
			}
		})
	}
}

func TestTruncationOnlyInTerminalTables(t *testing.T) {
	for _, tt := range []struct {
		name      string
		tty, wide bool
		cut       bool
	}{
		{"terminal table", true, false, true},
		{"terminal wide", true, true, false},
		{"pipe", false, false, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s, out, _ := streams(tt.tty, false)
			if err := output.RenderGrid(s, topicGrid(), tt.wide); err != nil {
				t.Fatal(err)
			}
			full := strings.Contains(out.String(), longValue)
			if full == tt.cut {
				t.Errorf("full value present = %v, want %v:\n%s", full, !tt.cut, out)
			}
			if tt.cut && !strings.Contains(out.String(), "…") {
				t.Errorf("a cut cell should end in an ellipsis:\n%s", out)
			}
		})
	}
}

func TestPipeOutputIsTabSeparated(t *testing.T) {
	s, out, _ := streams(false, false)
	if err := output.RenderGrid(s, topicGrid(), false); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if lines[0] != "# Topics" {
		t.Errorf("title line = %q", lines[0])
	}
	for _, l := range lines[1:] {
		if n := strings.Count(l, "\t"); n != 3 {
			t.Errorf("line %q has %d tabs, want 3 (one per column boundary, empty cells kept)", l, n)
		}
		if strings.Contains(l, "  ") {
			t.Errorf("line %q is padded; pipes get no alignment", l)
		}
	}
}

func TestColour(t *testing.T) {
	s, out, _ := streams(true, true)
	if err := output.RenderGrid(s, topicGrid(), false); err != nil {
		t.Fatal(err)
	}
	for _, h := range []string{"NAME", "PARTITIONS", "RECORDS", "LAST-ERROR", "Topics"} {
		if !strings.Contains(out.String(), "\x1b[1m"+h+"\x1b[0m") {
			t.Errorf("%s is not bold with colour on:\n%q", h, out)
		}
	}
	if strings.Contains(out.String(), "\x1b[1morder-events") {
		t.Error("data cells must not be styled")
	}

	for _, tty := range []bool{true, false} {
		s, out, _ := streams(tty, false)
		if err := output.Print(s, output.Table, nil, func(bool) []*output.Grid { return []*output.Grid{topicGrid(), topicGrid()} }); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(out.String(), "\x1b") {
			t.Errorf("tty=%v without colour still wrote escape codes: %q", tty, out)
		}
	}
}

func TestEmptyGridGoesToStderr(t *testing.T) {
	for _, tty := range []bool{true, false} {
		s, out, errOut := streams(tty, false)
		g := output.NewGrid("NAME")
		g.Empty = "No topics found."
		if err := output.RenderGrid(s, g, false); err != nil {
			t.Fatal(err)
		}
		if out.Len() != 0 {
			t.Errorf("tty=%v: stdout = %q, want empty so a pipe stays empty", tty, out)
		}
		if errOut.String() != "No topics found.\n" {
			t.Errorf("tty=%v: stderr = %q", tty, errOut)
		}
	}
}

func TestPrintSeveralGrids(t *testing.T) {
	second := output.NewGrid("ID", "ADDRESS")
	second.Title = "Brokers"
	second.Row("0", "127.0.0.1:9092")
	grids := func(wide bool) []*output.Grid { return []*output.Grid{topicGrid(), second} }
	for _, tt := range []struct {
		name string
		tty  bool
	}{{"print_table_multi", true}, {"print_pipe_multi", false}} {
		t.Run(tt.name, func(t *testing.T) {
			s, out, _ := streams(tt.tty, false)
			if err := output.Print(s, output.Table, nil, grids); err != nil {
				t.Fatal(err)
			}
			golden(t, tt.name, out.String())
		})
	}
}

func TestPrintWidePassesWide(t *testing.T) {
	var gotWide []bool
	grids := func(wide bool) []*output.Grid {
		gotWide = append(gotWide, wide)
		return []*output.Grid{topicGrid()}
	}
	s, _, _ := streams(false, false)
	for _, o := range []output.Format{output.Table, output.Wide} {
		if err := output.Print(s, o, nil, grids); err != nil {
			t.Fatal(err)
		}
	}
	if len(gotWide) != 2 || gotWide[0] || !gotWide[1] {
		t.Errorf("grids called with wide = %v, want [false true]", gotWide)
	}
}

type sample struct {
	Name       string            `json:"name" yaml:"name"`
	Partitions int               `json:"partitions" yaml:"partitions"`
	Internal   bool              `json:"internal" yaml:"internal"`
	Replicas   []int32           `json:"replicas" yaml:"replicas"`
	Configs    map[string]string `json:"configs" yaml:"configs"`
	Note       string            `json:"note" yaml:"note"`
	Nested     []nested          `json:"nested" yaml:"nested"`
}

type nested struct {
	Partition int32 `json:"partition" yaml:"partition"`
	Offset    int64 `json:"offset" yaml:"offset"`
}

func sampleValue() []sample {
	return []sample{{
		Name: "order-events", Partitions: 3, Replicas: []int32{1, 2, 3},
		Configs: map[string]string{"retention.ms": "604800000", "cleanup.policy": "delete"},
		Note:    "<html> & \"quotes\"",
		Nested:  []nested{{0, 98}, {1, 102}},
	}}
}

func TestPrintJSONAndYAML(t *testing.T) {
	for _, o := range []output.Format{output.JSON, output.YAML} {
		t.Run(string(o), func(t *testing.T) {
			for _, tty := range []bool{true, false} {
				s, out, errOut := streams(tty, true)
				called := false
				err := output.Print(s, o, sampleValue(), func(bool) []*output.Grid { called = true; return nil })
				if err != nil {
					t.Fatal(err)
				}
				if called {
					t.Error("json/yaml output must not build tables")
				}
				if strings.Contains(out.String(), "\x1b") {
					t.Error("json/yaml must never carry escape codes, terminal or not")
				}
				if errOut.Len() != 0 {
					t.Errorf("stderr = %q", errOut)
				}
				golden(t, "print_"+string(o), out.String())
			}
		})
	}
}

func TestParseOutput(t *testing.T) {
	for _, ok := range output.Formats {
		if o, err := output.ParseFormat(ok); err != nil || string(o) != ok {
			t.Errorf("ParseOutput(%q) = %q, %v", ok, o, err)
		}
	}
	for _, bad := range []string{"", "JSON", "csv", "bogus"} {
		_, err := output.ParseFormat(bad)
		if err == nil || !strings.Contains(err.Error(), "table, wide, json, yaml") {
			t.Errorf("ParseOutput(%q) error = %v, want the valid choices listed", bad, err)
		}
	}
}

func TestWarnAndInfoGoToStderr(t *testing.T) {
	s, _, out, errOut := output.Test()
	s.Warnf("file %s is shared", "x")
	s.Infof("Profile %q saved.", "dev")
	if out.Len() != 0 {
		t.Errorf("stdout = %q", out)
	}
	if errOut.String() != "warning: file x is shared\nProfile \"dev\" saved.\n" {
		t.Errorf("stderr = %q", errOut)
	}
}

func TestTestStreamsAreNotTerminals(t *testing.T) {
	s, _, _, _ := output.Test()
	if s.InTTY || s.OutTTY || s.ErrTTY || s.Color {
		t.Errorf("output.Test() streams claim a terminal: %+v", s)
	}
}
