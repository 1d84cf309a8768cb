package clientconfig

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"os"
	"strconv"
	"strings"
	"time"
)

// The OAuth JWT bearer grant (RFC 7523), librdkafka's
// sasl.oauthbearer.grant.type=urn:ietf:params:oauth:grant-type:jwt-bearer:
// instead of a client secret, the client proves itself with a JWT it signs
// (an assertion), or one it is given in a file.

const jwtBearerGrant = "urn:ietf:params:oauth:grant-type:jwt-bearer"

// assertionConfig is how to make the assertion, from librdkafka's
// sasl.oauthbearer.assertion.* properties.
type assertionConfig struct {
	file       string // a ready-made assertion, read at every token request
	key        crypto.Signer
	alg        string // RS256 or ES256
	template   string // JSON {"header": {...}, "payload": {...}}
	sub        string
	iss        string
	aud        string
	expSeconds int
	nbfSeconds int
	jti        bool
}

func (c *Config) assertionConfig() (*assertionConfig, error) {
	a := &assertionConfig{file: c.props["sasl.oauthbearer.assertion.file"], alg: "RS256", expSeconds: 300, nbfSeconds: 60,
		template: c.props["sasl.oauthbearer.assertion.jwt.template.file"],
		sub:      c.props["sasl.oauthbearer.assertion.claim.sub"], iss: c.props["sasl.oauthbearer.assertion.claim.iss"],
		aud: c.props["sasl.oauthbearer.assertion.claim.aud"]}
	if a.file != "" {
		return a, nil
	}
	if v := c.props["sasl.oauthbearer.assertion.algorithm"]; v != "" {
		a.alg = strings.ToUpper(v)
		if a.alg != "RS256" && a.alg != "ES256" {
			return nil, fmt.Errorf("%s=%s: want RS256 or ES256", c.setting("sasl.oauthbearer.assertion.algorithm"), v)
		}
	}
	for _, n := range []struct {
		key string
		to  *int
	}{{"sasl.oauthbearer.assertion.claim.exp.seconds", &a.expSeconds}, {"sasl.oauthbearer.assertion.claim.nbf.seconds", &a.nbfSeconds}} {
		if v := c.props[n.key]; v != "" {
			s, err := strconv.Atoi(v)
			if err != nil || s < 0 {
				return nil, fmt.Errorf("%s=%s: want seconds", c.setting(n.key), v)
			}
			*n.to = s
		}
	}
	if v := c.props["sasl.oauthbearer.assertion.claim.jti.include"]; v != "" {
		a.jti, _ = strconv.ParseBool(v)
	}
	keyPEM, err := c.pemBytes("sasl.oauthbearer.assertion.private.key.file", "sasl.oauthbearer.assertion.private.key.pem")
	if err != nil {
		return nil, err
	}
	if keyPEM == nil {
		return nil, errors.New("the jwt-bearer grant needs sasl.oauthbearer.assertion.file, or a key to sign one with: sasl.oauthbearer.assertion.private.key.file (or .pem)")
	}
	where := c.setting("sasl.oauthbearer.assertion.private.key.file")
	if c.props["sasl.oauthbearer.assertion.private.key.pem"] != "" {
		where = c.setting("sasl.oauthbearer.assertion.private.key.pem")
	}
	pass, hasPass := c.props["sasl.oauthbearer.assertion.private.key.passphrase"]
	if a.key, err = parsePrivateKey(keyPEM, where, pass, hasPass, "sasl.oauthbearer.assertion.private.key.passphrase"); err != nil {
		return nil, err
	}
	switch a.key.(type) {
	case *rsa.PrivateKey:
		if a.alg != "RS256" {
			return nil, fmt.Errorf("%s: an RSA key signs RS256, not %s", where, a.alg)
		}
	case *ecdsa.PrivateKey:
		if a.alg != "ES256" {
			return nil, fmt.Errorf("%s: an EC key signs ES256: set sasl.oauthbearer.assertion.algorithm=ES256", where)
		}
	default:
		return nil, fmt.Errorf("%s: a %T key cannot sign RS256 or ES256", where, a.key)
	}
	return a, nil
}

// assertion is the JWT to send: the file's, or one signed now with the
// claims librdkafka puts in (iat, exp, nbf, and sub, iss, aud, jti when
// configured) over the template's.
func (a *assertionConfig) assertion(now time.Time) (string, error) {
	if a.file != "" {
		b, err := os.ReadFile(a.file)
		if err != nil {
			return "", err
		}
		return strings.TrimSpace(string(b)), nil
	}
	header, payload := map[string]any{}, map[string]any{}
	if a.template != "" {
		b, err := os.ReadFile(a.template)
		if err != nil {
			return "", err
		}
		var t struct {
			Header  map[string]any `json:"header"`
			Payload map[string]any `json:"payload"`
		}
		if err := json.Unmarshal(b, &t); err != nil || t.Header == nil || t.Payload == nil {
			return "", fmt.Errorf("%s: want a JSON object with \"header\" and \"payload\" objects", a.template)
		}
		header, payload = t.Header, t.Payload
	}
	header["alg"], header["typ"] = a.alg, "JWT"
	iat := now.Unix()
	payload["iat"], payload["exp"], payload["nbf"] = iat, iat+int64(a.expSeconds), iat-int64(a.nbfSeconds)
	for k, v := range map[string]string{"sub": a.sub, "iss": a.iss, "aud": a.aud} {
		if v != "" {
			payload[k] = v
		}
	}
	if a.jti {
		payload["jti"] = randomUUID()
	}
	h, _ := json.Marshal(header)
	p, err := json.Marshal(payload)
	if err != nil {
		return "", err
	}
	enc := base64.RawURLEncoding
	input := enc.EncodeToString(h) + "." + enc.EncodeToString(p)
	sum := sha256.Sum256([]byte(input))
	var sig []byte
	switch k := a.key.(type) {
	case *rsa.PrivateKey:
		sig, err = rsa.SignPKCS1v15(rand.Reader, k, crypto.SHA256, sum[:])
	case *ecdsa.PrivateKey:
		// JOSE's ES256 is r and s, 32 bytes each (RFC 7518 3.4), not DER.
		var r, s *big.Int
		if r, s, err = ecdsa.Sign(rand.Reader, k, sum[:]); err == nil {
			sig = make([]byte, 64)
			r.FillBytes(sig[:32])
			s.FillBytes(sig[32:])
		}
	}
	if err != nil {
		return "", err
	}
	return input + "." + enc.EncodeToString(sig), nil
}

func randomUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}
