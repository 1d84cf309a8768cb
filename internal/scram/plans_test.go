package scram

import (
	"strings"
	"testing"

	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/kafka"
)

// user create checks its flags, plans a credential per mechanism (saying
// which it replaces), and sets them all to the one password.
func TestPlanCreate(t *testing.T) {
	for _, c := range []struct {
		user  string
		mechs []string
		iter  int
		want  string
	}{
		{"a,b", nil, 4096, "user name \"a,b\""},
		{"etl", []string{"SCRAM-SHA-1"}, 4096, "--mechanism \"SCRAM-SHA-1\""},
		{"etl", nil, 100, "--iterations 100: Kafka takes 4096 to 16384"},
		{"etl", nil, 20000, "--iterations 20000"},
	} {
		if _, err := CheckCreate(c.user, c.mechs, c.iter); err == nil || !strings.Contains(err.Error(), c.want) || !exitcode.IsUsage(err) {
			t.Errorf("%+v: want a usage error with %q, got %v", c, c.want, err)
		}
	}
	ms, err := CheckCreate("etl", nil, DefaultIterations)
	if err != nil || len(ms) != 2 {
		t.Fatalf("defaults: %v, %v", ms, err)
	}
	p := PlanCreate("etl", ms, 8192, map[string]kafka.ScramCredential{"SCRAM-SHA-512": {}})
	if got := []string{p.CreateAction(p.Credentials[0]), p.CreateAction(p.Credentials[1])}; got[0] != "would create" || got[1] != "would change the password" {
		t.Errorf("actions %q (mechanisms %+v)", got, p.Credentials)
	}
	changes := p.Upserts([]byte("pw"))
	if len(changes) != 2 || changes[0].Iterations != 8192 || string(changes[1].Password) != "pw" || changes[0].User != "etl" {
		t.Errorf("changes %+v", changes)
	}
	p.Executed = true
	if got := p.CreateAction(p.Credentials[1]); got != "password changed" {
		t.Errorf("executed: %q", got)
	}
}

// user delete deletes what the user has, of the mechanisms named; asking
// for one the user lacks is an error naming what it has.
func TestPlanDelete(t *testing.T) {
	creds := []kafka.ScramCredential{{User: "etl", Mechanism: "SCRAM-SHA-256", Iterations: 4096}}
	p, err := PlanDelete("etl", nil, creds, "prod")
	if err != nil || len(p.Credentials) != 1 || p.DeleteAction(p.Credentials[0]) != "would delete" {
		t.Fatalf("plan %+v, %v", p, err)
	}
	if d := p.Deletions(); len(d) != 1 || d[0].Password != nil || d[0].Mechanism != "SCRAM-SHA-256" {
		t.Errorf("deletions %+v", d)
	}
	_, err = PlanDelete("etl", []string{"SCRAM-SHA-512"}, creds, "prod")
	if err == nil || err.Error() != `user "etl" has no SCRAM-SHA-512 credential on cluster "prod" (it has SCRAM-SHA-256)` {
		t.Errorf("a missing mechanism: %v", err)
	}
}
