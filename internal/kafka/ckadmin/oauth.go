package ckadmin

import (
	"time"

	ck "github.com/confluentinc/confluent-kafka-go/v2/kafka"

	"github.com/streamctl/streamctl/internal/kafka/clientconfig"
)

// PushTokens gives a librdkafka handle the profile's OAUTHBEARER tokens
// when librdkafka cannot get them itself (sasl.oauthbearer method token):
// one now, before the handle first connects, and a new one before each
// expires (librdkafka asks for one then, but only handles whose events
// someone reads would hear it). set hands a token to the handle, fail says
// why there is none. stop ends the pushing; call it before the handle is
// destroyed.
func (c *Admin) PushTokens(set func(clientconfig.Token) error, fail func(string)) (stop func()) {
	src := c.conf.Tokens()
	if src == nil {
		return func() {}
	}
	push := func() time.Duration {
		tok, err := src.Token()
		if err == nil {
			err = set(tok)
		}
		if err != nil {
			msg := c.scrub.Scrub(err.Error())
			c.log.Debug("OAUTHBEARER token", "error", msg)
			fail(msg)
			return 10 * time.Second
		}
		return max(time.Until(tok.Expiry)*8/10, time.Second)
	}
	next := push()
	done, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		t := time.NewTimer(next)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				t.Reset(push())
			}
		}
	}()
	return func() {
		close(done)
		<-stopped
	}
}

// handleTokens pushes tokens to a confluent-kafka-go handle.
func (c *Admin) handleTokens(h ck.Handle) (stop func()) {
	return c.PushTokens(func(t clientconfig.Token) error {
		return h.SetOAuthBearerToken(ck.OAuthBearerToken{TokenValue: t.Value, Expiration: t.Expiry, Principal: t.Principal, Extensions: t.Extensions})
	}, func(msg string) { _ = h.SetOAuthBearerTokenFailure(msg) })
}
