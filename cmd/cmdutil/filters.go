package cmdutil

import (
	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/pipeline"
)

// RecordFilters are the record filter flags that consume and replay share:
// --key, --header and --where.
type RecordFilters struct {
	Key     string
	keySet  bool
	Headers []string
	Where   string
}

// AddFlags registers the filter flags on cmd.
func (r *RecordFilters) AddFlags(cmd *cobra.Command) {
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
func (r *RecordFilters) SetKey(key string) {
	r.Key, r.keySet = key, true
}

// Any reports whether any filter was asked for.
func (r *RecordFilters) Any() bool { return r.keySet || len(r.Headers) > 0 || r.Where != "" }

// Steps turns the flags into pipeline filters, cheapest first; --where
// comes last, as the only one that parses the value.
func (r *RecordFilters) Steps() (key []pipeline.Step, where pipeline.Step, err error) {
	if r.keySet {
		key = append(key, pipeline.KeyIs([]byte(r.Key)))
	}
	for _, h := range r.Headers {
		key = append(key, pipeline.HeaderMatch(h))
	}
	if r.Where != "" {
		if where, err = pipeline.Where(r.Where); err != nil {
			return nil, nil, exitcode.WithCode(exitcode.Usage, err)
		}
	}
	return key, where, nil
}
