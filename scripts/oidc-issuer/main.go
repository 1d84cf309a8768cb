// Command oidc-issuer is a small OpenID Connect provider for the end-to-end
// tests: an OAuth token endpoint that issues client-credentials JWTs signed
// with RS256, and the JWKS endpoint a Kafka broker checks their signatures
// against (Kafka's OAuthBearerValidatorCallbackHandler). scripts/kafka-broker
// starts it beside the broker; streamctl gets its tokens from it as it
// would from a real provider.
//
//	oidc-issuer -addr-file FILE -audience AUD -client ID:SECRET[:MODE] ...
//
// It listens on a free port of 127.0.0.1 and writes "127.0.0.1:PORT" to
// FILE once it accepts connections. GET /stats counts the tokens issued to
// each client. A client's MODE makes its tokens good
// (the default), already expired ("expired"), signed by a key the JWKS does
// not hold under the same key id ("wrong-key"), or short-lived
// ("life=DURATION"). With -assertion-key it also takes the JWT bearer
// grant (RFC 7523): an RS256 assertion signed by that public key's private
// key, for the token endpoint (aud), gets a token for its subject.
package main

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"flag"
	"fmt"
	"log"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"
)

type client struct {
	secret string
	mode   string        // "", "expired", "wrong-key"
	life   time.Duration // token lifetime
}

type issuer struct {
	url      string // the iss claim and base URL
	audience string
	kid      string
	key      *rsa.PrivateKey // in the JWKS
	rogue    *rsa.PrivateKey // not in the JWKS
	clients  map[string]client
	life     time.Duration

	assertionKey *rsa.PublicKey // the jwt-bearer grant's, nil when not taken

	mu     sync.Mutex
	issued map[string]int // tokens issued, by client id (GET /stats)
}

type clientFlags map[string]client

func (c clientFlags) String() string { return "" }

func (c clientFlags) Set(s string) error {
	parts := strings.SplitN(s, ":", 3)
	if len(parts) < 2 || parts[0] == "" || parts[1] == "" {
		return fmt.Errorf("%q: want ID:SECRET[:MODE]", s)
	}
	cl := client{secret: parts[1]}
	if len(parts) == 3 {
		switch m := parts[2]; {
		case m == "expired", m == "wrong-key":
			cl.mode = m
		case strings.HasPrefix(m, "life="):
			d, err := time.ParseDuration(strings.TrimPrefix(m, "life="))
			if err != nil || d <= 0 {
				return fmt.Errorf("%q: want life=DURATION", s)
			}
			cl.life = d
		default:
			return fmt.Errorf("%q: mode is expired, wrong-key or life=DURATION", s)
		}
	}
	c[parts[0]] = cl
	return nil
}

func main() {
	clients := clientFlags{}
	addrFile := flag.String("addr-file", "", "write the listening address here once serving")
	audience := flag.String("audience", "kafka", "the aud claim of every token")
	life := flag.Duration("life", time.Hour, "token lifetime unless a client says otherwise")
	flag.Var(clients, "client", "ID:SECRET[:MODE], repeatable")
	assertionKey := flag.String("assertion-key", "", "a PEM public key whose signed assertions the jwt-bearer grant takes")
	flag.Parse()
	if *addrFile == "" || len(clients) == 0 {
		log.Fatal("oidc-issuer: -addr-file and at least one -client are required")
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		log.Fatal(err)
	}
	rogue, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		log.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	iss := &issuer{url: "http://" + ln.Addr().String(), audience: *audience, kid: "e2e-" + randomID()[:8],
		key: key, rogue: rogue, clients: clients, life: *life, issued: map[string]int{}}
	if *assertionKey != "" {
		b, err := os.ReadFile(*assertionKey)
		if err != nil {
			log.Fatal(err)
		}
		blk, _ := pem.Decode(b)
		if blk == nil {
			log.Fatalf("oidc-issuer: no PEM in %s", *assertionKey)
		}
		pub, err := x509.ParsePKIXPublicKey(blk.Bytes)
		if err != nil {
			log.Fatal(err)
		}
		var ok bool
		if iss.assertionKey, ok = pub.(*rsa.PublicKey); !ok {
			log.Fatalf("oidc-issuer: %s is not an RSA public key", *assertionKey)
		}
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /token", iss.token)
	mux.HandleFunc("GET /jwks", iss.jwks)
	mux.HandleFunc("GET /.well-known/openid-configuration", iss.discovery)
	mux.HandleFunc("GET /stats", iss.stats)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != http.ErrServerClosed {
			log.Fatal(err)
		}
	}()
	tmp := *addrFile + ".tmp"
	if err := os.WriteFile(tmp, []byte(ln.Addr().String()+"\n"), 0o644); err != nil {
		log.Fatal(err)
	}
	if err := os.Rename(tmp, *addrFile); err != nil {
		log.Fatal(err)
	}
	log.Printf("oidc-issuer: serving %s (audience %q, key id %s)", iss.url, iss.audience, iss.kid)
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	<-sig
	_ = srv.Close()
}

