package clientconfig

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
	"github.com/youmark/pkcs8"
	"software.sslmate.com/src/go-pkcs12"

	"github.com/streamctl/streamctl/internal/config"
)

// pki is a CA, a broker certificate for host names and a client
// certificate, as files.
type pki struct {
	dir                             string
	ca                              *x509.Certificate
	caKey                           *ecdsa.PrivateKey
	caFile, certFile, keyFile       string
	client                          *x509.Certificate
	clientKey                       *ecdsa.PrivateKey
	server                          tls.Certificate
	caPEM, clientPEM, clientKeyPEMs string
}

func newPKI(t *testing.T, serverNames ...string) *pki {
	t.Helper()
	p := &pki{dir: t.TempDir()}
	p.caKey = newKey(t)
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test-ca"}, NotBefore: time.Now().Add(-time.Hour),
		NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign}
	p.ca = sign(t, caTmpl, caTmpl, &p.caKey.PublicKey, p.caKey)
	serverKey := newKey(t)
	srvTmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "broker"}, NotBefore: time.Now().Add(-time.Hour),
		NotAfter: time.Now().Add(time.Hour), ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	for _, n := range serverNames {
		if ip := net.ParseIP(n); ip != nil {
			srvTmpl.IPAddresses = append(srvTmpl.IPAddresses, ip)
		} else {
			srvTmpl.DNSNames = append(srvTmpl.DNSNames, n)
		}
	}
	srv := sign(t, srvTmpl, p.ca, &serverKey.PublicKey, p.caKey)
	p.server = tls.Certificate{Certificate: [][]byte{srv.Raw}, PrivateKey: serverKey}
	p.clientKey = newKey(t)
	clTmpl := &x509.Certificate{SerialNumber: big.NewInt(3), Subject: pkix.Name{CommonName: "client"}, NotBefore: time.Now().Add(-time.Hour),
		NotAfter: time.Now().Add(time.Hour), ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}
	p.client = sign(t, clTmpl, p.ca, &p.clientKey.PublicKey, p.caKey)
	p.caPEM = certPEM(p.ca)
	p.clientPEM = certPEM(p.client)
	der, _ := x509.MarshalPKCS8PrivateKey(p.clientKey)
	p.clientKeyPEMs = string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	p.caFile = p.write(t, "ca.pem", p.caPEM)
	p.certFile = p.write(t, "client.pem", p.clientPEM)
	p.keyFile = p.write(t, "client.key", p.clientKeyPEMs)
	return p
}

func newKey(t *testing.T) *ecdsa.PrivateKey {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func sign(t *testing.T, tmpl, parent *x509.Certificate, pub any, key *ecdsa.PrivateKey) *x509.Certificate {
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub, key)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := x509.ParseCertificate(der)
	return c
}

func certPEM(c *x509.Certificate) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw}))
}

