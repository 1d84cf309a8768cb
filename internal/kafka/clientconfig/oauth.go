package clientconfig

import (
	"context"
	"crypto/tls"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/sasl/oauth"
)

// The OAUTHBEARER token sources librdkafka has, and so franz-go gets too:
// librdkafka's unsecured JWT (enable.sasl.oauthbearer.unsecure.jwt with
// sasl.oauthbearer.config), and OpenID Connect client credentials
// (sasl.oauthbearer.method=oidc), which the profile's sasl.oauthbearer block
// writes.

// oauthMethod says which token source the properties ask for: "oidc",
// "unsecured", "token" (the profile's sasl.oauthbearer method token, which
// librdkafka has no property for), or "" for none.
func (c *Config) oauthMethod() string {
	if strings.EqualFold(c.props["sasl.oauthbearer.method"], "oidc") {
		return "oidc"
	}
	if b, _ := strconv.ParseBool(c.props["enable.sasl.oauthbearer.unsecure.jwt"]); b {
		return "unsecured"
	}
	if s := c.cluster.SASL; s != nil && s.OAuthBearer != nil && strings.EqualFold(s.OAuthBearer.Method, "token") {
		return "token"
	}
	return ""
}

// checkOAuth refuses an OAUTHBEARER configuration without a token source:
// librdkafka would wait for the application to hand it tokens, which
// streamctl does not, and every request would time out.
func (c *Config) checkOAuth() error {
	switch c.oauthMethod() {
	case "oidc":
		needs := []string{"sasl.oauthbearer.token.endpoint.url", "sasl.oauthbearer.client.id", "sasl.oauthbearer.client.secret"}
		switch g := c.props["sasl.oauthbearer.grant.type"]; g {
		case "", "client_credentials":
		case jwtBearerGrant:
			needs = needs[:1]
			if _, err := c.assertionConfig(); err != nil {
				return err
			}
		default:
			return fmt.Errorf("%s=%s: want client_credentials or %s", c.setting("sasl.oauthbearer.grant.type"), g, jwtBearerGrant)
		}
		var missing []string
		for _, k := range needs {
			if c.props[k] == "" {
				missing = append(missing, k)
			}
		}
		if len(missing) > 0 {
			return fmt.Errorf("sasl.oauthbearer.method=oidc needs %s (the profile's sasl.oauthbearer block: token_endpoint, client_id, client_secret_env)", strings.Join(missing, ", "))
		}
	case "unsecured":
		if _, err := parseUnsecuredConfig(c.props["sasl.oauthbearer.config"]); err != nil {
			return fmt.Errorf("%s: %w", c.setting("sasl.oauthbearer.config"), err)
		}
	case "token":
	default:
		return errors.New("SASL mechanism OAUTHBEARER needs a token source: a sasl.oauthbearer block in the profile, with method oidc (`streamctl profile create --oidc-token-endpoint ...`) or method token (`--oauth-token-file`), or librdkafka's unsecured test tokens (-X enable.sasl.oauthbearer.unsecure.jwt=true -X sasl.oauthbearer.config=principal=NAME)")
	}
	return nil
}

// TokenError is a failure to get an OAUTHBEARER token from the provider: an
// authentication failure as much as the broker refusing one.
type TokenError struct {
	Endpoint string
	Detail   string
}

func (e *TokenError) Error() string {
	return fmt.Sprintf("getting an OAUTHBEARER token from %s: %s", e.Endpoint, e.Detail)
}

// unsecuredConfig is librdkafka's sasl.oauthbearer.config for unsecured
// JWTs: space-separated name=value pairs.
type unsecuredConfig struct {
	principal, principalClaim string
	scope                     []string
	scopeClaim                string
	life                      time.Duration
	extensions                map[string]string
}

