package clientconfig

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/streamctl/streamctl/internal/config"
)

// jwt is an (unsigned) JWT with the claims; the broker checks signatures,
// the client only reads exp.
func jwt(claims map[string]any) string {
	b, _ := json.Marshal(claims)
	enc := base64.RawURLEncoding
	return enc.EncodeToString([]byte(`{"alg":"RS256"}`)) + "." + enc.EncodeToString(b) + ".c2ln"
}

// tokenEndpoint is an OAuth token endpoint that checks the client
// credentials grant the way providers do and counts the tokens it issues.
type tokenEndpoint struct {
	*httptest.Server
	issued atomic.Int32
	life   time.Duration
	now    func() time.Time
	form   atomic.Value // the last request's form
}

func newTokenEndpoint(t *testing.T, life time.Duration, now func() time.Time) *tokenEndpoint {
	e := &tokenEndpoint{life: life, now: now}
	e.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, secret, ok := r.BasicAuth()
		_ = r.ParseForm()
		e.form.Store(r.PostForm.Encode())
		w.Header().Set("Content-Type", "application/json")
		if !ok || id != "cid" || secret != "s3cret" || r.PostForm.Get("grant_type") != "client_credentials" {
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"error":"invalid_client","error_description":"bad credentials"}`)
			return
		}
		n := e.issued.Add(1)
		tok := jwt(map[string]any{"sub": id, "exp": e.now().Add(e.life).Unix(), "n": n})
		fmt.Fprintf(w, `{"access_token":%q,"token_type":"Bearer","expires_in":%d}`, tok, int(e.life.Seconds()))
	}))
	t.Cleanup(e.Close)
	return e
}

func oidcProfile(endpoint, scope string, ext map[string]string) *config.Profile {
	return &config.Profile{Brokers: []string{"a:1"}, SASL: &config.SASL{Mechanism: "OAUTHBEARER", OAuthBearer: &config.OAuthBearer{
		Method: "oidc", TokenEndpoint: endpoint, ClientID: "cid", ClientSecretEnv: "CC_OIDC_SECRET", Scope: scope, Extensions: ext}}}
}

// The franz-go OIDC source asks for tokens as librdkafka does (client
// credentials in basic auth, grant_type and scope in the form), sends the
// profile's extensions, keeps a token until 80% of its life has passed and
// then gets a new one before it expires.
func TestOIDCTokensRefreshBeforeExpiry(t *testing.T) {
	t.Setenv("CC_OIDC_SECRET", "s3cret")
	now := time.Unix(1_800_000_000, 0)
	clock := func() time.Time { return now }
	e := newTokenEndpoint(t, 100*time.Second, clock)
	cfg, err := New(cluster(t, oidcProfile(e.URL, "kafka read", map[string]string{"logicalCluster": "lkc-1"}), nil))
	if err != nil {
		t.Fatal(err)
	}
	src, err := cfg.newOIDCSource(nil)
	if err != nil {
		t.Fatal(err)
	}
	src.now = clock
	fn := src.auth

	a, err := fn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if a.Extensions["logicalCluster"] != "lkc-1" || a.Token == "" {
		t.Errorf("auth = %+v, want the token and the extension", a)
	}
	if f := e.form.Load().(string); f != "grant_type=client_credentials&scope=kafka+read" {
		t.Errorf("form = %q", f)
	}
	for _, step := range []struct {
		advance time.Duration
		issued  int32
	}{
		{10 * time.Second, 1}, // reused: a new connection needs no new token
		{69 * time.Second, 1}, // 79s of 100s: still reused
		{2 * time.Second, 2},  // 81s: past 80%, a new one before it expires
		{50 * time.Second, 2}, // the new one's life started at 81s
		{31 * time.Second, 3},
	} {
		now = now.Add(step.advance)
		if _, err := fn(context.Background()); err != nil {
			t.Fatal(err)
		}
		if got := e.issued.Load(); got != step.issued {
			t.Errorf("after %s more: %d tokens issued, want %d", step.advance, got, step.issued)
		}
	}
}

// A provider that refuses the client, an expired token and an unreachable
// endpoint are TokenErrors (reported as authentication failures) that say
// what happened; the secret is in none of them.
func TestOIDCTokenErrors(t *testing.T) {
	t.Setenv("CC_OIDC_SECRET", "wrong-secret")
	now := time.Now
	e := newTokenEndpoint(t, time.Hour, now)
	fail := func(endpoint string) error {
		t.Helper()
		cfg, err := New(cluster(t, oidcProfile(endpoint, "", nil), nil))
		if err != nil {
			t.Fatal(err)
		}
		fn, err := cfg.oauthFn(nil)
		if err != nil {
			t.Fatal(err)
		}
		_, err = fn(context.Background())
		var te *TokenError
		if !errors.As(err, &te) {
			t.Fatalf("%v: want a TokenError", err)
		}
		if strings.Contains(err.Error(), "s3cret") || strings.Contains(err.Error(), "wrong-secret") {
			t.Errorf("the secret is in %q", err)
		}
		return err
	}
	if err := fail(e.URL); !strings.Contains(err.Error(), "401") || !strings.Contains(err.Error(), "invalid_client bad credentials") {
		t.Errorf("refused client: %v", err)
	}
	t.Setenv("CC_OIDC_SECRET", "s3cret")
	expired := newTokenEndpoint(t, -time.Minute, now)
	if err := fail(expired.URL); !strings.Contains(err.Error(), "expired at") {
		t.Errorf("expired token: %v", err)
	}
	gone := httptest.NewServer(http.NotFoundHandler())
	gone.Close()
	if err := fail(gone.URL); !strings.Contains(err.Error(), "connection refused") {
		t.Errorf("unreachable endpoint: %v", err)
	}
}

// librdkafka's unsecured JWT, built the same way for franz-go: alg none,
// the principal in its claim, the scope, the life, the extensions.
func TestUnsecuredJWT(t *testing.T) {
	u, err := parseUnsecuredConfig("principal=admin principalClaimName=azp scope=a,b scopeClaimName=roles lifeSeconds=60 extension_traceId=123")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Unix(1_800_000_000, 0)
	parts := strings.Split(u.token(now), ".")
	if len(parts) != 3 || parts[2] != "" {
		t.Fatalf("token %q: want header.payload. (no signature)", u.token(now))
	}
	h, _ := base64.RawURLEncoding.DecodeString(parts[0])
	p, _ := base64.RawURLEncoding.DecodeString(parts[1])
	if string(h) != `{"alg":"none"}` {
		t.Errorf("header %s", h)
	}
	var claims map[string]any
	_ = json.Unmarshal(p, &claims)
	if claims["azp"] != "admin" || claims["exp"] != float64(1_800_000_060) || claims["iat"] != float64(1_800_000_000) || fmt.Sprint(claims["roles"]) != "[a b]" {
		t.Errorf("claims %v", claims)
	}
	if u.extensions["traceId"] != "123" {
		t.Errorf("extensions %v", u.extensions)
	}
	for _, bad := range []string{"scope=a", "principal=a lifeSeconds=x", "principal=a colour=blue", "principal"} {
		if _, err := parseUnsecuredConfig(bad); err == nil {
			t.Errorf("%q: want an error", bad)
		}
	}
}

// A token file is read again once the token read last is 80% through its
// life, so a file kept fresh by someone else (a sidecar, a Kubernetes
// projected token) keeps working; franz-go's path and librdkafka's handles
// share the one source.
func TestTokenFileIsReadAgainBeforeExpiry(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	dir := t.TempDir()
	file := filepath.Join(dir, "token")
	write := func(n int, life time.Duration) string {
		tok := jwt(map[string]any{"sub": "svc", "exp": now.Add(life).Unix(), "n": n})
		if err := os.WriteFile(file, []byte(tok+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		return tok
	}
	first := write(1, 100*time.Second)
	cfg, err := New(cluster(t, &config.Profile{Brokers: []string{"a:1"}, SASL: &config.SASL{Mechanism: "OAUTHBEARER",
		OAuthBearer: &config.OAuthBearer{Method: "token", TokenFile: file, Extensions: map[string]string{"k": "v"}}}}, nil))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := cfg.Librdkafka()["sasl.oauthbearer.method"]; ok {
		t.Error("method token has no librdkafka property; librdkafka would refuse one")
	}
	src := cfg.Tokens()
	if src == nil || cfg.Tokens() != src {
		t.Fatal("want one token source per configuration")
	}
	src.now = func() time.Time { return now }
	tok, err := src.Token()
	if err != nil || tok.Value != first || tok.Principal != "svc" || !tok.Expiry.Equal(now.Add(100*time.Second)) || tok.Extensions["k"] != "v" {
		t.Fatalf("Token() = %+v, %v", tok, err)
	}
	second := write(2, 200*time.Second)
	now = now.Add(79 * time.Second)
	if tok, _ := src.Token(); tok.Value != first {
		t.Error("read again before 80% of the token's life")
	}
	now = now.Add(2 * time.Second)
	if tok, _ := src.Token(); tok.Value != second {
		t.Error("not read again past 80% of the token's life")
	}
	// A stale file is a TokenError that says so.
	write(3, -time.Minute)
	now = now.Add(time.Hour)
	_, err = src.Token()
	var te *TokenError
	if !errors.As(err, &te) || !strings.Contains(err.Error(), "expired at") {
		t.Errorf("an expired token: %v", err)
	}
	// The franz-go path sends the same token.
	now = time.Unix(1_800_000_000, 0)
	write(4, time.Hour)
	fn, err := cfg.oauthFn(nil)
	if err != nil {
		t.Fatal(err)
	}
	if a, err := fn(context.Background()); err != nil || a.Token == "" || a.Extensions["k"] != "v" {
		t.Errorf("franz-go auth = %+v, %v", a, err)
	}
}
