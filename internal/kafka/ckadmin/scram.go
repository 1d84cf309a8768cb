package ckadmin

import (
	"context"
	"fmt"
	"sort"

	ck "github.com/confluentinc/confluent-kafka-go/v2/kafka"
)

// ScramMechanisms are the SASL/SCRAM mechanisms Kafka keeps credentials for.
var ScramMechanisms = []string{"SCRAM-SHA-256", "SCRAM-SHA-512"}

// ScramCredential is one user's credential for one mechanism. The broker
// keeps a salted hash, never the password, so there is none to show.
type ScramCredential struct {
	User       string `json:"user" yaml:"user"`
	Mechanism  string `json:"mechanism" yaml:"mechanism"`
	Iterations int    `json:"iterations" yaml:"iterations"`
}

// UserNotFoundError: a user named on the command line has no SCRAM credentials.
type UserNotFoundError struct{ User, Cluster string }

func (e *UserNotFoundError) Error() string {
	return fmt.Sprintf("user %q has no SCRAM credentials on cluster %q (streamctl user list shows who has)", e.User, e.Cluster)
}

// DescribeScramCredentials lists the SCRAM credentials of the named users,
// or of every user when none is named, sorted by user and mechanism.
func (c *Admin) DescribeScramCredentials(ctx context.Context, users []string) ([]ScramCredential, error) {
	var res ck.DescribeUserScramCredentialsResult
	err := c.request(ctx, "describing SCRAM credentials", func(ctx context.Context) (err error) {
		res, err = c.admin.DescribeUserScramCredentials(ctx, users)
		return err
	})
	if err != nil {
		return nil, err
	}
	out := []ScramCredential{}
	for user, d := range res.Descriptions {
		switch d.Error.Code() {
		case ck.ErrNoError:
		case ck.ErrResourceNotFound:
			return nil, &UserNotFoundError{User: user, Cluster: c.cluster.Name()}
		default:
			return nil, fmt.Errorf("describing SCRAM credentials of user %q: %w", user, c.brokerError(d.Error))
		}
		for _, info := range d.ScramCredentialInfos {
			out = append(out, ScramCredential{User: user, Mechanism: info.Mechanism.String(), Iterations: info.Iterations})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].User != out[j].User {
			return out[i].User < out[j].User
		}
		return out[i].Mechanism < out[j].Mechanism
	})
	return out, nil
}

// ScramChange is a credential to set (Password non-empty) or to delete.
type ScramChange struct {
	User       string
	Mechanism  string // SCRAM-SHA-256 or SCRAM-SHA-512
	Iterations int    // set only; Kafka takes 4096 to 16384
	Password   []byte // set only; the broker stores a salted hash of it
}

// AlterScramCredentials sets and deletes SCRAM credentials; librdkafka
// makes a random salt for each one set. Kafka refuses a user twice in one
// request ("cannot be altered twice"), even for two mechanisms, so each
// change is a request of its own, in order; the first refusal stops.
func (c *Admin) AlterScramCredentials(ctx context.Context, changes []ScramChange) error {
	for _, ch := range changes {
		m, err := ck.ScramMechanismFromString(ch.Mechanism)
		if err != nil {
			return fmt.Errorf("SCRAM mechanism %q: choose SCRAM-SHA-256 or SCRAM-SHA-512", ch.Mechanism)
		}
		var ups []ck.UserScramCredentialUpsertion
		var dels []ck.UserScramCredentialDeletion
		if len(ch.Password) > 0 {
			ups = append(ups, ck.UserScramCredentialUpsertion{User: ch.User, Password: ch.Password,
				ScramCredentialInfo: ck.ScramCredentialInfo{Mechanism: m, Iterations: ch.Iterations}})
		} else {
			dels = append(dels, ck.UserScramCredentialDeletion{User: ch.User, Mechanism: m})
		}
		var res ck.AlterUserScramCredentialsResult
		err = c.request(ctx, "changing SCRAM credentials", func(ctx context.Context) (err error) {
			res, err = c.admin.AlterUserScramCredentials(ctx, ups, dels)
			return err
		})
		if err != nil {
			return err
		}
		for user, e := range res.Errors {
			if e.Code() != ck.ErrNoError {
				return fmt.Errorf("changing the %s credential of user %q: %w", ch.Mechanism, user, c.brokerError(e))
			}
		}
	}
	return nil
}
