package cmdutil

import (
	"strings"

	"github.com/streamctl/streamctl/internal/config"
)

// ClusterArgs are the global flags that chose this command's cluster
// (--config, --profile, --brokers, from flags or STREAMCTL_* variables), for
// the commands streamctl prints to run later, such as an undo: they must
// reach the same cluster whatever profile is current then. -X is left out:
// it may carry secrets.
func (f *Factory) ClusterArgs() []string {
	var args []string
	for _, key := range []string{config.KeyConfig, config.KeyProfile} {
		if v := f.Settings.GetString(key); v != "" {
			args = append(args, "--"+key, v)
		}
	}
	if b := config.SplitList(f.Settings.GetStringSlice(config.KeyBrokers)); len(b) > 0 {
		args = append(args, "--"+config.KeyBrokers, strings.Join(b, ","))
	}
	return args
}
