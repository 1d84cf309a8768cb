package cmdutil

import (
	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/internal/selection"
)

// SelectionFlags are the record selection flags consume, replay and trace
// share: --key, --header and --where. What they select is built in
// internal/selection.
type SelectionFlags struct {
	Key     string
	keySet  bool
	Headers []string
	Where   string
}

// AddFlags registers the selection flags on cmd.
func (r *SelectionFlags) AddFlags(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&r.Key, "key", "", "only records with this key")
	fl.StringArrayVar(&r.Headers, "header", nil, "only records with header k=v (or just k), repeatable")
	fl.StringVar(&r.Where, "where", "", "only records whose JSON value passes this jq expression")
	prev := cmd.PreRunE
	cmd.PreRunE = func(c *cobra.Command, args []string) error {
		r.keySet = c.Flags().Changed("key") // --key "" asks for the empty key
		if prev != nil {
			return prev(c, args)
		}
		return nil
	}
}

// SetKey asks for records with this key, as --key does: for commands that
// take the key as an argument.
func (r *SelectionFlags) SetKey(key string) {
	r.Key, r.keySet = key, true
}

// Spec is what the flags ask for; commands add their own parts (a range,
// event types) before selection.New.
func (r *SelectionFlags) Spec() selection.Spec {
	return selection.Spec{Key: []byte(r.Key), KeySet: r.keySet, Headers: r.Headers, Where: r.Where}
}
