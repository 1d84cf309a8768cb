package admin

import (
	"strings"

	"github.com/streamctl/streamctl/internal/config"
	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/output"
)

// ConfigValue is a config's value as tables show it: [sensitive] for a
// secret, durations and sizes in words besides the number.
func ConfigValue(e kafka.ConfigEntry) string {
	if e.Sensitive {
		return "[sensitive]"
	}
	return output.ConfigValue(e.Name, e.Value)
}

// ConfigGrid is configs as `topic config get` and `cluster config get`
// show them; wide adds whether each is read-only.
func ConfigGrid(entries []kafka.ConfigEntry, wide bool) *output.Grid {
	g := output.NewGrid("CONFIG", "VALUE", "SOURCE")
	if wide {
		g.Header = append(g.Header, "READ-ONLY")
	}
	for _, e := range entries {
		row := []string{e.Name, ConfigValue(e), e.Source}
		if wide {
			row = append(row, output.Bool(e.ReadOnly))
		}
		g.Row(row...)
	}
	return g
}

// ConfigChange is one key of the plan of `topic config set|delete` and
// `cluster config set|delete`, with its value before.
type ConfigChange struct {
	Name          string `json:"name" yaml:"name"`
	Operation     string `json:"operation" yaml:"operation"`             // set or delete
	Value         string `json:"value,omitempty" yaml:"value,omitempty"` // set; left out for sensitive configs
	CurrentValue  string `json:"current_value" yaml:"current_value"`
	CurrentSource string `json:"current_source" yaml:"current_source"` // "" when the key has no value here
	Sensitive     bool   `json:"sensitive" yaml:"sensitive"`
}

// ConfigChanges is the plan of setting set and deleting del where the
// configs are now current: sets by name, then deletes in the order given.
func ConfigChanges(current []kafka.ConfigEntry, set map[string]string, del []string) []ConfigChange {
	changes := []ConfigChange{}
	add := func(name, op, val string) {
		c := ConfigChange{Name: name, Operation: op, Value: val, Sensitive: sensitiveName(name)}
		for _, e := range current {
			if e.Name == name {
				c.CurrentValue, c.CurrentSource, c.Sensitive = e.Value, e.Source, c.Sensitive || e.Sensitive
			}
		}
		if c.Sensitive {
			c.Value, c.CurrentValue = "", ""
		}
		changes = append(changes, c)
	}
	for _, k := range config.SortedKeys(set) {
		add(k, "set", set[k])
	}
	for _, k := range del {
		add(k, "delete", "")
	}
	return changes
}

// ConfigChangeGrid is the table of a config plan; the first column names
// where the configs are (header SCOPE or TOPIC, and its value).
func ConfigChangeGrid(header, where string, changes []ConfigChange) *output.Grid {
	g := output.NewGrid(header, "CONFIG", "CURRENT", "SOURCE", "CHANGE")
	for _, c := range changes {
		cur, src := output.ConfigValue(c.Name, c.CurrentValue), c.CurrentSource
		if c.CurrentSource == "" {
			cur, src = "-", "(not set here)"
		}
		change := "delete: the next level's value applies"
		if c.Operation == "set" {
			change = "set to " + output.ConfigValue(c.Name, c.Value)
		}
		if c.Sensitive {
			cur, change = "[sensitive]", c.Operation+" [sensitive]"
		}
		g.Row(where, c.Name, cur, src, change)
	}
	return g
}

// sensitiveName guards secrets a plan would echo before the broker has
// said the key is sensitive (a key not set yet has no entry to say so).
func sensitiveName(name string) bool {
	n := strings.ToLower(name)
	return strings.Contains(n, "password") || strings.Contains(n, "secret") || strings.Contains(n, "jaas") || strings.HasSuffix(n, ".key")
}
