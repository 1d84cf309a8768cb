package clientconfig

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/streamctl/streamctl/internal/config"
)

// The jwt-bearer grant through franz-go: the assertion is signed with the
// configured key (RS256, or ES256 in JOSE's r||s form), carries the
// template's claims under librdkafka's own (iat, exp, nbf, sub, iss, aud,
// jti), and is posted instead of a client secret.
func TestJWTBearerGrant(t *testing.T) {
	dir := t.TempDir()
	rsaKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	ecKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	write := func(name string, key any) string {
		der, _ := x509.MarshalPKCS8PrivateKey(key)
		path := filepath.Join(dir, name)
		_ = os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600)
		return path
	}
	template := filepath.Join(dir, "template.json")
	_ = os.WriteFile(template, []byte(`{"header":{"kid":"k1"},"payload":{"tenant":"t1","exp":1}}`), 0o600)

	var got struct {
		form   string
		header map[string]any
		claims map[string]any
		sigOK  bool
		basic  bool
	}
	var pub crypto.PublicKey
	now := time.Unix(1_800_000_000, 0)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		_, _, got.basic = r.BasicAuth()
		got.form = r.PostForm.Get("grant_type") + " scope=" + r.PostForm.Get("scope")
		parts := strings.Split(r.PostForm.Get("assertion"), ".")
		h, _ := base64.RawURLEncoding.DecodeString(parts[0])
		p, _ := base64.RawURLEncoding.DecodeString(parts[1])
		sig, _ := base64.RawURLEncoding.DecodeString(parts[2])
		_ = json.Unmarshal(h, &got.header)
		_ = json.Unmarshal(p, &got.claims)
		sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
		switch k := pub.(type) {
		case *rsa.PublicKey:
			got.sigOK = rsa.VerifyPKCS1v15(k, crypto.SHA256, sum[:], sig) == nil
		case *ecdsa.PublicKey:
			got.sigOK = len(sig) == 64 && ecdsa.Verify(k, sum[:], new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:]))
		}
		// Some providers answer with an id_token only; librdkafka takes it.
		fmt.Fprintf(w, `{"id_token":%q}`, jwt(map[string]any{"sub": "svc", "exp": now.Add(time.Hour).Unix()}))
	}))
	defer srv.Close()

	for _, tt := range []struct {
		alg  string
		key  any
		pub  crypto.PublicKey
		file string
	}{
		{"RS256", rsaKey, &rsaKey.PublicKey, write("rsa.key", rsaKey)},
		{"ES256", ecKey, &ecKey.PublicKey, write("ec.key", ecKey)},
	} {
		t.Run(tt.alg, func(t *testing.T) {
			pub = tt.pub
			x := map[string]string{"security.protocol": "SASL_SSL", "sasl.mechanism": "OAUTHBEARER", "sasl.oauthbearer.method": "oidc",
				"sasl.oauthbearer.grant.type": jwtBearerGrant, "sasl.oauthbearer.token.endpoint.url": srv.URL, "sasl.oauthbearer.scope": "kafka",
				"sasl.oauthbearer.assertion.algorithm": tt.alg, "sasl.oauthbearer.assertion.private.key.file": tt.file,
				"sasl.oauthbearer.assertion.jwt.template.file": template, "sasl.oauthbearer.assertion.claim.sub": "svc",
				"sasl.oauthbearer.assertion.claim.aud": srv.URL, "sasl.oauthbearer.assertion.claim.jti.include": "true"}
			cfg, err := New(cluster(t, &config.Profile{Brokers: []string{"a:1"}}, x))
			if err != nil {
				t.Fatal(err)
			}
			src, err := cfg.newOIDCSource(nil)
			if err != nil {
				t.Fatal(err)
			}
			src.now = func() time.Time { return now }
			if _, err := src.auth(t.Context()); err != nil {
				t.Fatal(err)
			}
			if got.form != jwtBearerGrant+" scope=kafka" || got.basic {
				t.Errorf("form %q, basic auth %v: want the jwt-bearer grant and no client secret", got.form, got.basic)
			}
			if !got.sigOK || got.header["alg"] != tt.alg || got.header["kid"] != "k1" || got.header["typ"] != "JWT" {
				t.Errorf("header %v, signature valid %v", got.header, got.sigOK)
			}
			c := got.claims
			if c["iat"] != float64(now.Unix()) || c["exp"] != float64(now.Unix()+300) || c["nbf"] != float64(now.Unix()-60) ||
				c["sub"] != "svc" || c["aud"] != srv.URL || c["tenant"] != "t1" || c["jti"] == nil {
				t.Errorf("claims %v", c)
			}
		})
	}
	// The key must match the algorithm, and there must be a key or a file.
	for _, x := range []map[string]string{
		{"sasl.oauthbearer.assertion.algorithm": "ES256", "sasl.oauthbearer.assertion.private.key.file": filepath.Join(dir, "rsa.key")},
		{},
	} {
		x["security.protocol"], x["sasl.mechanism"], x["sasl.oauthbearer.method"] = "SASL_SSL", "OAUTHBEARER", "oidc"
		x["sasl.oauthbearer.grant.type"], x["sasl.oauthbearer.token.endpoint.url"] = jwtBearerGrant, srv.URL
		if _, err := New(cluster(t, &config.Profile{Brokers: []string{"a:1"}}, x)); err == nil {
			t.Errorf("%v: want a refusal", x)
		}
	}
}
