package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// SettableKeys lists the keys `profile set` accepts, besides properties.<name>.
var SettableKeys = []string{
	"brokers", "timeout",
	"sasl.mechanism", "sasl.username", "sasl.password", "sasl.password_env", "sasl.password_file",
	"sasl.oauthbearer.method", "sasl.oauthbearer.token_endpoint", "sasl.oauthbearer.client_id",
	"sasl.oauthbearer.client_secret", "sasl.oauthbearer.client_secret_env", "sasl.oauthbearer.client_secret_file",
	"sasl.oauthbearer.scope", "sasl.oauthbearer.extensions.<name>",
	"sasl.oauthbearer.token", "sasl.oauthbearer.token_env", "sasl.oauthbearer.token_file",
	"tls.enabled", "tls.ca_file", "tls.cert_file", "tls.key_file", "tls.server_name", "tls.insecure_skip_verify",
	"schema_registry.url", "schema_registry.username", "schema_registry.password", "schema_registry.password_env",
	"schema_registry.password_file", "schema_registry.token", "schema_registry.token_env", "schema_registry.token_file",
	"schema_registry.tls.ca_file", "schema_registry.tls.cert_file", "schema_registry.tls.key_file",
	"schema_registry.tls.insecure_skip_verify",
	"properties.<librdkafka property>",
}

// Set changes one setting of a profile; an empty value clears it. Setting one
// source of the SASL password clears the others, so exactly one remains.
func (p *Profile) Set(key, value string) error {
	if name, ok := strings.CutPrefix(key, "properties."); ok && name != "" {
		if value == "" {
			delete(p.Properties, name)
			return nil
		}
		if p.Properties == nil {
			p.Properties = map[string]string{}
		}
		p.Properties[name] = value
		return nil
	}
	switch {
	case key == "brokers":
		p.Brokers = SplitList([]string{value})
		return nil
	case key == "timeout":
		if value == "" {
			p.Timeout = 0
			return nil
		}
		d, err := time.ParseDuration(value)
		if err != nil || d <= 0 {
			return fmt.Errorf("timeout %q: want a positive duration such as 10s", value)
		}
		p.Timeout = Duration(d)
		return nil
	case strings.HasPrefix(key, "sasl."):
		if p.SASL == nil {
			p.SASL = &SASL{}
		}
		return p.SASL.set(strings.TrimPrefix(key, "sasl."), value)
	case strings.HasPrefix(key, "schema_registry."):
		if p.SchemaRegistry == nil {
			p.SchemaRegistry = &SchemaRegistry{}
		}
		return p.SchemaRegistry.set(strings.TrimPrefix(key, "schema_registry."), value)
	case strings.HasPrefix(key, "tls."):
		if p.TLS == nil {
			p.TLS = &TLS{}
		}
		return p.TLS.set(strings.TrimPrefix(key, "tls."), value)
	}
	return unknownKey(key)
}

func unknownKey(key string) error {
	return fmt.Errorf("unknown profile key %q; known keys: %s", key, strings.Join(SettableKeys, ", "))
}

func (s *SASL) set(key, value string) error {
	switch key {
	case "mechanism":
		s.Mechanism = strings.ToUpper(value)
	case "username":
		s.Username = value
	case "password", "password_env", "password_file":
		s.Password, s.PasswordEnv, s.PasswordFile = "", "", ""
		switch key {
		case "password":
			s.Password = value
		case "password_env":
			s.PasswordEnv = value
		default:
			s.PasswordFile = value
		}
	default:
		name, ok := strings.CutPrefix(key, "oauthbearer.")
		if !ok {
			return unknownKey("sasl." + key)
		}
		if s.OAuthBearer == nil {
			s.OAuthBearer = &OAuthBearer{}
		}
		if err := s.OAuthBearer.set(name, value); err != nil {
			return err
		}
		if o := s.OAuthBearer; o.Extensions == nil && count(o.Method, o.TokenEndpoint, o.ClientID, o.ClientSecret, o.ClientSecretEnv, o.ClientSecretFile, o.Scope, o.Token, o.TokenEnv, o.TokenFile) == 0 {
			s.OAuthBearer = nil
		}
	}
	return nil
}

func (o *OAuthBearer) set(key, value string) error {
	if name, ok := strings.CutPrefix(key, "extensions."); ok && name != "" {
		if value == "" {
			delete(o.Extensions, name)
		} else {
			if o.Extensions == nil {
				o.Extensions = map[string]string{}
			}
			o.Extensions[name] = value
		}
		if len(o.Extensions) == 0 {
			o.Extensions = nil
		}
		return nil
	}
	switch key {
	case "method":
		o.Method = strings.ToLower(value)
	case "token_endpoint":
		o.TokenEndpoint = value
	case "client_id":
		o.ClientID = value
	case "scope":
		o.Scope = value
	case "token", "token_env", "token_file":
		o.Token, o.TokenEnv, o.TokenFile = "", "", ""
		switch key {
		case "token":
			o.Token = value
		case "token_env":
			o.TokenEnv = value
		default:
			o.TokenFile = value
		}
	case "client_secret", "client_secret_env", "client_secret_file":
		o.ClientSecret, o.ClientSecretEnv, o.ClientSecretFile = "", "", ""
		switch key {
		case "client_secret":
			o.ClientSecret = value
		case "client_secret_env":
			o.ClientSecretEnv = value
		default:
			o.ClientSecretFile = value
		}
	default:
		return unknownKey("sasl.oauthbearer." + key)
	}
	return nil
}

func (t *TLS) set(key, value string) error {
	var err error
	switch key {
	case "enabled":
		var b bool
		if b, err = strconv.ParseBool(value); err == nil {
			t.Enabled = &b
		}
	case "ca_file":
		t.CAFile = value
	case "cert_file":
		t.CertFile = value
	case "key_file":
		t.KeyFile = value
	case "server_name":
		t.ServerName = value
	case "insecure_skip_verify":
		t.InsecureSkipVerify, err = strconv.ParseBool(value)
	default:
		return unknownKey("tls." + key)
	}
	if err != nil {
		return fmt.Errorf("tls.%s %q: want true or false", key, value)
	}
	return nil
}
