package profile

import (
	"bufio"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/config"
)

// CreateOptions are the inputs of `profile create`.
type CreateOptions struct {
	config.ProfileRequest
	Name          string
	PasswordStdin bool
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
config file, which is written with mode 0600.

OAUTHBEARER with an OpenID Connect provider: --oidc-token-endpoint,
--oidc-client-id and --oidc-client-secret-env (or -file) get tokens with the
OAuth client credentials grant, refreshed before they expire. With a token
obtained elsewhere: --oauth-token-file (read again before the token read
last expires) or --oauth-token-env. Either implies --sasl-mechanism
OAUTHBEARER.`,
		Example: `  streamctl profile create local --brokers localhost:9092 --use
  streamctl profile create prod --brokers b1.prod:9093,b2.prod:9093 \
      --sasl-mechanism SCRAM-SHA-512 --username ops --password-env PROD_KAFKA_PASSWORD \
      --tls --ca-file /etc/kafka/ca.pem --registry-url https://sr.prod:8081
  streamctl profile create cloud --brokers b1.cloud:9093 --tls \
      --oidc-token-endpoint https://login.example.com/oauth2/token \
      --oidc-client-id streamctl --oidc-client-secret-env KAFKA_CLIENT_SECRET --oidc-scope kafka`,
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
	fl.StringVar(&opts.OIDC.TokenEndpoint, "oidc-token-endpoint", "", "OAUTHBEARER: the OpenID Connect provider's token URL (client credentials grant)")
	fl.StringVar(&opts.OIDC.ClientID, "oidc-client-id", "", "OAUTHBEARER: the OAuth client id")
	fl.StringVar(&opts.OIDC.ClientSecretEnv, "oidc-client-secret-env", "", "OAUTHBEARER: read the client secret from this environment variable at run time")
	fl.StringVar(&opts.OIDC.ClientSecretFile, "oidc-client-secret-file", "", "OAUTHBEARER: read the client secret from this file at run time")
	fl.StringVar(&opts.OIDC.Scope, "oidc-scope", "", "OAUTHBEARER: the scope to ask tokens for")
	fl.StringArrayVar(&opts.OIDCExt, "oidc-extension", nil, "OAUTHBEARER: SASL extension key=value sent with the token, repeatable")
	fl.StringVar(&opts.OIDC.TokenFile, "oauth-token-file", "", "OAUTHBEARER: read the token from this file, again before it expires")
	fl.StringVar(&opts.OIDC.TokenEnv, "oauth-token-env", "", "OAUTHBEARER: read the token from this environment variable")
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
	for _, name := range []string{"password-env", "oidc-client-secret-env", "oauth-token-env"} {
		_ = cmd.RegisterFlagCompletionFunc(name, cmdutil.CompleteEnvNames)
	}
	for _, name := range []string{"oidc-token-endpoint", "oidc-client-id", "oidc-scope", "oidc-extension", "username"} {
		_ = cmd.RegisterFlagCompletionFunc(name, cobra.NoFileCompletions)
	}
	return cmd
}

func createRun(f *cmdutil.Factory, opts *CreateOptions) error {
	// The global --brokers and --registry-url flags name the new
	// profile's brokers and registry.
	opts.Brokers = config.SplitList(f.Settings.GetStringSlice(config.KeyBrokers))
	opts.RegistryURL = f.RegistryURL
	if opts.PasswordStdin {
		opts.ReadPassword = func() (string, error) {
			line, err := bufio.NewReader(f.IO.In).ReadString('\n')
			if err != nil && line == "" {
				return "", fmt.Errorf("reading the password from stdin: %w", err)
			}
			return strings.TrimRight(line, "\r\n"), nil
		}
	}
	file, err := f.ConfigFile()
	if err != nil {
		return err
	}
	if err := file.CanAdd(opts.Name, opts.Force); err != nil {
		return err
	}
	p, err := opts.Profile()
	if err != nil {
		return err
	}
	current := file.Add(opts.Name, p, opts.Use)
	if err := file.Save(); err != nil {
		return err
	}
	f.IO.Infof("Profile %q saved in %s.", opts.Name, file.Path())
	if current {
		f.IO.Infof("It is the current profile.")
	}
	return nil
}
