package kafka

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// selfSigned returns a certificate and its key, both PEM.
func selfSigned(t *testing.T) (certPEM, keyPEM string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})),
		string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kder}))
}

// The wire adapter connects as librdkafka would, from the same properties:
// PEM as files or inline text, and refuses what it cannot carry over,
// naming the property and what to use instead.
func TestWireOptions(t *testing.T) {
	cert, key := selfSigned(t)
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "c.pem"), filepath.Join(dir, "k.pem")
	_ = os.WriteFile(certFile, []byte(cert), 0o600)
	_ = os.WriteFile(keyFile, []byte(key), 0o600)

	for _, conf := range []map[string]string{
		{"ssl.ca.pem": cert, "ssl.certificate.pem": cert, "ssl.key.pem": key},
		{"ssl.ca.location": certFile, "ssl.certificate.location": certFile, "ssl.key.location": keyFile},
	} {
		cfg, err := wireTLS(conf)
		if err != nil {
			t.Fatalf("%v: %v", conf, err)
		}
		if cfg.RootCAs == nil || len(cfg.Certificates) != 1 {
			t.Errorf("%v: roots %v, %d client certificates; want the CA and one certificate", conf, cfg.RootCAs, len(cfg.Certificates))
		}
	}
	if cfg, err := wireTLS(map[string]string{"ssl.ca.location": "probe"}); err != nil || cfg.RootCAs != nil {
		t.Errorf("ssl.ca.location=probe means the system's roots: %v, %v", cfg, err)
	}
	if _, err := wireTLS(map[string]string{"ssl.ca.location": certFile, "ssl.ca.pem": cert}); err == nil || !strings.Contains(err.Error(), "use one") {
		t.Errorf("both a CA file and inline PEM: %v", err)
	}
	if _, err := wireTLS(map[string]string{"ssl.ca.pem": "not pem"}); err == nil {
		t.Error("a CA without PEM in it must fail")
	}

	for prop, want := range map[string]string{
		"ssl.keystore.location":   "PKCS#12",
		"ssl.key.password":        "encrypted private key",
		"sasl.oauthbearer.config": "OAUTHBEARER",
	} {
		_, err := wireOptions(map[string]string{"bootstrap.servers": "b:9092", prop: "x"})
		if err == nil || !strings.Contains(err.Error(), prop) || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want a refusal naming it and %q", prop, err, want)
		}
	}
	if _, err := wireOptions(map[string]string{"bootstrap.servers": "b:9092", "security.protocol": "SASL_SSL", "sasl.mechanisms": "GSSAPI"}); err == nil || !strings.Contains(err.Error(), "GSSAPI") {
		t.Errorf("GSSAPI: %v", err)
	}
	for _, mech := range []string{"PLAIN", "SCRAM-SHA-256", "scram-sha-512"} {
		opts, err := wireOptions(map[string]string{"bootstrap.servers": "b:9092", "security.protocol": "sasl_plaintext", "sasl.mechanism": mech, "sasl.username": "u", "sasl.password": "p"})
		if err != nil || len(opts) != 3 {
			t.Errorf("%s: %d options, %v; want brokers, client id and SASL", mech, len(opts), err)
		}
	}
}

func TestACLNames(t *testing.T) {
	for in, want := range map[string]string{
		"read": "READ", "IdempotentWrite": "IDEMPOTENT_WRITE", "cluster-action": "CLUSTER_ACTION",
		"describe_configs": "DESCRIBE_CONFIGS", "TransactionalId": "TRANSACTIONAL_ID", " Deny ": "DENY", "ALL": "ALL",
	} {
		if got := ACLName(in); got != want {
			t.Errorf("ACLName(%q) = %q, want %q", in, got, want)
		}
	}
	if _, err := CheckACLName("resource type", "user", ACLResourceTypes); err == nil || !strings.Contains(err.Error(), "librdkafka") {
		t.Errorf("USER resources: %v", err)
	}
	for p, ok := range map[string]bool{"User:alice": true, "User:*": true, "Group:ops": true, "User:CN=x,O=y": true, "alice": false, ":alice": false, "User:": false, "Us er:a": false} {
		if err := CheckPrincipal(p); (err == nil) != ok {
			t.Errorf("CheckPrincipal(%q) = %v", p, err)
		}
	}
	// Our names and librdkafka's values map both ways, for every name.
	for _, rt := range ACLResourceTypes {
		for _, op := range ACLOperations {
			for _, pt := range ACLPatternTypes[:2] {
				a := ACL{Principal: "User:a", Host: "*", Operation: op, Permission: "DENY", ResourceType: rt, ResourceName: "n", PatternType: pt}
				b, err := a.binding()
				if err != nil || aclOf(b) != a {
					t.Errorf("%v -> %v -> %v, %v", a, b, aclOf(b), err)
				}
			}
		}
	}
}

func TestPartitionSizes(t *testing.T) {
	s := PartitionSizes{{"t", 0}: 10, {"t", 1}: 5, {"u", 0}: 1}
	if n := s.Topic("t", 2); n == nil || *n != 15 {
		t.Errorf("Topic(t) = %v, want 15", n)
	}
	if n := s.Topic("u", 2); n != nil {
		t.Errorf("a partition of u is unknown: want nil, got %d", *n)
	}
	if n := s.Partition(TopicPartition{"t", 7}); n != nil {
		t.Error("an unknown partition has no size")
	}
}
