package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
)

// tlsFileProperties are librdkafka's properties that name a file to read
// (certificates, keys, keystores).
var tlsFileProperties = []string{"ssl.ca.location", "ssl.certificate.location", "ssl.key.location", "ssl.keystore.location", "ssl.crl.location"}

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
	if t := p.TLS; t != nil {
		setIf(m, "tls.ca_file", t.CAFile)
		setIf(m, "tls.cert_file", t.CertFile)
		setIf(m, "tls.key_file", t.KeyFile)
	}
	if r := p.SchemaRegistry; r != nil {
		if t := r.TLS; t != nil {
			setIf(m, "schema_registry.tls.ca_file", t.CAFile)
			setIf(m, "schema_registry.tls.cert_file", t.CertFile)
			setIf(m, "schema_registry.tls.key_file", t.KeyFile)
		}
	}
	return m
}

// checkTLSFiles names a certificate or key file of the connection that
// cannot be read, and where it was set, before librdkafka says it in
// OpenSSL's words.
func (c *Cluster) checkTLSFiles() error {
	profileKeys := map[string]string{"ssl.ca.location": "tls.ca_file", "ssl.certificate.location": "tls.cert_file", "ssl.key.location": "tls.key_file"}
	conf := c.ClientConfig()
	for _, k := range tlsFileProperties {
		path := conf[k]
		if path == "" || (k == "ssl.ca.location" && path == "probe") {
			continue
		}
		if err := CheckFile(path); err != nil {
			if _, isProp := c.Properties[k]; isProp {
				return fmt.Errorf("%s %s: %w", c.PropertySource(k), k, err)
			}
			return fmt.Errorf("profile %q: %s: %w", c.Profile, profileKeys[k], err)
		}
	}
	return nil
}
