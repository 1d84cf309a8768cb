package quota

import (
	"context"
	"strings"
	"testing"

	"github.com/streamctl/streamctl/internal/kafka"
)

// fakeCluster keeps quota entries in memory.
type fakeCluster struct{ entries []kafka.QuotaEntry }

func (f *fakeCluster) DescribeClientQuotas(ctx context.Context, flt kafka.QuotaFilter) ([]kafka.QuotaEntry, error) {
	return f.entries, nil
}

func (f *fakeCluster) AlterClientQuotas(ctx context.Context, a kafka.QuotaAlteration, validateOnly bool) error {
	return nil
}

func entity(parts ...kafka.QuotaEntityPart) kafka.QuotaEntity { return parts }

var (
	alice    = kafka.QuotaEntityPart{Type: User, Name: "alice"}
	anyUser  = kafka.QuotaEntityPart{Type: User, Default: true}
	billing  = kafka.QuotaEntityPart{Type: ClientID, Name: "billing"}
	anyClnt  = kafka.QuotaEntityPart{Type: ClientID, Default: true}
	producer = "producer_byte_rate"
)

// Each quota applies from the most specific entity that sets it, in
// Kafka's order.
func TestPrecedence(t *testing.T) {
	all := []kafka.QuotaEntry{
		{Entity: entity(anyClnt), Values: map[string]float64{producer: 8}},
		{Entity: entity(billing), Values: map[string]float64{producer: 7}},
		{Entity: entity(anyUser), Values: map[string]float64{producer: 6}},
		{Entity: entity(anyUser, anyClnt), Values: map[string]float64{producer: 5}},
		{Entity: entity(anyUser, billing), Values: map[string]float64{producer: 4}},
		{Entity: entity(alice), Values: map[string]float64{producer: 3}},
		{Entity: entity(alice, anyClnt), Values: map[string]float64{producer: 2}},
		{Entity: entity(alice, billing), Values: map[string]float64{producer: 1}},
	}
	for n := len(all); n > 0; n-- {
		c := &fakeCluster{entries: all[:n]}
		d, err := Describe(context.Background(), c, entity(alice, billing))
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Applied) != 1 || d.Applied[0].Value != Value(9-n) || d.Applied[0].From.String() != all[n-1].Entity.String() {
			t.Errorf("with the %d least specific entries, alice with billing gets %+v, want %d from %s", n, d.Applied, 9-n, all[n-1].Entity)
		}
	}
	// A user without a quota of its own gets the defaults; a named client
	// id's quota only applies to that client id.
	d, _ := Describe(context.Background(), &fakeCluster{entries: []kafka.QuotaEntry{all[1], all[2]}}, entity(alice))
	if len(d.Applied) != 1 || d.Applied[0].Value != 6 {
		t.Errorf("alice alone: %+v, want the default user's 6", d.Applied)
	}
}

func TestParseEntityAndSet(t *testing.T) {
	e, err := ParseEntity([]string{"client=billing", "users=alice"}, nil)
	if err != nil || e.String() != `user "alice" with client-id "billing"` {
		t.Errorf("ParseEntity: %v, %v", e, err)
	}
	for _, bad := range []struct {
		names, defaults []string
		want            string
	}{
		{[]string{"topic=x"}, nil, `unknown entity type "topic"`},
		{[]string{"user"}, nil, "want TYPE=NAME"},
		{[]string{"user=a", "user=b"}, nil, "names user twice"},
		{[]string{"ip=1.2.3.4"}, []string{"user"}, "an ip quota stands alone"},
		{nil, nil, "name the entity"},
	} {
		if _, err := ParseEntity(bad.names, bad.defaults); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("ParseEntity(%v, %v): %v, want %q", bad.names, bad.defaults, err, bad.want)
		}
	}
	if _, err := ParseSet([]string{"producer_byte_rat=1"}); err == nil || !strings.Contains(err.Error(), `did you mean "producer_byte_rate"`) {
		t.Errorf("a misspelt key: %v", err)
	}
	if _, err := PlanAlter(context.Background(), &fakeCluster{}, entity(kafka.QuotaEntityPart{Type: IP, Name: "1.2.3.4"}), map[string]float64{producer: 1}, nil); err == nil || !strings.Contains(err.Error(), "not to ip") {
		t.Errorf("a byte rate on an ip: %v", err)
	}
}
