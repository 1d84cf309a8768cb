package clientconfig

import (
	"crypto"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/youmark/pkcs8"
	"software.sslmate.com/src/go-pkcs12"
)

// brokerTLS builds the TLS configuration librdkafka's ssl.* properties
// describe: the CA as a file, a directory or PEM text; the client's
// certificate and key as PEM files or text, the key possibly encrypted
// (ssl.key.password), or both in a PKCS#12 key store; and librdkafka's
// verification switches.
func (c *Config) brokerTLS() (*tls.Config, error) {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	roots, err := c.caPool("ssl.ca.location", "ssl.ca.pem")
	if err != nil {
		return nil, err
	}
	cfg.RootCAs = roots
	cert, err := c.clientCertificate()
	if err != nil {
		return nil, err
	}
	if cert != nil {
		cfg.Certificates = []tls.Certificate{*cert}
	}
	if err := c.tlsExtras(cfg); err != nil {
		return nil, err
	}
	verify := c.props["enable.ssl.certificate.verification"]
	switch strings.ToLower(verify) {
	case "", "true":
	case "false":
		cfg.InsecureSkipVerify = true
		cfg.VerifyConnection = nil // nothing checked, the CRL neither (as OpenSSL)
		return cfg, nil
	default:
		return nil, fmt.Errorf("%s=%s: want true or false", c.setting("enable.ssl.certificate.verification"), verify)
	}
	switch alg := c.props["ssl.endpoint.identification.algorithm"]; strings.ToLower(alg) {
	case "", "https":
	case "none":
		// Verify the chain but not the host name, as librdkafka does here.
		cfg.InsecureSkipVerify = true
		crlCheck := cfg.VerifyConnection
		cfg.VerifyConnection = func(cs tls.ConnectionState) error {
			if len(cs.PeerCertificates) == 0 {
				return errors.New("the broker sent no certificate")
			}
			inter := x509.NewCertPool()
			for _, ic := range cs.PeerCertificates[1:] {
				inter.AddCert(ic)
			}
			chains, err := cs.PeerCertificates[0].Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter})
			if err != nil || crlCheck == nil {
				return err
			}
			cs.VerifiedChains = chains
			return crlCheck(cs)
		}
	default:
		return nil, fmt.Errorf("%s=%s: want https or none", c.setting("ssl.endpoint.identification.algorithm"), alg)
	}
	return cfg, nil
}

// httpsTLS is the TLS configuration for the OIDC token endpoint:
// librdkafka's https.ca.location / https.ca.pem, else the system's CAs.
func (c *Config) httpsTLS() (*tls.Config, error) {
	roots, err := c.caPool("https.ca.location", "https.ca.pem")
	if err != nil {
		return nil, err
	}
	return &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: roots}, nil
}

// caPool reads CA certificates from a file or directory property, or its
// PEM twin; nil (the system's CAs) when neither is set. librdkafka's
// "probe" (search the system's CA paths) is what Go does with no roots.
func (c *Config) caPool(fileKey, pemKey string) (*x509.CertPool, error) {
	file, text := c.props[fileKey], c.props[pemKey]
	var data [][]byte
	switch {
	case file != "" && text != "":
		return nil, fmt.Errorf("both %s and %s are set: use one", fileKey, pemKey)
	case text != "":
		data = append(data, []byte(text))
	case file == "" || file == "probe":
		return nil, nil
	default:
		st, err := os.Stat(file)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", c.setting(fileKey), err)
		}
		files := []string{file}
		if st.IsDir() { // as OpenSSL's CApath: every certificate file in it
			files, _ = filepath.Glob(filepath.Join(file, "*"))
		}
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil && !st.IsDir() {
				return nil, fmt.Errorf("%s: %w", c.setting(fileKey), err)
			}
			data = append(data, b)
		}
	}
	pool := x509.NewCertPool()
	n := 0
	for _, b := range data {
		if pool.AppendCertsFromPEM(b) {
			n++
		}
	}
	if n == 0 {
		return nil, fmt.Errorf("%s: no PEM certificate in it", c.setting(map[bool]string{true: pemKey, false: fileKey}[text != ""]))
	}
	return pool, nil
}

// clientCertificate is the client's certificate and key, for mutual TLS:
// from a PKCS#12 key store, or from PEM (files or text); nil for none.
func (c *Config) clientCertificate() (*tls.Certificate, error) {
	if ks := c.props["ssl.keystore.location"]; ks != "" {
		if c.props["ssl.certificate.location"] != "" || c.props["ssl.certificate.pem"] != "" {
			return nil, fmt.Errorf("both %s and a PEM client certificate are set: use one", c.setting("ssl.keystore.location"))
		}
		return c.keyStore(ks)
	}
	certPEM, err := c.pemBytes("ssl.certificate.location", "ssl.certificate.pem")
	if err != nil {
		return nil, err
	}
	keyPEM, err := c.pemBytes("ssl.key.location", "ssl.key.pem")
	if err != nil {
		return nil, err
	}
	if certPEM == nil && keyPEM == nil {
		return nil, nil
	}
	if certPEM == nil || keyPEM == nil {
		return nil, errors.New("mutual TLS needs both a client certificate (ssl.certificate.location or tls.cert_file) and its key (ssl.key.location or tls.key_file)")
	}
	var chain [][]byte
	for rest := certPEM; ; {
		var b *pem.Block
		if b, rest = pem.Decode(rest); b == nil {
			break
		}
		if b.Type == "CERTIFICATE" {
			chain = append(chain, b.Bytes)
		}
	}
	if len(chain) == 0 {
		return nil, fmt.Errorf("%s: no PEM certificate in it", c.setting("ssl.certificate.location"))
	}
	key, err := c.privateKey(keyPEM)
	if err != nil {
		return nil, err
	}
	return certificate(chain, key)
}

