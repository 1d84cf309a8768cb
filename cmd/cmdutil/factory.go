// Package cmdutil is what every command shares: the factory that lazily
// provides IO streams, the resolved profile and a Kafka client, and helpers
// for arguments and completion.
package cmdutil

import (
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/viper"

	"github.com/streamctl/streamctl/internal/config"
	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/output"
	"github.com/streamctl/streamctl/internal/schema"
)

// Factory hands commands what they need, only when they ask: --help,
// completion and doc generation never read a config file or dial a broker.
type Factory struct {
	IO       *output.IOStreams
	Settings *viper.Viper // global flags and STREAMCTL_* variables

	// Set from global flags by the root command.
	OutputFlag string
	Props      []string // -X key=value
	Verbose    bool
	// RegistryURL is --registry-url, on the commands that take it
	// (AddRegistryFlag).
	RegistryURL string

	file     *config.File
	cluster  *config.Cluster
	client   *kafka.Client
	registry *schema.Registry
	others   []*kafka.Client // ProfileClient's
	logger   *slog.Logger
	lastLine string
}

// New returns a factory over the given streams.
func New(io *output.IOStreams) *Factory {
	return &Factory{IO: io}
}

// SayLast has a line printed on stderr once the command succeeded, below
// everything it printed: a dry run's "Add --execute to apply" is what to do
// next, so it goes under the plan rather than above it.
func (f *Factory) SayLast(format string, a ...any) {
	f.lastLine = fmt.Sprintf(format, a...)
}

// LastLine is what SayLast left to print.
func (f *Factory) LastLine() string { return f.lastLine }

// Output is the -o value, validated by the root command before any run.
func (f *Factory) Output() output.Format { return output.Format(f.OutputFlag) }

// outputsKey is the cobra annotation naming the -o values a command accepts
// when they differ from output.Formats.
const outputsKey = "outputs"

// SetOutputs declares the -o values cmd accepts. The command gets a -o
// flag of its own, on the same setting as the global one, so that its help
// and completion list these values rather than the global ones (consume's
// help listed yaml, which it refuses).
func (f *Factory) SetOutputs(cmd *cobra.Command, outputs ...output.Format) {
	names := make([]string, len(outputs))
	for i, o := range outputs {
		names[i] = string(o)
	}
	if cmd.Annotations == nil {
		cmd.Annotations = map[string]string{}
	}
	cmd.Annotations[outputsKey] = strings.Join(names, ",")
	cmd.Flags().StringVarP(&f.OutputFlag, "output", "o", string(outputs[0]), "output format: "+strings.Join(names, ", "))
	_ = cmd.RegisterFlagCompletionFunc("output", cobra.FixedCompletions(names, cobra.ShellCompDirectiveNoFileComp))
}

// OutputsOf returns the -o values cmd accepts; nil means output.Formats.
func OutputsOf(cmd *cobra.Command) []string {
	if a, ok := cmd.Annotations[outputsKey]; ok {
		return strings.Split(a, ",")
	}
	return nil
}

// Logger writes debug lines (-v) and warnings to stderr.
func (f *Factory) Logger() *slog.Logger {
	if f.logger == nil {
		level := slog.LevelWarn
		if f.Verbose {
			level = slog.LevelDebug
		}
		var w io.Writer = f.IO.ErrOut
		f.logger = slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level}))
	}
	return f.logger
}

// ConfigFile loads the config file named by --config, STREAMCTL_CONFIG or the
// default path.
func (f *Factory) ConfigFile() (*config.File, error) {
	if f.file == nil {
		file, err := config.Load(config.ConfigPath(f.Settings))
		if err != nil {
			return nil, err
		}
		f.file = file
	}
	return f.file, nil
}

