package profile

import (
	"bufio"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/config"
	"github.com/streamctl/streamctl/internal/exitcode"
)

// CreateOptions are the inputs of `profile create`.
type CreateOptions struct {
	Name          string
	Brokers       []string
	Mechanism     string
	Username      string
	PasswordEnv   string
	PasswordFile  string
	PasswordStdin bool
	TLS           bool
	CAFile        string
	CertFile      string
	KeyFile       string
	Insecure      bool
	Timeout       time.Duration
	Properties    []string
	Use           bool
	Force         bool
}

func newCmdCreate(f *cmdutil.Factory) *cobra.Command {
	opts := &CreateOptions{}
	cmd := &cobra.Command{
		Use:   "create NAME --brokers host:port,...",
		Short: "Create a profile",
		Long: `Create a profile. Give the SASL password by reference (--password-env, or
--password-file) rather than storing it; --password-stdin stores it in the
config file, which is written with mode 0600.`,
		Example: `  streamctl profile create local --brokers localhost:9092 --use
  streamctl profile create prod --brokers b1.prod:9093,b2.prod:9093 \
      --sasl-mechanism SCRAM-SHA-512 --username ops --password-env PROD_KAFKA_PASSWORD \
      --tls --ca-file /etc/kafka/ca.pem --registry-url https://sr.prod:8081`,
		Args: cmdutil.ExactArgs(1, "NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Name = args[0]
			return createRun(f, opts)
		},
	}
	fl := cmd.Flags()
	// The global --brokers flag names the brokers of the new profile.
	fl.StringVar(&opts.Mechanism, "sasl-mechanism", "", "SASL mechanism: "+strings.Join(config.Mechanisms, ", "))
	fl.StringVar(&opts.Username, "username", "", "SASL username")
	fl.StringVar(&opts.PasswordEnv, "password-env", "", "read the SASL password from this environment variable at run time")
	fl.StringVar(&opts.PasswordFile, "password-file", "", "read the SASL password from this file at run time")
	fl.BoolVar(&opts.PasswordStdin, "password-stdin", false, "read the SASL password from stdin and store it in the profile")
	fl.BoolVar(&opts.TLS, "tls", false, "connect with TLS")
	fl.StringVar(&opts.CAFile, "ca-file", "", "CA certificate (PEM) to verify the brokers with; implies --tls")
	fl.StringVar(&opts.CertFile, "cert-file", "", "client certificate (PEM) for mutual TLS; implies --tls")
	fl.StringVar(&opts.KeyFile, "key-file", "", "client key (PEM) for mutual TLS")
	fl.BoolVar(&opts.Insecure, "insecure-skip-verify", false, "do not verify the brokers' certificates (testing only)")
	fl.DurationVar(&opts.Timeout, "request-timeout", 0, "request timeout stored in the profile (default 10s)")
	fl.StringArrayVar(&opts.Properties, "set", nil, "librdkafka property key=value stored in the profile, repeatable")
	fl.BoolVar(&opts.Use, "use", false, "make it the current profile")
	// --registry-url names the schema registry of the new profile;
	// credentials go in with `profile set schema_registry.*`.
	cmdutil.AddRegistryFlag(cmd, f)
	fl.BoolVar(&opts.Force, "force", false, "replace an existing profile of that name")
	_ = cmd.RegisterFlagCompletionFunc("sasl-mechanism", cobra.FixedCompletions(config.Mechanisms, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// fileFlags are the flags of create that name files, by profile key.
var fileFlags = map[string]string{"tls.ca_file": "--ca-file", "tls.cert_file": "--cert-file", "tls.key_file": "--key-file"}

func createRun(f *cmdutil.Factory, opts *CreateOptions) error {
	brokers := config.SplitList(f.Settings.GetStringSlice(config.KeyBrokers))
	if len(brokers) == 0 {
		return exitcode.UsageError("--brokers host:port,... is required")
	}
	file, err := f.ConfigFile()
	if err != nil {
		return err
	}
	if _, exists := file.Profiles[opts.Name]; exists && !opts.Force {
		return fmt.Errorf("profile %q already exists in %s (use --force to replace it, or `streamctl profile set`)", opts.Name, file.Path())
	}
	p := &config.Profile{Brokers: brokers, Timeout: config.Duration(opts.Timeout)}
	if opts.Mechanism != "" {
		p.SASL = &config.SASL{Mechanism: strings.ToUpper(opts.Mechanism), Username: opts.Username,
			PasswordEnv: opts.PasswordEnv, PasswordFile: opts.PasswordFile}
		if opts.PasswordStdin {
			line, err := bufio.NewReader(f.IO.In).ReadString('\n')
			if err != nil && line == "" {
				return fmt.Errorf("reading the password from stdin: %w", err)
			}
			p.SASL.Password = strings.TrimRight(line, "\r\n")
		}
	}
	if opts.TLS || opts.CAFile != "" || opts.CertFile != "" || opts.Insecure {
		p.TLS = &config.TLS{CAFile: opts.CAFile, CertFile: opts.CertFile, KeyFile: opts.KeyFile, InsecureSkipVerify: opts.Insecure}
	}
	if f.RegistryURL != "" {
		p.SchemaRegistry = &config.SchemaRegistry{URL: f.RegistryURL}
	}
	props, err := config.ParseProperties(opts.Properties)
	if err != nil {
		return exitcode.WithCode(exitcode.Usage, err)
	}
	if len(props) > 0 {
		p.Properties = props
	}
	if err := p.Validate(); err != nil {
		return exitcode.WithCode(exitcode.Usage, err)
	}
	files := p.TLSFiles()
	for _, key := range config.SortedKeys(files) {
		if err := config.CheckFile(files[key]); err != nil {
			return exitcode.UsageError("%s: %v", fileFlags[key], err)
		}
	}
	if file.Profiles == nil {
		file.Profiles = map[string]*config.Profile{}
	}
	file.Profiles[opts.Name] = p
	if opts.Use || file.CurrentProfile == "" {
		file.CurrentProfile = opts.Name
	}
	if err := file.Save(); err != nil {
		return err
	}
	f.IO.Infof("Profile %q saved in %s.", opts.Name, file.Path())
	if file.CurrentProfile == opts.Name {
		f.IO.Infof("It is the current profile.")
	}
	return nil
}