func parseUnsecuredConfig(s string) (*unsecuredConfig, error) {
	u := &unsecuredConfig{principalClaim: "sub", scopeClaim: "scope", life: time.Hour, extensions: map[string]string{}}
	for _, field := range strings.Fields(s) {
		k, v, ok := strings.Cut(field, "=")
		if !ok {
			return nil, fmt.Errorf("%q: want name=value", field)
		}
		switch {
		case k == "principal":
			u.principal = v
		case k == "principalClaimName":
			u.principalClaim = v
		case k == "scope":
			u.scope = strings.Split(v, ",")
		case k == "scopeClaimName":
			u.scopeClaim = v
		case k == "lifeSeconds":
			n, err := strconv.Atoi(v)
			if err != nil || n <= 0 {
				return nil, fmt.Errorf("lifeSeconds %q: want a positive number", v)
			}
			u.life = time.Duration(n) * time.Second
		case strings.HasPrefix(k, "extension_"):
			u.extensions[strings.TrimPrefix(k, "extension_")] = v
		default:
			return nil, fmt.Errorf("unknown field %q (librdkafka knows principal, principalClaimName, scope, scopeClaimName, lifeSeconds, extension_NAME)", k)
		}
	}
	if u.principal == "" {
		return nil, errors.New("unsecured JWTs need principal=NAME")
	}
	return u, nil
}

// token builds the unsecured JWT librdkafka builds: header {"alg":"none"},
// the principal, iat, exp and the scope, and no signature.
func (u *unsecuredConfig) token(now time.Time) string {
	claims := map[string]any{u.principalClaim: u.principal, "iat": now.Unix(), "exp": now.Add(u.life).Unix()}
	if len(u.scope) > 0 {
		claims[u.scopeClaim] = u.scope
	}
	payload, _ := json.Marshal(claims)
	enc := base64.RawURLEncoding
	return enc.EncodeToString([]byte(`{"alg":"none"}`)) + "." + enc.EncodeToString(payload) + "."
}

// oauthFn is the franz-go OAUTHBEARER token function for the properties.
func (c *Config) oauthFn(httpTLS *tls.Config) (func(context.Context) (oauth.Auth, error), error) {
	switch c.oauthMethod() {
	case "unsecured":
		u, err := parseUnsecuredConfig(c.props["sasl.oauthbearer.config"])
		if err != nil {
			return nil, err
		}
		return func(context.Context) (oauth.Auth, error) {
			return oauth.Auth{Token: u.token(time.Now()), Extensions: u.extensions}, nil
		}, nil
	case "token":
		src := c.Tokens()
		return func(context.Context) (oauth.Auth, error) {
			tok, err := src.Token()
			return oauth.Auth{Token: tok.Value, Extensions: tok.Extensions}, err
		}, nil
	case "oidc":
		s, err := c.newOIDCSource(httpTLS)
		if err != nil {
			return nil, err
		}
		return s.auth, nil
	}
	return nil, c.checkOAuth()
}

// newOIDCSource is the token source of sasl.oauthbearer.method=oidc.
func (c *Config) newOIDCSource(httpTLS *tls.Config) (*oidcSource, error) {
	var assertion *assertionConfig
	if c.props["sasl.oauthbearer.grant.type"] == jwtBearerGrant {
		var err error
		if assertion, err = c.assertionConfig(); err != nil {
			return nil, err
		}
	}
	ext, err := parseExtensions(c.props["sasl.oauthbearer.extensions"])
	if err != nil {
		return nil, fmt.Errorf("%s: %w", c.setting("sasl.oauthbearer.extensions"), err)
	}
	return &oidcSource{
		assertion: assertion,
		endpoint:  c.props["sasl.oauthbearer.token.endpoint.url"],
		clientID:  c.props["sasl.oauthbearer.client.id"],
		secret:    c.props["sasl.oauthbearer.client.secret"],
		scope:     c.props["sasl.oauthbearer.scope"],
		ext:       ext,
		http:      &http.Client{Transport: &http.Transport{TLSClientConfig: httpTLS, Proxy: http.ProxyFromEnvironment}},
		now:       time.Now,
	}, nil
}