func (p *pki) write(t *testing.T, name, data string) string {
	path := filepath.Join(p.dir, name)
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// mtlsBroker is a kfake broker on 127.0.0.1 that requires a client
// certificate signed by the pki's CA.
func (p *pki) mtlsBroker(t *testing.T) string {
	roots := x509.NewCertPool()
	roots.AddCert(p.ca)
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.TLS(&tls.Config{
		Certificates: []tls.Certificate{p.server}, ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: roots, MinVersion: tls.VersionTLS12,
	}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c.ListenAddrs()[0]
}

// connect asks the broker for its metadata through franz-go, configured by
// FranzGo from the profile and -X properties.
func connect(t *testing.T, p *config.Profile, x map[string]string) error {
	t.Helper()
	cfg, err := New(cluster(t, p, x))
	if err != nil {
		return err
	}
	opts, err := cfg.FranzGo()
	if err != nil {
		return err
	}
	cl, err := kgo.NewClient(append(opts, kgo.RetryTimeout(time.Second))...)
	if err != nil {
		return err
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err = kmsg.NewPtrMetadataRequest().RequestWith(ctx, cl)
	return err
}

// Mutual TLS through franz-go with every way librdkafka takes the client's
// certificate and key: PEM files, PEM text, a PKCS#12 key store, and keys
// encrypted as OpenSSL 3 writes them (PKCS#8) and as older tools did.
func TestFranzGoMutualTLS(t *testing.T) {
	p := newPKI(t, "127.0.0.1")
	addr := p.mtlsBroker(t)
	prof := func(tls *config.TLS) *config.Profile { return &config.Profile{Brokers: []string{addr}, TLS: tls} }

	p12, err := pkcs12.Modern.Encode(p.clientKey, p.client, []*x509.Certificate{p.ca}, "p12-pw")
	if err != nil {
		t.Fatal(err)
	}
	p12File := p.write(t, "client.p12", string(p12))
	encDER, err := pkcs8.MarshalPrivateKey(p.clientKey, []byte("key-pw"), &pkcs8.Opts{Cipher: pkcs8.AES256CBC,
		KDFOpts: pkcs8.PBKDF2Opts{SaltSize: 16, IterationCount: 2048, HMACHash: crypto.SHA256}})
	if err != nil {
		t.Fatal(err)
	}
	encFile := p.write(t, "client-enc.key", string(pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: encDER})))
	ecDER, _ := x509.MarshalECPrivateKey(p.clientKey)
	//lint:ignore SA1019 the legacy form is what the test needs to produce
	legacy, err := x509.EncryptPEMBlock(rand.Reader, "EC PRIVATE KEY", ecDER, []byte("key-pw"), x509.PEMCipherAES256)
	if err != nil {
		t.Fatal(err)
	}
	legacyFile := p.write(t, "client-legacy.key", string(pem.EncodeToMemory(legacy)))

	for _, tt := range []struct {
		name string
		tls  *config.TLS
		x    map[string]string
		want string // "" to connect, else part of the error
	}{
		{"PEM files", &config.TLS{CAFile: p.caFile, CertFile: p.certFile, KeyFile: p.keyFile}, nil, ""},
		{"PEM text", &config.TLS{}, map[string]string{"ssl.ca.pem": p.caPEM, "ssl.certificate.pem": p.clientPEM, "ssl.key.pem": p.clientKeyPEMs}, ""},
		{"CA directory", &config.TLS{CAFile: p.dir, CertFile: p.certFile, KeyFile: p.keyFile}, nil, ""},
		{"PKCS#12 key store", &config.TLS{CAFile: p.caFile}, map[string]string{"ssl.keystore.location": p12File, "ssl.keystore.password": "p12-pw"}, ""},
		{"PKCS#12 wrong password", &config.TLS{CAFile: p.caFile}, map[string]string{"ssl.keystore.location": p12File, "ssl.keystore.password": "nope"}, "ssl.keystore.password"},
		{"encrypted PKCS#8 key", &config.TLS{CAFile: p.caFile, CertFile: p.certFile, KeyFile: encFile}, map[string]string{"ssl.key.password": "key-pw"}, ""},
		{"encrypted legacy PEM key", &config.TLS{CAFile: p.caFile, CertFile: p.certFile, KeyFile: legacyFile}, map[string]string{"ssl.key.password": "key-pw"}, ""},
		{"encrypted key without its password", &config.TLS{CAFile: p.caFile, CertFile: p.certFile, KeyFile: encFile}, nil, "give its password as ssl.key.password"},
		{"encrypted key, wrong password", &config.TLS{CAFile: p.caFile, CertFile: p.certFile, KeyFile: encFile}, map[string]string{"ssl.key.password": "nope"}, "decrypting with ssl.key.password"},
		{"no client certificate", &config.TLS{CAFile: p.caFile}, nil, "certificate"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := connect(t, prof(tt.tls), tt.x)
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("want a connection: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("error %v, want one mentioning %q", err, tt.want)
			}
		})
	}
}

// The broker's certificate names another host: refused unless librdkafka's
// ssl.endpoint.identification.algorithm=none says to check only the chain;
// enable.ssl.certificate.verification=false (insecure_skip_verify) checks
// nothing, and a CA that did not sign it fails either way.
func TestFranzGoServerVerification(t *testing.T) {
	p := newPKI(t, "broker.example.com")
	addr := p.mtlsBroker(t)
	mtls := &config.TLS{CAFile: p.caFile, CertFile: p.certFile, KeyFile: p.keyFile}
	prof := &config.Profile{Brokers: []string{addr}, TLS: mtls}
	if err := connect(t, prof, nil); err == nil || !strings.Contains(err.Error(), "127.0.0.1") {
		t.Errorf("a certificate for another host: %v, want a host name error", err)
	}
	if err := connect(t, prof, map[string]string{"ssl.endpoint.identification.algorithm": "none"}); err != nil {
		t.Errorf("host name check off: %v", err)
	}
	other := newPKI(t, "127.0.0.1")
	wrongCA := &config.Profile{Brokers: []string{addr}, TLS: &config.TLS{CAFile: other.caFile, CertFile: p.certFile, KeyFile: p.keyFile}}
	if err := connect(t, wrongCA, map[string]string{"ssl.endpoint.identification.algorithm": "none"}); err == nil {
		t.Error("a broker certificate from a CA not trusted must fail even without the host name check")
	}
	insecure := &config.Profile{Brokers: []string{addr}, TLS: &config.TLS{CertFile: p.certFile, KeyFile: p.keyFile, InsecureSkipVerify: true}}
	if err := connect(t, insecure, nil); err != nil {
		t.Errorf("insecure_skip_verify: %v", err)
	}
}

