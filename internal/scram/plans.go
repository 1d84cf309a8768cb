package scram

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/output"
)

// Kafka's bounds for SCRAM iterations (ScramMechanism); 4096 is what
// kafka-configs uses when none is given.
const (
	MinIterations     = 4096
	MaxIterations     = 16384
	DefaultIterations = 4096
)

// CheckCreate checks `user create`'s user, --mechanism and --iterations,
// and returns the mechanisms to set.
func CheckCreate(user string, mechanisms []string, iterations int) ([]string, error) {
	if err := CheckUser(user); err != nil {
		return nil, err
	}
	ms, err := Mechanisms(mechanisms)
	if err != nil {
		return nil, err
	}
	if iterations < MinIterations || iterations > MaxIterations {
		return nil, exitcode.UsageError("--iterations %d: Kafka takes %d to %d", iterations, MinIterations, MaxIterations)
	}
	return ms, nil
}

// PlanCreate is the plan of setting the mechanisms' credentials for user,
// who has the credentials in have (by mechanism) already.
func PlanCreate(user string, mechanisms []string, iterations int, have map[string]kafka.ScramCredential) *Plan {
	p := &Plan{User: user}
	for _, m := range mechanisms {
		_, exists := have[m]
		p.Credentials = append(p.Credentials, Credential{Mechanism: m, Iterations: iterations, Exists: exists})
	}
	return p
}

// PlanDelete is the plan of deleting user's credentials creds, only the
// mechanisms' when some are named. Unlike create, a user without such a
// credential is an error (cluster names the cluster in it).
func PlanDelete(user string, mechanisms []string, creds []kafka.ScramCredential, cluster string) (*Plan, error) {
	p := &Plan{User: user, Credentials: []Credential{}}
	for _, c := range creds {
		if len(mechanisms) == 0 || slices.Contains(mechanisms, c.Mechanism) {
			p.Credentials = append(p.Credentials, Credential{Mechanism: c.Mechanism, Iterations: c.Iterations, Exists: true})
		}
	}
	if len(p.Credentials) == 0 {
		have := make([]string, len(creds))
		for i, c := range creds {
			have[i] = c.Mechanism
		}
		return nil, fmt.Errorf("user %q has no %s credential on cluster %q (it has %s)", user, mechanisms[0], cluster, strings.Join(have, ", "))
	}
	return p, nil
}

// Upserts are the changes that set the plan's credentials to password.
func (p *Plan) Upserts(password []byte) []kafka.ScramChange {
	var changes []kafka.ScramChange
	for _, c := range p.Credentials {
		changes = append(changes, kafka.ScramChange{User: p.User, Mechanism: c.Mechanism, Iterations: c.Iterations, Password: password})
	}
	return changes
}

// Deletions are the changes that delete the plan's credentials.
func (p *Plan) Deletions() []kafka.ScramChange {
	var changes []kafka.ScramChange
	for _, c := range p.Credentials {
		changes = append(changes, kafka.ScramChange{User: p.User, Mechanism: c.Mechanism})
	}
	return changes
}

// CreateAction says what create does to a credential.
func (p *Plan) CreateAction(c Credential) string {
	switch {
	case p.Executed && c.Exists:
		return "password changed"
	case p.Executed:
		return "created"
	case c.Exists:
		return "would change the password"
	}
	return "would create"
}

// DeleteAction says what delete does to a credential.
func (p *Plan) DeleteAction(Credential) string {
	if p.Executed {
		return "deleted"
	}
	return "would delete"
}

// ListGrid is the table of `user list`.
func ListGrid(creds []kafka.ScramCredential) *output.Grid {
	g := output.NewGrid("USER", "MECHANISM", "ITERATIONS")
	g.Empty = "No SCRAM users."
	for _, c := range creds {
		g.Row(c.User, c.Mechanism, strconv.Itoa(c.Iterations))
	}
	return g
}