// parseExtensions reads librdkafka's sasl.oauthbearer.extensions, "k=v,k=v".
func parseExtensions(s string) (map[string]string, error) {
	if s == "" {
		return nil, nil
	}
	ext := map[string]string{}
	for _, kv := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("%q: want key=value,key=value", s)
		}
		ext[k] = v
	}
	return ext, nil
}

// oidcSource gets tokens as librdkafka's sasl.oauthbearer.method=oidc
// does: with the OAuth client credentials grant (the client's id and secret
// in HTTP basic auth, grant_type and scope in the form), or the JWT bearer
// grant (an assertion instead of a secret); and keeps each until 80% of its
// life has passed, when librdkafka also refreshes. franz-go asks for a
// token at every connection and re-authentication.
type oidcSource struct {
	assertion                         *assertionConfig // the jwt-bearer grant's, nil for client credentials
	endpoint, clientID, secret, scope string
	ext                               map[string]string
	http                              *http.Client
	now                               func() time.Time

	mu        sync.Mutex
	token     string
	refreshAt time.Time
}

func (s *oidcSource) auth(ctx context.Context) (oauth.Auth, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	if s.token == "" || !now.Before(s.refreshAt) {
		tok, life, err := s.fetch(ctx)
		if err != nil {
			return oauth.Auth{}, err
		}
		s.token, s.refreshAt = tok, now.Add(life*8/10)
	}
	return oauth.Auth{Token: s.token, Extensions: s.ext}, nil
}

func (s *oidcSource) fetch(ctx context.Context) (string, time.Duration, error) {
	form := url.Values{"grant_type": {"client_credentials"}}
	if s.assertion != nil {
		a, err := s.assertion.assertion(s.now())
		if err != nil {
			return "", 0, &TokenError{Endpoint: s.endpoint, Detail: "making the JWT assertion: " + err.Error()}
		}
		form = url.Values{"grant_type": {jwtBearerGrant}, "assertion": {a}}
	}
	if s.scope != "" {
		form.Set("scope", s.scope)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return "", 0, &TokenError{Endpoint: s.endpoint, Detail: err.Error()}
	}
	if s.assertion == nil {
		// As librdkafka sends them: not form-encoded first (RFC 6749
		// 2.3.1 says to), which providers that decode would notice only
		// for an id or secret with characters such as '+', '%' or ':'.
		req.SetBasicAuth(s.clientID, s.secret)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := s.http.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return "", 0, &TokenError{Endpoint: s.endpoint, Detail: err.Error()}
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	var r struct {
		AccessToken string  `json:"access_token"`
		IDToken     string  `json:"id_token"` // what some providers answer the jwt-bearer grant with (librdkafka takes it)
		ExpiresIn   float64 `json:"expires_in"`
		Error       string  `json:"error"`
		Description string  `json:"error_description"`
	}
	jsonErr := json.Unmarshal(body, &r)
	if resp.StatusCode != http.StatusOK {
		detail := resp.Status
		if r.Error != "" {
			detail += ": " + strings.TrimSpace(r.Error+" "+r.Description)
		}
		return "", 0, &TokenError{Endpoint: s.endpoint, Detail: detail + " (check the profile's sasl.oauthbearer client_id and client secret)"}
	}
	if r.AccessToken == "" && s.assertion != nil {
		r.AccessToken = r.IDToken
	}
	if jsonErr != nil || r.AccessToken == "" {
		return "", 0, &TokenError{Endpoint: s.endpoint, Detail: "the answer has no access_token"}
	}
	life := time.Duration(r.ExpiresIn * float64(time.Second))
	if exp, ok := jwtExpiry(r.AccessToken); ok {
		life = exp.Sub(s.now())
		if life <= 0 {
			// librdkafka refuses such a token too, before sending it.
			return "", 0, &TokenError{Endpoint: s.endpoint, Detail: fmt.Sprintf("the provider issued a token that expired at %s (%s ago): check the provider, and this machine's clock", exp.UTC().Format(time.RFC3339), -life.Round(time.Second))}
		}
	}
	return r.AccessToken, life, nil
}

// jwtExpiry reads a JWT's exp claim, without checking the signature (the
// broker does that).
func jwtExpiry(token string) (time.Time, bool) {
	claims, ok := jwtClaims(token)
	if !ok {
		return time.Time{}, false
	}
	exp, ok := claims["exp"].(float64)
	if !ok {
		return time.Time{}, false
	}
	return time.Unix(int64(exp), 0), true
}

// jwtClaim reads a string claim of a JWT.
func jwtClaim(token, name string) (string, bool) {
	claims, ok := jwtClaims(token)
	if !ok {
		return "", false
	}
	v, ok := claims[name].(string)
	return v, ok
}

func jwtClaims(token string) (map[string]any, bool) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, false
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return nil, false
	}
	var claims map[string]any
	if json.Unmarshal(payload, &claims) != nil {
		return nil, false
	}
	return claims, true
}

