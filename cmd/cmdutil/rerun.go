package cmdutil

import (
	"maps"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/streamctl/streamctl/internal/config"
	"github.com/streamctl/streamctl/internal/shell"
)

// Rerun is the command line that runs cmd again as it was run: its
// arguments and every flag that was set (global ones included), quoted for
// the shell, with set's values replacing or adding flags ("true" for a
// bool flag prints it bare). For hints such as a replay's resume command,
// which must run as printed. A secret -X value prints as [redacted].
func Rerun(cmd *cobra.Command, args []string, set map[string]string) string {
	words := append(strings.Fields(cmd.CommandPath()), args...)
	add := func(f *pflag.Flag, v string) {
		if f.Value.Type() == "bool" && v == "true" {
			words = append(words, "--"+f.Name)
			return
		}
		words = append(words, "--"+f.Name, v)
	}
	cmd.Flags().Visit(func(f *pflag.Flag) {
		if _, ok := set[f.Name]; ok {
			return
		}
		sv, ok := f.Value.(pflag.SliceValue)
		if !ok {
			add(f, f.Value.String())
			return
		}
		for _, v := range sv.GetSlice() {
			if key, _, _ := strings.Cut(v, "="); f.Name == "property" && config.IsSensitiveProperty(key) {
				v = key + "=" + config.Redacted
			}
			add(f, v)
		}
	})
	for _, name := range slices.Sorted(maps.Keys(set)) {
		if f := cmd.Flags().Lookup(name); f != nil {
			add(f, set[name])
		}
	}
	return shell.Join(words...)
}
