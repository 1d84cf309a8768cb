package config

import "strings"

// Redacted is what stands in for a secret in any output.
const Redacted = "[redacted]"

// IsSensitiveProperty reports whether a librdkafka property holds a secret.
func IsSensitiveProperty(key string) bool {
	k := strings.ToLower(key)
	return strings.Contains(k, "password") || strings.Contains(k, "secret") ||
		k == "sasl.oauthbearer.config" || k == "ssl.key.pem" || k == "ssl_key"
}

// Redacted returns a copy of the profile with every secret replaced, for
// `profile show` and logs. Where the secret comes from (env name, file path)
// stays visible: it is not itself a secret and helps debugging.
func (p *Profile) Redacted() *Profile {
	c := *p
	if p.SASL != nil {
		s := *p.SASL
		if s.Password != "" {
			s.Password = Redacted
		}
		if s.OAuthBearer != nil {
			o := *s.OAuthBearer
			if o.ClientSecret != "" {
				o.ClientSecret = Redacted
			}
			if o.Token != "" {
				o.Token = Redacted
			}
			s.OAuthBearer = &o
		}
		c.SASL = &s
	}
	if p.SchemaRegistry != nil {
		c.SchemaRegistry = p.SchemaRegistry.redacted()
	}
	if p.Properties != nil {
		c.Properties = make(map[string]string, len(p.Properties))
		for k, v := range p.Properties {
			if IsSensitiveProperty(k) {
				v = Redacted
			}
			c.Properties[k] = v
		}
	}
	return &c
}

// Scrubber replaces known secret values in free text such as log lines.
type Scrubber struct{ r *strings.Replacer }

// NewScrubber builds a scrubber for the given secrets.
func NewScrubber(secrets []string) *Scrubber {
	var pairs []string
	for _, s := range secrets {
		if s != "" {
			pairs = append(pairs, s, Redacted)
		}
	}
	if len(pairs) == 0 {
		return &Scrubber{}
	}
	return &Scrubber{r: strings.NewReplacer(pairs...)}
}

// Scrub returns s without secrets.
func (s *Scrubber) Scrub(text string) string {
	if s == nil || s.r == nil {
		return text
	}
	return s.r.Replace(text)
}