// Token is an OAUTHBEARER token with what librdkafka wants to know of it.
type Token struct {
	Value      string
	Expiry     time.Time
	Principal  string
	Extensions map[string]string
}

// TokenSource hands out the profile's token (sasl.oauthbearer method
// token). librdkafka cannot get such a token itself: the engines' handles
// take it from here, and again before it expires.
type TokenSource struct {
	file  string // re-read when the token read last is 80% through its life
	ext   map[string]string
	now   func() time.Time
	mu    sync.Mutex
	tok   Token
	fresh time.Time // until when tok is kept
}

// unknownLife is how long a token whose expiry cannot be read (not a JWT)
// is taken to live: librdkafka needs a lifetime, and a token file is read
// again before it ends.
const unknownLife = time.Hour

// Tokens is the token source of the profile's sasl.oauthbearer method
// token, nil for every other way to get tokens. One per Config: every
// handle made from it shares it.
func (c *Config) Tokens() *TokenSource {
	if c.oauthMethod() != "token" {
		return nil
	}
	c.tokensOnce.Do(func() {
		o := c.cluster.SASL.OAuthBearer
		c.tokens = &TokenSource{file: o.TokenFile, ext: o.Extensions, now: time.Now}
		c.tokens.set(c.cluster.Token())
	})
	return c.tokens
}

func (s *TokenSource) set(value string) {
	now := s.now()
	tok := Token{Value: value, Expiry: now.Add(unknownLife), Principal: "streamctl", Extensions: s.ext}
	if exp, ok := jwtExpiry(value); ok {
		tok.Expiry = exp
	}
	if sub, ok := jwtClaim(value, "sub"); ok && sub != "" {
		tok.Principal = sub
	}
	s.tok, s.fresh = tok, now.Add(tok.Expiry.Sub(now)*8/10)
}

// Token is the current token: the file read again once the last one read
// is 80% through its life.
func (s *TokenSource) Token() (Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.file != "" && !s.now().Before(s.fresh) {
		b, err := os.ReadFile(s.file)
		if err != nil {
			return Token{}, &TokenError{Endpoint: s.file, Detail: err.Error()}
		}
		s.set(strings.TrimSpace(string(b)))
	}
	if s.tok.Value == "" {
		return Token{}, errors.New("sasl.oauthbearer: the token is empty")
	}
	if !s.tok.Expiry.After(s.now()) {
		where := "sasl.oauthbearer.token"
		if s.file != "" {
			where = s.file
		}
		return s.tok, &TokenError{Endpoint: where, Detail: fmt.Sprintf("the token expired at %s: put a fresh one there", s.tok.Expiry.UTC().Format(time.RFC3339))}
	}
	return s.tok, nil
}