// privateKey parses the client's PEM key, decrypting it with
// ssl.key.password when it is encrypted.
func (c *Config) privateKey(keyPEM []byte) (crypto.Signer, error) {
	where := c.setting("ssl.key.location")
	if c.props["ssl.key.pem"] != "" {
		where = c.setting("ssl.key.pem")
	}
	password, hasPassword := c.props["ssl.key.password"]
	return parsePrivateKey(keyPEM, where, password, hasPassword, "ssl.key.password")
}

// parsePrivateKey parses a PEM private key, decrypting it with password
// when it is encrypted: PKCS#8 ("ENCRYPTED PRIVATE KEY", what OpenSSL 3
// writes) or OpenSSL's older "Proc-Type: 4,ENCRYPTED" form. where and
// passwordKey name the settings in errors.
func parsePrivateKey(keyPEM []byte, where, password string, hasPassword bool, passwordKey string) (crypto.Signer, error) {
	var block *pem.Block
	for rest := keyPEM; ; {
		if block, rest = pem.Decode(rest); block == nil || strings.HasSuffix(block.Type, "PRIVATE KEY") {
			break
		}
	}
	if block == nil {
		return nil, fmt.Errorf("%s: no PEM private key in it", where)
	}
	der := block.Bytes
	//lint:ignore SA1019 OpenSSL's legacy encrypted PEM is still what some key stores hand out, and librdkafka reads it
	legacy := x509.IsEncryptedPEMBlock(block)
	switch {
	case block.Type == "ENCRYPTED PRIVATE KEY" || legacy:
		if !hasPassword {
			return nil, fmt.Errorf("%s is encrypted: give its password as %s", where, passwordKey)
		}
		var err error
		if legacy {
			//lint:ignore SA1019 see above
			der, err = x509.DecryptPEMBlock(block, []byte(password))
		} else {
			var k any
			k, err = pkcs8.ParsePKCS8PrivateKey(der, []byte(password))
			if err == nil {
				return signer(k, where)
			}
		}
		if err != nil {
			return nil, fmt.Errorf("%s: decrypting with %s: %w", where, passwordKey, err)
		}
	}
	if k, err := x509.ParsePKCS8PrivateKey(der); err == nil {
		return signer(k, where)
	}
	if k, err := x509.ParsePKCS1PrivateKey(der); err == nil {
		return k, nil
	}
	if k, err := x509.ParseECPrivateKey(der); err == nil {
		return k, nil
	}
	return nil, fmt.Errorf("%s: not a PKCS#8, PKCS#1 or EC private key", where)
}

func signer(k any, where string) (crypto.Signer, error) {
	s, ok := k.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("%s: a %T key cannot sign", where, k)
	}
	return s, nil
}

// keyStore reads the client certificate, its chain and key from a PKCS#12
// file (ssl.keystore.location, ssl.keystore.password), as librdkafka does:
// the CA certificates in it go out as the chain, they are not trusted.
func (c *Config) keyStore(path string) (*tls.Certificate, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", c.setting("ssl.keystore.location"), err)
	}
	key, cert, cas, err := pkcs12.DecodeChain(data, c.props["ssl.keystore.password"])
	if err != nil {
		if errors.Is(err, pkcs12.ErrIncorrectPassword) {
			return nil, fmt.Errorf("%s: the key store password (ssl.keystore.password) is not right", c.setting("ssl.keystore.location"))
		}
		return nil, fmt.Errorf("%s: reading the PKCS#12 key store: %w", c.setting("ssl.keystore.location"), err)
	}
	chain := [][]byte{cert.Raw}
	for _, ca := range cas {
		chain = append(chain, ca.Raw)
	}
	s, err := signer(key, c.setting("ssl.keystore.location"))
	if err != nil {
		return nil, err
	}
	return certificate(chain, s)
}

// certificate pairs a DER chain with its key, checking they belong together.
func certificate(chain [][]byte, key crypto.Signer) (*tls.Certificate, error) {
	leaf, err := x509.ParseCertificate(chain[0])
	if err != nil {
		return nil, fmt.Errorf("client certificate: %w", err)
	}
	pub, ok := leaf.PublicKey.(interface{ Equal(crypto.PublicKey) bool })
	if !ok || !pub.Equal(key.Public()) {
		return nil, errors.New("the client certificate and key do not belong together (tls.cert_file and tls.key_file, or the key store)")
	}
	return &tls.Certificate{Certificate: chain, PrivateKey: key, Leaf: leaf}, nil
}

// pemBytes reads PEM from a file property or its inline twin; nil when
// neither is set.
func (c *Config) pemBytes(fileKey, pemKey string) ([]byte, error) {
	file, text := c.props[fileKey], c.props[pemKey]
	switch {
	case file != "" && text != "":
		return nil, fmt.Errorf("both %s and %s are set: use one", fileKey, pemKey)
	case text != "":
		return []byte(text), nil
	case file == "":
		return nil, nil
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", c.setting(fileKey), err)
	}
	return b, nil
}