// Cluster resolves the profile with flags and environment applied.
func (f *Factory) Cluster() (*config.Cluster, error) {
	if f.cluster != nil {
		return f.cluster, nil
	}
	file, err := f.ConfigFile()
	if err != nil {
		return nil, err
	}
	props, err := config.ParseProperties(f.Props)
	if err != nil {
		return nil, exitcode.WithCode(exitcode.Usage, err)
	}
	c, err := config.Resolve(f.Settings, file, props, func(msg string) { f.IO.Warnf("%s", msg) })
	if err != nil {
		return nil, err
	}
	f.cluster = c
	f.Logger().Debug("resolved cluster", "profile", c.Profile, "brokers", c.Brokers, "timeout", c.Timeout)
	return c, nil
}

// Client connects to the resolved cluster.
func (f *Factory) Client() (*kafka.Client, error) {
	if f.client != nil {
		return f.client, nil
	}
	c, err := f.Cluster()
	if err != nil {
		return nil, err
	}
	client, err := kafka.Connect(c, f.Logger())
	if err != nil {
		return nil, fmt.Errorf("cluster %q: %w", c.Name(), err)
	}
	f.client = client
	return client, nil
}

// ProfileClient connects to another profile of the config file, by name:
// the second cluster of a command that works on two (replay --to-profile).
// Its settings are the profile's alone; --brokers, -X and STREAMCTL_* are
// the active profile's. --timeout applies to both.
func (f *Factory) ProfileClient(name string) (*kafka.Client, error) {
	file, err := f.ConfigFile()
	if err != nil {
		return nil, err
	}
	c, err := config.ResolveProfile(file, name, f.timeoutFlag(), func(msg string) { f.IO.Warnf("%s", msg) })
	if err != nil {
		return nil, err
	}
	client, err := kafka.Connect(c, f.Logger())
	if err != nil {
		return nil, fmt.Errorf("cluster %q: %w", c.Name(), err)
	}
	f.others = append(f.others, client)
	return client, nil
}

// ProfileRegistry connects to the schema registry of another profile, by
// name (its schema_registry block alone).
func (f *Factory) ProfileRegistry(name string) (*schema.Registry, error) {
	file, err := f.ConfigFile()
	if err != nil {
		return nil, err
	}
	r, err := config.ResolveProfileRegistry(file, name, f.timeoutFlag(), func(msg string) { f.IO.Warnf("%s", msg) })
	if err != nil {
		return nil, err
	}
	return schema.Connect(r)
}

// timeoutFlag is --timeout (or STREAMCTL_TIMEOUT) when given, else 0.
func (f *Factory) timeoutFlag() time.Duration {
	if f.Settings == nil || !f.Settings.IsSet(config.KeyTimeout) {
		return 0
	}
	return f.Settings.GetDuration(config.KeyTimeout)
}

// AddRegistryFlag gives cmd --registry-url, for commands that talk to a
// schema registry.
func AddRegistryFlag(cmd *cobra.Command, f *Factory) {
	cmd.Flags().StringVar(&f.RegistryURL, "registry-url", "", "schema registry URL, overriding the profile's schema_registry.url (env "+config.EnvRegistryURL+")")
}

// Registry connects to the schema registry of the profile, --registry-url
// or STREAMCTL_SCHEMA_REGISTRY_URL. It needs no brokers.
func (f *Factory) Registry() (*schema.Registry, error) {
	if f.registry != nil {
		return f.registry, nil
	}
	file, err := f.ConfigFile()
	if err != nil {
		return nil, err
	}
	// No registry configured is an error of the setup, as no brokers is
	// (exit 1), not of the command line.
	r, err := config.ResolveRegistry(f.Settings, file, f.RegistryURL, func(msg string) { f.IO.Warnf("%s", msg) })
	if err != nil {
		return nil, err
	}
	reg, err := schema.Connect(r)
	if err != nil {
		return nil, err
	}
	f.Logger().Debug("schema registry", "url", r.URL, "user", r.Username, "timeout", r.Timeout)
	f.registry = reg
	return reg, nil
}

// Close releases the Kafka clients, if any were made.
func (f *Factory) Close() {
	for _, c := range f.others {
		c.Close()
	}
	f.others = nil
	if f.client != nil {
		f.client.Close()
		f.client = nil
	}
}
