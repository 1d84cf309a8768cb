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
// "unsecured", or "" for none.
func (c *Config) oauthMethod() string {
	if strings.EqualFold(c.props["sasl.oauthbearer.method"], "oidc") {
		return "oidc"
	}
	if b, _ := strconv.ParseBool(c.props["enable.sasl.oauthbearer.unsecure.jwt"]); b {
		return "unsecured"
	}
	return ""
}

// checkOAuth refuses an OAUTHBEARER configuration without a token source:
// librdkafka would wait for the application to hand it tokens, which
// streamctl does not, and every request would time out.
func (c *Config) checkOAuth() error {
	switch c.oauthMethod() {
	case "oidc":
		var missing []string
		for _, k := range []string{"sasl.oauthbearer.token.endpoint.url", "sasl.oauthbearer.client.id", "sasl.oauthbearer.client.secret"} {
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
	default:
		return errors.New("SASL mechanism OAUTHBEARER needs a token source: a sasl.oauthbearer block with method: oidc in the profile (`streamctl profile create --oidc-token-endpoint ...`), or librdkafka's unsecured test tokens (-X enable.sasl.oauthbearer.unsecure.jwt=true -X sasl.oauthbearer.config=principal=NAME)")
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
	if g := c.props["sasl.oauthbearer.grant.type"]; g != "" && g != "client_credentials" {
		return nil, fmt.Errorf("%s=%s is not supported on this path (client_credentials is)", c.setting("sasl.oauthbearer.grant.type"), g)
	}
	ext, err := parseExtensions(c.props["sasl.oauthbearer.extensions"])
	if err != nil {
		return nil, fmt.Errorf("%s: %w", c.setting("sasl.oauthbearer.extensions"), err)
	}
	return &oidcSource{
		endpoint: c.props["sasl.oauthbearer.token.endpoint.url"],
		clientID: c.props["sasl.oauthbearer.client.id"],
		secret:   c.props["sasl.oauthbearer.client.secret"],
		scope:    c.props["sasl.oauthbearer.scope"],
		ext:      ext,
		http:     &http.Client{Transport: &http.Transport{TLSClientConfig: httpTLS, Proxy: http.ProxyFromEnvironment}},
		now:      time.Now,
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

// oidcSource gets tokens with the OAuth client credentials grant, as
// librdkafka's sasl.oauthbearer.method=oidc does (the client's id and
// secret in HTTP basic auth, grant_type and scope in the form), and keeps
// each until 80% of its life has passed, when librdkafka also refreshes.
// franz-go asks for a token at every connection and re-authentication.
type oidcSource struct {
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
	if s.scope != "" {
		form.Set("scope", s.scope)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return "", 0, &TokenError{Endpoint: s.endpoint, Detail: err.Error()}
	}
	req.SetBasicAuth(url.QueryEscape(s.clientID), url.QueryEscape(s.secret)) // RFC 6749 2.3.1
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
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return time.Time{}, false
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return time.Time{}, false
	}
	var claims struct {
		Exp *float64 `json:"exp"`
	}
	if json.Unmarshal(payload, &claims) != nil || claims.Exp == nil {
		return time.Time{}, false
	}
	return time.Unix(int64(*claims.Exp), 0), true
}
