// Package scram holds the rules of the user commands: SASL/SCRAM
// credentials kept by the cluster, their plans and their table.
package scram

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/output"
)

// Plan is what `user create|delete -o json` prints.
type Plan struct {
	User        string       `json:"user" yaml:"user"`
	Credentials []Credential `json:"credentials" yaml:"credentials"`
	Executed    bool         `json:"executed" yaml:"executed"`
}

// Credential is one mechanism of the plan.
type Credential struct {
	Mechanism  string `json:"mechanism" yaml:"mechanism"`
	Iterations int    `json:"iterations" yaml:"iterations"`
	Exists     bool   `json:"exists" yaml:"exists"` // create: the user has one and it is replaced
}

// Grid is the plan's table; action says what happens to each credential.
func (p *Plan) Grid(action func(c Credential) string) *output.Grid {
	g := output.NewGrid("USER", "MECHANISM", "ITERATIONS", "ACTION")
	for _, c := range p.Credentials {
		g.Row(p.User, c.Mechanism, strconv.Itoa(c.Iterations), action(c))
	}
	return g
}

// CheckUser refuses a name SCRAM cannot carry.
func CheckUser(name string) error {
	if strings.TrimSpace(name) == "" || strings.ContainsAny(name, ",=") {
		return exitcode.UsageError("user name %q: want a name without ',' or '=' (SCRAM's separators)", name)
	}
	return nil
}

// Mechanisms reads --mechanism: every SCRAM mechanism Kafka has when
// none is given.
func Mechanisms(flag []string) ([]string, error) {
	if len(flag) == 0 {
		return kafka.ScramMechanisms, nil
	}
	var out []string
	for _, m := range flag {
		m = strings.ToUpper(strings.TrimSpace(m))
		if !slices.Contains(kafka.ScramMechanisms, m) {
			return nil, exitcode.UsageError("--mechanism %q: choose %s", m, strings.Join(kafka.ScramMechanisms, " or "))
		}
		if !slices.Contains(out, m) {
			out = append(out, m)
		}
	}
	return out, nil
}

// Existing returns the user's credentials by mechanism; none for a user
// without any.
func Existing(ctx context.Context, client *kafka.Client, user string) (map[string]kafka.ScramCredential, error) {
	creds, err := client.DescribeScramCredentials(ctx, []string{user})
	if _, missing := err.(*kafka.UserNotFoundError); missing {
		return map[string]kafka.ScramCredential{}, nil
	}
	if err != nil {
		return nil, err
	}
	out := map[string]kafka.ScramCredential{}
	for _, c := range creds {
		out[c.Mechanism] = c
	}
	return out, nil
}

// appliedWithin bounds the wait for a change to show.
const appliedWithin = 15 * time.Second

// Apply makes the changes and waits until the brokers describe them. They
// answer AlterUserScramCredentials once the controller has the change and
// describe credentials from the metadata log a moment later, so `user create
// --execute && user delete` found no user now and then on a busy broker
// (acl create and client-metrics wait the same way).
func Apply(ctx context.Context, client *kafka.Client, changes []kafka.ScramChange) error {
	if err := client.AlterScramCredentials(ctx, changes); err != nil {
		return err
	}
	for _, ch := range changes {
		notShown := fmt.Errorf("the %s credential of user %q was changed, but the brokers do not show it after %s", ch.Mechanism, ch.User, appliedWithin)
		if err := kafka.AwaitShown(ctx, appliedWithin, notShown, func(ctx context.Context) (bool, error) {
			have, err := Existing(ctx, client, ch.User)
			_, ok := have[ch.Mechanism]
			return err == nil && ok == (len(ch.Password) > 0), err
		}); err != nil {
			return err
		}
	}
	return nil
}
