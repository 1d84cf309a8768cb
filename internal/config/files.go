package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
)

// CheckFile says what is wrong with a file a profile names (a CA, a
// client certificate or key, a password file), or nil when it can be read.
// librdkafka's own word for a missing CA is "ssl.ca.location failed:
// error:05880002:x509 certificate routines::system lib".
func CheckFile(path string) error {
	st, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("%s: no such file", path)
	case err != nil:
		return err
	case st.IsDir():
		return fmt.Errorf("%s is a directory, not a file", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	return f.Close()
}

// CheckSettingFile checks the certificate or key file a `profile set` key
// such as tls.ca_file names: now, not at the first connection. Password
// and token files are not checked: a secret may be mounted only where the
// profile is used (/run/secrets/...).
func CheckSettingFile(key, value string) error {
	if !strings.HasPrefix(key, "tls.") && !strings.HasPrefix(key, "schema_registry.tls.") || !strings.HasSuffix(key, "_file") || value == "" {
		return nil
	}
	if err := CheckFile(value); err != nil {
		return fmt.Errorf("%s: %w", key, err)
	}
	return nil
}

// TLSFiles are the certificate and key files the profile names, by their
// profile keys (tls.ca_file, schema_registry.tls.cert_file, ...).
func (p *Profile) TLSFiles() map[string]string {
	m := map[string]string{}
	add := func(k, v string) {
		if v != "" {
			m[k] = v
		}
	}
	if t := p.TLS; t != nil {
		add("tls.ca_file", t.CAFile)
		add("tls.cert_file", t.CertFile)
		add("tls.key_file", t.KeyFile)
	}
	if r := p.SchemaRegistry; r != nil && r.TLS != nil {
		add("schema_registry.tls.ca_file", r.TLS.CAFile)
		add("schema_registry.tls.cert_file", r.TLS.CertFile)
		add("schema_registry.tls.key_file", r.TLS.KeyFile)
	}
	return m
}