// token is the client credentials grant (RFC 6749 4.4): the client
// authenticates with HTTP basic auth or with client_id and client_secret in
// the form.
func (iss *issuer) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request", err.Error())
		return
	}
	var id string
	var cl client
	switch g := r.PostForm.Get("grant_type"); {
	case g == "client_credentials":
		var secret string
		var ok bool
		id, secret, ok = r.BasicAuth()
		if !ok {
			id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
		}
		var known bool
		cl, known = iss.clients[id]
		if !known || cl.secret != secret {
			log.Printf("oidc-issuer: refused client %q", id)
			oauthError(w, http.StatusUnauthorized, "invalid_client", "unknown client or wrong secret")
			return
		}
	case g == "urn:ietf:params:oauth:grant-type:jwt-bearer" && iss.assertionKey != nil:
		sub, err := iss.checkAssertion(r.PostForm.Get("assertion"))
		if err != nil {
			log.Printf("oidc-issuer: refused an assertion: %v", err)
			oauthError(w, http.StatusBadRequest, "invalid_grant", err.Error())
			return
		}
		id = sub
	default:
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type", fmt.Sprintf("grant_type %q", g))
		return
	}
	now := time.Now()
	life := iss.life
	if cl.life > 0 {
		life = cl.life
	}
	iat, exp := now, now.Add(life)
	if cl.mode == "expired" {
		iat, exp = now.Add(-2*time.Hour), now.Add(-time.Hour)
	}
	claims := map[string]any{
		"iss": iss.url, "aud": iss.audience, "sub": id, "azp": id,
		"iat": iat.Unix(), "nbf": iat.Unix(), "exp": exp.Unix(), "jti": randomID(),
	}
	if s := r.PostForm.Get("scope"); s != "" {
		claims["scope"] = s
	}
	key := iss.key
	if cl.mode == "wrong-key" {
		key = iss.rogue
	}
	tok, err := sign(key, iss.kid, claims)
	if err != nil {
		oauthError(w, http.StatusInternalServerError, "server_error", err.Error())
		return
	}
	log.Printf("oidc-issuer: issued a token to %q (mode %q, expires %s)", id, cl.mode, exp.Format(time.RFC3339))
	iss.mu.Lock()
	iss.issued[id]++
	iss.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"access_token": tok, "token_type": "Bearer", "expires_in": int(time.Until(exp).Seconds()),
	})
}

// checkAssertion checks a jwt-bearer grant's assertion (RFC 7523 3): its
// RS256 signature by the assertion key, its audience (this token
// endpoint), expiry and not-before; it returns the subject.
func (iss *issuer) checkAssertion(a string) (string, error) {
	parts := strings.Split(a, ".")
	if len(parts) != 3 {
		return "", fmt.Errorf("not a JWT")
	}
	var header struct {
		Alg string `json:"alg"`
	}
	var claims struct {
		Sub string  `json:"sub"`
		Aud string  `json:"aud"`
		Exp float64 `json:"exp"`
		Nbf float64 `json:"nbf"`
	}
	h, _ := base64.RawURLEncoding.DecodeString(parts[0])
	p, _ := base64.RawURLEncoding.DecodeString(parts[1])
	sig, _ := base64.RawURLEncoding.DecodeString(parts[2])
	if json.Unmarshal(h, &header) != nil || json.Unmarshal(p, &claims) != nil {
		return "", fmt.Errorf("not a JWT")
	}
	if header.Alg != "RS256" {
		return "", fmt.Errorf("alg %q, want RS256", header.Alg)
	}
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if err := rsa.VerifyPKCS1v15(iss.assertionKey, crypto.SHA256, sum[:], sig); err != nil {
		return "", fmt.Errorf("bad signature")
	}
	now := float64(time.Now().Unix())
	switch {
	case claims.Sub == "":
		return "", fmt.Errorf("no sub")
	case claims.Aud != iss.url+"/token":
		return "", fmt.Errorf("aud %q, want %q", claims.Aud, iss.url+"/token")
	case claims.Exp < now:
		return "", fmt.Errorf("expired")
	case claims.Nbf > now+30:
		return "", fmt.Errorf("not valid yet")
	}
	return claims.Sub, nil
}

func (iss *issuer) jwks(w http.ResponseWriter, _ *http.Request) {
	pub := iss.key.PublicKey
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"keys": []map[string]string{{
		"kty": "RSA", "use": "sig", "alg": "RS256", "kid": iss.kid,
		"n": b64(pub.N.Bytes()), "e": b64(big.NewInt(int64(pub.E)).Bytes()),
	}}})
}

// stats is how many tokens each client got, for tests that wait for
// refreshes.
func (iss *issuer) stats(w http.ResponseWriter, _ *http.Request) {
	iss.mu.Lock()
	defer iss.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"issued": iss.issued})
}

func (iss *issuer) discovery(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"issuer": iss.url, "token_endpoint": iss.url + "/token", "jwks_uri": iss.url + "/jwks",
		"grant_types_supported":                 []string{"client_credentials"},
		"token_endpoint_auth_methods_supported": []string{"client_secret_basic", "client_secret_post"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
	})
}

func sign(key *rsa.PrivateKey, kid string, claims map[string]any) (string, error) {
	header, _ := json.Marshal(map[string]string{"alg": "RS256", "typ": "JWT", "kid": kid})
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	input := b64(header) + "." + b64(payload)
	sum := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		return "", err
	}
	return input + "." + b64(sig), nil
}

func oauthError(w http.ResponseWriter, status int, code, desc string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": code, "error_description": desc})
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

func randomID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%x", b)
}
