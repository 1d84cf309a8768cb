package feature

import (
	"fmt"
	"strconv"

	"github.com/streamctl/streamctl/internal/output"
)

// How feature levels show in tables.

// Grid is cluster features describe's table.
func Grid(fs []Feature) *output.Grid {
	g := output.NewGrid("FEATURE", "FINALIZED", "SUPPORTED-MIN", "SUPPORTED-MAX", "EPOCH")
	for _, ft := range fs {
		g.Row(ft.Name, level(ft.Name, ft.FinalizedLevel), level(ft.Name, ft.SupportedMin), level(ft.Name, ft.SupportedMax), strconv.FormatInt(ft.Epoch, 10))
	}
	return g
}

// Grids are the plan's table: each feature, its levels and the change.
func (plan *Plan) Grids(bool) []*output.Grid {
	g := output.NewGrid("FEATURE", "CURRENT", "TARGET", "SUPPORTED", "CHANGE")
	for _, ch := range plan.Changes {
		g.Row(ch.Feature, level(ch.Feature, ch.CurrentLevel), level(ch.Feature, ch.TargetLevel),
			level(ch.Feature, ch.SupportedMin)+" to "+level(ch.Feature, ch.SupportedMax), ch.Change)
	}
	return []*output.Grid{g}
}

// Grids are version-mapping's table: each feature's level in the release.
func (m Mapping) Grids(bool) []*output.Grid {
	g := output.NewGrid("FEATURE", "LEVEL")
	for _, name := range Names(m) {
		g.Row(name, level(name, m.Features[name]))
	}
	return []*output.Grid{g}
}

// level shows a level, with metadata.version's name.
func level(name string, l int16) string {
	if n := VersionName(l); name == MetadataVersion && n != strconv.Itoa(int(l)) {
		return fmt.Sprintf("%d (%s)", l, n)
	}
	return strconv.Itoa(int(l))
}
