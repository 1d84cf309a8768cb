package clientconfig

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"strings"
)

// The OpenSSL settings librdkafka takes that Go's TLS has an equivalent
// for: the TLS 1.2 cipher suites, the key exchange groups, and a CRL.

// openSSLCiphers maps OpenSSL's names of the TLS 1.2 suites Go offers to
// Go's. (librdkafka's ssl.cipher.suites is OpenSSL's cipher list, which
// leaves TLS 1.3's suites alone; so does Go.)
var openSSLCiphers = map[string]uint16{
	"ECDHE-ECDSA-AES128-GCM-SHA256": tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
	"ECDHE-ECDSA-AES256-GCM-SHA384": tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
	"ECDHE-RSA-AES128-GCM-SHA256":   tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
	"ECDHE-RSA-AES256-GCM-SHA384":   tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
	"ECDHE-ECDSA-CHACHA20-POLY1305": tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
	"ECDHE-RSA-CHACHA20-POLY1305":   tls.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
	"ECDHE-ECDSA-AES128-SHA":        tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
	"ECDHE-ECDSA-AES256-SHA":        tls.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA,
	"ECDHE-RSA-AES128-SHA":          tls.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA,
	"ECDHE-RSA-AES256-SHA":          tls.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA,
	"AES128-GCM-SHA256":             tls.TLS_RSA_WITH_AES_128_GCM_SHA256,
	"AES256-GCM-SHA384":             tls.TLS_RSA_WITH_AES_256_GCM_SHA384,
	"AES128-SHA":                    tls.TLS_RSA_WITH_AES_128_CBC_SHA,
	"AES256-SHA":                    tls.TLS_RSA_WITH_AES_256_CBC_SHA,
}

// openSSLCurves maps OpenSSL's names of groups to Go's.
var openSSLCurves = map[string]tls.CurveID{
	"P-256": tls.CurveP256, "PRIME256V1": tls.CurveP256, "SECP256R1": tls.CurveP256,
	"P-384": tls.CurveP384, "SECP384R1": tls.CurveP384,
	"P-521": tls.CurveP521, "SECP521R1": tls.CurveP521,
	"X25519": tls.X25519, "X25519MLKEM768": tls.X25519MLKEM768,
}

// listItems splits an OpenSSL list (':' separated; ',' and spaces too).
func listItems(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ':' || r == ',' || r == ' ' })
}

// tlsExtras applies ssl.cipher.suites, ssl.curves.list and ssl.crl.location.
func (c *Config) tlsExtras(cfg *tls.Config) error {
	if v := c.props["ssl.cipher.suites"]; v != "" {
		for _, name := range listItems(v) {
			id, ok := openSSLCiphers[strings.ToUpper(name)]
			if !ok {
				return fmt.Errorf("%s: %q is not a TLS 1.2 cipher suite franz-go (Go's TLS) offers; name suites one by one, as OpenSSL does (e.g. ECDHE-RSA-AES128-GCM-SHA256), not with OpenSSL's keywords", c.setting("ssl.cipher.suites"), name)
			}
			cfg.CipherSuites = append(cfg.CipherSuites, id)
		}
	}
	if v := c.props["ssl.curves.list"]; v != "" {
		for _, name := range listItems(v) {
			id, ok := openSSLCurves[strings.ToUpper(name)]
			if !ok {
				return fmt.Errorf("%s: %q is not a group franz-go (Go's TLS) offers: P-256, P-384, P-521, X25519", c.setting("ssl.curves.list"), name)
			}
			cfg.CurvePreferences = append(cfg.CurvePreferences, id)
		}
	}
	if file := c.props["ssl.crl.location"]; file != "" {
		crls, err := readCRLs(file)
		if err != nil {
			return fmt.Errorf("%s: %w", c.setting("ssl.crl.location"), err)
		}
		next := cfg.VerifyConnection
		cfg.VerifyConnection = func(cs tls.ConnectionState) error {
			if next != nil {
				if err := next(cs); err != nil {
					return err
				}
			}
			return checkRevoked(cs, crls)
		}
	}
	return nil
}

func readCRLs(file string) ([]*x509.RevocationList, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var crls []*x509.RevocationList
	for rest := data; ; {
		var b *pem.Block
		if b, rest = pem.Decode(rest); b == nil {
			break
		}
		if b.Type == "X509 CRL" {
			crl, err := x509.ParseRevocationList(b.Bytes)
			if err != nil {
				return nil, err
			}
			crls = append(crls, crl)
		}
	}
	if len(crls) == 0 { // DER, as OpenSSL also reads
		crl, err := x509.ParseRevocationList(data)
		if err != nil {
			return nil, errors.New("no CRL in it (PEM \"X509 CRL\" or DER)")
		}
		crls = append(crls, crl)
	}
	return crls, nil
}

// checkRevoked checks the broker's certificate against the CRL of its
// issuer, as librdkafka's ssl.crl.location makes OpenSSL do: a certificate
// whose issuer has no CRL there fails too ("unable to get certificate CRL").
func checkRevoked(cs tls.ConnectionState, crls []*x509.RevocationList) error {
	if len(cs.PeerCertificates) == 0 {
		return errors.New("the broker sent no certificate")
	}
	leaf := cs.PeerCertificates[0]
	var issuer *x509.Certificate
	for _, chain := range cs.VerifiedChains {
		if len(chain) > 1 {
			issuer = chain[1]
		}
	}
	if issuer == nil && len(cs.PeerCertificates) > 1 {
		issuer = cs.PeerCertificates[1]
	}
	for _, crl := range crls {
		if issuer == nil || crl.CheckSignatureFrom(issuer) != nil {
			continue
		}
		for _, e := range crl.RevokedCertificateEntries {
			if e.SerialNumber.Cmp(leaf.SerialNumber) == 0 {
				return fmt.Errorf("x509: the broker's certificate (serial %s) is revoked by the CRL of %s", leaf.SerialNumber, issuer.Subject)
			}
		}
		return nil
	}
	return fmt.Errorf("x509: no CRL of the broker certificate's issuer (%s) in ssl.crl.location", leaf.Issuer)
}
