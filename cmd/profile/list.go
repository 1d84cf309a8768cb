package profile

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/output"
)

// Summary is one row of `profile list`.
type Summary struct {
	Name    string   `json:"name" yaml:"name"`
	Current bool     `json:"current" yaml:"current"`
	Brokers []string `json:"brokers" yaml:"brokers"`
	Auth    string   `json:"auth" yaml:"auth"` // "none", "tls", "SCRAM-SHA-512", "SCRAM-SHA-512+tls", ...
}

func newCmdList(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List profiles; the current one is marked",
		Args:    cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			file, err := f.ConfigFile()
			if err != nil {
				return err
			}
			out := []Summary{}
			for _, name := range file.Names() {
				p := file.Profiles[name]
				out = append(out, Summary{Name: name, Current: name == file.CurrentProfile, Brokers: p.Brokers, Auth: p.Auth()})
			}
			return output.Print(f.IO, f.Output(), out, func(bool) []*output.Grid {
				g := output.NewGrid("CURRENT", "NAME", "BROKERS", "AUTH")
				g.Empty = "No profiles in " + file.Path() + "; create one with `streamctl profile create NAME --brokers host:port`."
				for _, s := range out {
					mark := ""
					if s.Current {
						mark = "*"
					}
					g.Row(mark, s.Name, strings.Join(s.Brokers, ","), s.Auth)
				}
				return []*output.Grid{g}
			})
		},
	}
}
