package output

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"
	"go.yaml.in/yaml/v3"
)

// Output is the value of -o/--output.
type Format string

// The output formats every command accepts.
const (
	Table Format = "table"
	Wide  Format = "wide"
	JSON  Format = "json"
	YAML  Format = "yaml"
	// Raw writes record values only, for commands that print records.
	Raw Format = "raw"
)

// Outputs lists the formats most commands accept, for help and completion.
var Formats = []string{string(Table), string(Wide), string(JSON), string(YAML)}

// ParseOutput validates an -o value against the formats a command accepts
// (Outputs when allowed is empty).
func ParseFormat(s string, allowed ...string) (Format, error) {
	if len(allowed) == 0 {
		allowed = Formats
	}
	for _, o := range allowed {
		if s == o {
			return Format(s), nil
		}
	}
	return "", fmt.Errorf("unknown output format %q: use one of %s", s, strings.Join(allowed, ", "))
}

// Grid is one table of rows for people. Title, when set, is printed above it.
// Empty is written to ErrOut when there are no rows, so a pipe stays empty.
type Grid struct {
	Title  string
	Header []string
	Rows   [][]string
	Empty  string
}

// NewGrid starts a grid with the given column headers.
func NewGrid(header ...string) *Grid { return &Grid{Header: header} }

// Row appends a row.
func (g *Grid) Row(cells ...string) { g.Rows = append(g.Rows, cells) }

// Print writes v as JSON or YAML, or renders the grids that grids builds for
// table and wide output. json and yaml field names are a public contract.
func Print(s *IOStreams, out Format, v any, grids func(wide bool) []*Grid) error {
	switch out {
	case JSON:
		return WriteJSON(s.Out, v)
	case YAML:
		return WriteYAML(s.Out, v)
	}
	for i, g := range grids(out == Wide) {
		if i > 0 && s.OutTTY {
			fmt.Fprintln(s.Out)
		}
		if err := RenderGrid(s, g, out == Wide); err != nil {
			return err
		}
	}
	return nil
}

// WriteJSON writes v as indented JSON.
func WriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// WriteJSONLine writes v as compact JSON on one line, for streams of
// objects (one per line).
func WriteJSONLine(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// WriteLine writes one row of a table that is printed a row at a time, as
// rows come: tab-separated off a terminal, and on one with the cells cut
// (unless wide) and three spaces apart, since rows to come cannot be
// aligned with.
func WriteLine(s *IOStreams, cells []string, wide bool) error {
	sep := "\t"
	if s.OutTTY {
		sep = "   "
		if !wide {
			cut := make([]string, len(cells))
			for i, c := range cells {
				cut[i] = truncate(c, maxCell)
			}
			cells = cut
		}
	}
	_, err := fmt.Fprintln(s.Out, strings.Join(cells, sep))
	return err
}

// WriteYAML writes v as YAML.
func WriteYAML(w io.Writer, v any) error {
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	if err := enc.Encode(v); err != nil {
		return err
	}
	return enc.Close()
}

// maxCell is how wide a cell may be in a terminal table before it is cut;
// wide output and pipes never cut.
const maxCell = 60

// RenderGrid writes one grid following the terminal rules of this package.
func RenderGrid(s *IOStreams, g *Grid, wide bool) error {
	if len(g.Rows) == 0 {
		if g.Empty != "" {
			fmt.Fprintln(s.ErrOut, g.Empty)
		}
		return nil
	}
	if !s.OutTTY {
		// Tab-separated, no padding and no truncation: friendly to cut and awk.
		if g.Title != "" {
			fmt.Fprintf(s.Out, "# %s\n", g.Title)
		}
		fmt.Fprintln(s.Out, strings.Join(g.Header, "\t"))
		for _, r := range g.Rows {
			fmt.Fprintln(s.Out, strings.Join(r, "\t"))
		}
		return nil
	}
	if g.Title != "" {
		fmt.Fprintln(s.Out, bold(s, g.Title))
	}
	rows := g.Rows
	if !wide {
		rows = make([][]string, len(g.Rows))
		for i, r := range g.Rows {
			rows[i] = make([]string, len(r))
			for j, c := range r {
				rows[i][j] = truncate(c, maxCell)
			}
		}
	}
	header := g.Header
	if s.Color {
		header = make([]string, len(g.Header))
		for i, h := range g.Header {
			header[i] = bold(s, h)
		}
	}
	t := tablewriter.NewTable(s.Out,
		tablewriter.WithRenderer(renderer.NewBlueprint(tw.Rendition{
			Borders: tw.BorderNone,
			Settings: tw.Settings{
				Separators: tw.Separators{BetweenRows: tw.Off, BetweenColumns: tw.Off},
				Lines:      tw.Lines{ShowHeaderLine: tw.Off},
			},
		})),
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithHeaderAlignment(tw.AlignLeft),
		tablewriter.WithRowAlignment(tw.AlignLeft),
		tablewriter.WithPadding(tw.Padding{Left: "", Right: "   ", Overwrite: true}),
		tablewriter.WithRowAutoWrap(tw.WrapNone),
		tablewriter.WithHeaderAutoWrap(tw.WrapNone),
		tablewriter.WithTrimSpace(tw.Off),
	)
	t.Header(header)
	if err := t.Bulk(rows); err != nil {
		return err
	}
	return t.Render()
}

// Bold is text in bold when s shows colour.
func (s *IOStreams) Bold(text string) string { return bold(s, text) }

func bold(s *IOStreams, text string) string {
	if !s.Color {
		return text
	}
	return "\x1b[1m" + text + "\x1b[0m"
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
