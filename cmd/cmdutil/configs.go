package cmdutil

import (
	"github.com/streamctl/streamctl/internal/format"
	"github.com/streamctl/streamctl/internal/kafka"
)

// ConfigValue is a config's value as tables show it: [sensitive] for a
// secret, durations and sizes in words besides the number.
func ConfigValue(e kafka.ConfigEntry) string {
	if e.Sensitive {
		return "[sensitive]"
	}
	return format.ConfigValue(e.Name, e.Value)
}

// ConfigGrid is configs as `topic config get` and `cluster config get`
// show them; wide adds whether each is read-only.
func ConfigGrid(entries []kafka.ConfigEntry, wide bool) *format.Grid {
	g := format.NewGrid("CONFIG", "VALUE", "SOURCE")
	if wide {
		g.Header = append(g.Header, "READ-ONLY")
	}
	for _, e := range entries {
		row := []string{e.Name, ConfigValue(e), e.Source}
		if wide {
			row = append(row, format.Bool(e.ReadOnly))
		}
		g.Row(row...)
	}
	return g
}
