//go:build e2e

package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/spf13/pflag"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/streamctl/streamctl/internal/config"
	"github.com/streamctl/streamctl/internal/kafka/clientconfig"
)

// oidcToken gets a token for client from the OIDC issuer, as a user's
// tooling would for a token file.
func oidcToken(t testing.TB, client string) string {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, k(t, "OIDC_TOKEN_ENDPOINT"), strings.NewReader("grant_type=client_credentials&scope=kafka"))
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(client, k(t, "OIDC_CLIENT_SECRET"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil || r.AccessToken == "" {
		t.Fatalf("no token from the issuer for %s: %v (HTTP %s)", client, err, resp.Status)
	}
	return r.AccessToken
}

// issued is how many tokens the OIDC issuer gave the client.
func issued(t testing.TB, client string) int {
	t.Helper()
	resp, err := http.Get(k(t, "OIDC_ISSUER") + "/stats")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var s struct {
		Issued map[string]int `json:"issued"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&s); err != nil {
		t.Fatal(err)
	}
	return s.Issued[client]
}

// OIDC tokens that live 10 seconds, on a listener where a session lasts as
// long as its token: a consumer (librdkafka) and a franz-go client keep
// working across several of their tokens' lives, getting a new token
// before each expires; without refreshes the broker would close their
// connections when the first token expires.
func TestOIDCTokensRefreshBeforeExpiry(t *testing.T) {
	t.Parallel()
	short := k(t, "OIDC_SHORT_CLIENT_ID")
	// newShortUser is a user whose profile gets the short-lived tokens.
	newShortUser := func(t *testing.T) (*user, string) {
		u := newUserNoBrokers(t)
		secret := u.writeFile("oidc.secret", []byte(k(t, "OIDC_CLIENT_SECRET")+"\n"), 0o600)
		profile := fmt.Sprintf("current_profile: short\nprofiles:\n  short:\n    brokers: [%s]\n    sasl:\n      mechanism: OAUTHBEARER\n"+
			"      oauthbearer: {method: oidc, token_endpoint: %q, client_id: %s, client_secret_file: %s}\n",
			k(t, "KAFKA_OAUTH_BOOTSTRAP"), k(t, "OIDC_TOKEN_ENDPOINT"), short, secret)
		return u, u.writeFile(".config/streamctl/config.yaml", []byte(profile), 0o600)
	}

	// consumeAcross runs a consumer of a new topic for user u, sees a record
	// produced before and one produced after wait returns.
	consumeAcross := func(t *testing.T, u *user, wait func()) {
		admin := newUser(t)
		topic := uniqueName(t, "")
		admin.run("topic", "create", topic).ok(t)
		cons := u.start("consume", topic, "-o", "raw")
		cons.stdin.Close()
		out := bufio.NewReader(cons.stdout)
		readValue := func(want string) {
			t.Helper()
			got := make(chan string, 1)
			go func() { l, _ := out.ReadString('\n'); got <- strings.TrimSpace(l) }()
			select {
			case l := <-got:
				if l != want {
					t.Fatalf("consume wrote %q, want %q\nstderr:\n%s", l, want, cons.stderr.String())
				}
			case <-time.After(time.Minute):
				t.Fatalf("consume did not write %q within a minute\nstderr:\n%s", want, cons.stderr.String())
			}
		}
		admin.runIn("before\n", "produce", topic).ok(t)
		readValue("before")
		wait()
		admin.runIn("after\n", "produce", topic).ok(t)
		readValue("after")
		if err := cons.cmd.Process.Signal(syscall.SIGINT); err != nil {
			t.Fatal(err)
		}
		if code := cons.wait(t); code != 130 {
			t.Errorf("consume exited %d after Ctrl-C\nstderr:\n%s", code, cons.stderr.String())
		}
	}

	t.Run("librdkafka consumer", func(t *testing.T) {
		u, _ := newShortUser(t)
		consumeAcross(t, u, func() {
			// The consumer's handles each get their own tokens: wait for
			// new ones, and until every token they had at "before" has
			// expired.
			first, expired := issued(t, short), time.Now().Add(10*time.Second)
			eventually(t, time.Minute, func() (bool, string) {
				n := issued(t, short)
				return n >= first+2 && time.Now().After(expired), fmt.Sprintf("%d tokens issued to the consumer's client, want %d, and the first ones expired", n, first+2)
			})
		})
	})

	t.Run("token file kept fresh by another program", func(t *testing.T) {
		// streamctl hands librdkafka's handles the file's token, and reads
		// the file again before that token expires; here the test is the
		// program (a sidecar) that keeps the file fresh.
		u := newUserNoBrokers(t)
		file := u.writeFile("kafka.token", []byte(oidcToken(t, short)), 0o600)
		expired := time.Now().Add(10 * time.Second)
		u.run("profile", "create", "short", "--brokers", k(t, "KAFKA_OAUTH_BOOTSTRAP"), "--oauth-token-file", file).ok(t)
		done := make(chan struct{})
		refreshed := make(chan struct{}, 100)
		go func() {
			for tick := time.NewTicker(3 * time.Second); ; {
				select {
				case <-done:
					tick.Stop()
					return
				case <-tick.C:
					tmp := file + ".new"
					if os.WriteFile(tmp, []byte(oidcToken(t, short)), 0o600) == nil && os.Rename(tmp, file) == nil {
						refreshed <- struct{}{}
					}
				}
			}
		}()
		defer close(done)
		consumeAcross(t, u, func() {
			eventually(t, time.Minute, func() (bool, string) {
				return len(refreshed) >= 2 && time.Now().After(expired), "the first token has not expired yet"
			})
		})
	})

	t.Run("franz-go", func(t *testing.T) {
		// In-process, to keep one franz-go client (and connection) for
		// longer than a token lives; configured by the resolver from the
		// same profile.
		_, path := newShortUser(t)
		f, err := config.Load(path)
		if err != nil {
			t.Fatal(err)
		}
		cluster, err := config.Resolve(config.NewSettings(pflag.NewFlagSet("e2e", pflag.ContinueOnError)), f, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		cc, err := clientconfig.New(cluster)
		if err != nil {
			t.Fatal(err)
		}
		opts, err := cc.FranzGo()
		if err != nil {
			t.Fatal(err)
		}
		cl, err := kgo.NewClient(opts...)
		if err != nil {
			t.Fatal(err)
		}
		defer cl.Close()
		request := func() {
			t.Helper()
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			if _, err := kmsg.NewPtrMetadataRequest().RequestWith(ctx, cl); err != nil {
				t.Fatalf("metadata over OAUTHBEARER: %v", err)
			}
		}
		request()
		// One token source per client, which keeps a token until 80% of
		// its life: two new tokens mean the first has expired.
		first := issued(t, short)
		eventually(t, time.Minute, func() (bool, string) {
			request()
			n := issued(t, short)
			return n >= first+2, fmt.Sprintf("%d tokens issued to the franz-go client, want %d", n, first+2)
		})
		request()
	})
}