// SASL PLAIN and SCRAM through franz-go, from the profile's fields.
func TestFranzGoSASL(t *testing.T) {
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.EnableSASL(),
		kfake.Superuser("PLAIN", "p-user", "p-pw"), kfake.Superuser("SCRAM-SHA-256", "s256", "s256-pw"), kfake.Superuser("SCRAM-SHA-512", "s512", "s512-pw"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	t.Setenv("CC_TEST_PW", "s512-pw")
	for _, s := range []*config.SASL{
		{Mechanism: "PLAIN", Username: "p-user", Password: "p-pw"},
		{Mechanism: "SCRAM-SHA-256", Username: "s256", Password: "s256-pw"},
		{Mechanism: "scram-sha-512", Username: "s512", PasswordEnv: "CC_TEST_PW"},
	} {
		if err := connect(t, &config.Profile{Brokers: c.ListenAddrs(), SASL: s}, nil); err != nil {
			t.Errorf("%s: %v", s.Mechanism, err)
		}
	}
	if err := connect(t, &config.Profile{Brokers: c.ListenAddrs(), SASL: &config.SASL{Mechanism: "SCRAM-SHA-256", Username: "s256", Password: "wrong"}}, nil); err == nil {
		t.Error("a wrong password must fail")
	}
}

// broker is a kfake broker on 127.0.0.1 with this server TLS configuration.
func broker(t *testing.T, cfg *tls.Config) string {
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.TLS(cfg))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c.ListenAddrs()[0]
}

// The OpenSSL settings with a Go equivalent reach franz-go: a cipher list
// and curves the broker does not share fail the handshake, shared ones
// connect; a CRL that revokes the broker's certificate fails it; the
// address family is the one asked for.
func TestFranzGoTLSSettings(t *testing.T) {
	p := newPKI(t, "127.0.0.1")
	addr := broker(t, &tls.Config{Certificates: []tls.Certificate{p.server}, MaxVersion: tls.VersionTLS12,
		CipherSuites: []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256}, CurvePreferences: []tls.CurveID{tls.CurveP384}})
	prof := &config.Profile{Brokers: []string{addr}, TLS: &config.TLS{CAFile: p.caFile}}
	for _, tt := range []struct {
		x  map[string]string
		ok bool
	}{
		{nil, true},
		{map[string]string{"ssl.cipher.suites": "ECDHE-ECDSA-AES128-GCM-SHA256"}, true},
		{map[string]string{"ssl.cipher.suites": "ECDHE-ECDSA-AES256-GCM-SHA384"}, false},
		{map[string]string{"ssl.curves.list": "secp384r1"}, true},
		{map[string]string{"ssl.curves.list": "P-256"}, false},
		{map[string]string{"broker.address.family": "v4"}, true},
		{map[string]string{"broker.address.family": "v6"}, false},
	} {
		if err := connect(t, prof, tt.x); (err == nil) != tt.ok {
			t.Errorf("%v: %v, want connected %v", tt.x, err, tt.ok)
		}
	}

	// CRLs from the broker's CA: one revoking another serial, one revoking
	// the broker's.
	crl := func(serial int64) string {
		der, err := x509.CreateRevocationList(rand.Reader, &x509.RevocationList{Number: big.NewInt(serial),
			ThisUpdate: time.Now().Add(-time.Hour), NextUpdate: time.Now().Add(time.Hour),
			RevokedCertificateEntries: []x509.RevocationListEntry{{SerialNumber: big.NewInt(serial), RevocationTime: time.Now()}}}, p.ca, p.caKey)
		if err != nil {
			t.Fatal(err)
		}
		return p.write(t, fmt.Sprintf("crl-%d.pem", serial), string(pem.EncodeToMemory(&pem.Block{Type: "X509 CRL", Bytes: der})))
	}
	if err := connect(t, prof, map[string]string{"ssl.crl.location": crl(99)}); err != nil {
		t.Errorf("a CRL that does not revoke the broker: %v", err)
	}
	if err := connect(t, prof, map[string]string{"ssl.crl.location": crl(2)}); err == nil || !strings.Contains(err.Error(), "revoked") {
		t.Errorf("a CRL revoking the broker's certificate (serial 2): %v", err)
	}
	other := newPKI(t, "127.0.0.1")
	der, _ := x509.CreateRevocationList(rand.Reader, &x509.RevocationList{Number: big.NewInt(1), ThisUpdate: time.Now(), NextUpdate: time.Now().Add(time.Hour)}, other.ca, other.caKey)
	if err := connect(t, prof, map[string]string{"ssl.crl.location": p.write(t, "other.crl", string(der))}); err == nil || !strings.Contains(err.Error(), "no CRL") {
		t.Errorf("no CRL from the broker's CA: %v", err)
	}
}
