// Package quota owns client quotas (KIP-546): the entities they apply to
// (users, client ids, both together, IPs, and the defaults of each), Kafka's
// quota keys, which quota applies to a client by Kafka's precedence, and
// the plan that sets or removes some.
package quota

import (
	"context"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/output"
	"github.com/streamctl/streamctl/internal/suggest"
)

// Cluster is what quotas need from Kafka.
type Cluster interface {
	DescribeClientQuotas(ctx context.Context, f kafka.QuotaFilter) ([]kafka.QuotaEntry, error)
	AlterClientQuotas(ctx context.Context, a kafka.QuotaAlteration, validateOnly bool) error
}

// Entity types, as Kafka names them.
const (
	User     = "user"
	ClientID = "client-id"
	IP       = "ip"
)

// typeNames maps what people write (kafka-configs' --entity-type plurals
// included) to Kafka's entity type.
var typeNames = map[string]string{
	"user": User, "users": User,
	"client-id": ClientID, "client-ids": ClientID, "client": ClientID, "clients": ClientID,
	"ip": IP, "ips": IP,
}

// Key is one of Kafka's quota keys.
type Key struct {
	Name  string
	Types []string // the entity types it applies to
	Unit  string
}

// Keys are the quota keys Kafka knows (QuotaConfig).
var Keys = []Key{
	{"producer_byte_rate", []string{User, ClientID}, "bytes/s"},
	{"consumer_byte_rate", []string{User, ClientID}, "bytes/s"},
	{"request_percentage", []string{User, ClientID}, "%"},
	{"controller_mutation_rate", []string{User, ClientID}, "partition mutations/s"},
	{"connection_creation_rate", []string{IP}, "connections/s"},
}

func keyNames() []string {
	out := make([]string, len(Keys))
	for i, k := range Keys {
		out[i] = k.Name
	}
	return out
}

// keyOf finds a key, or says which exist.
func keyOf(name string) (Key, error) {
	for _, k := range Keys {
		if k.Name == name {
			return k, nil
		}
	}
	msg := fmt.Sprintf("unknown quota %q: Kafka's are %s", name, strings.Join(keyNames(), ", "))
	if hint := suggest.Hint(suggest.Closest(name, keyNames(), 1)); hint != "" {
		msg += "; " + hint
	}
	return Key{}, fmt.Errorf("%s", msg)
}

// UsageError is a bad entity or key as the user wrote it.
type UsageError struct{ error }

func usageErrorf(format string, a ...any) error { return UsageError{fmt.Errorf(format, a...)} }

// ParseEntity reads --name TYPE=NAME and --default TYPE into an entity: a
// user, a client id, a user with a client id, or an IP, each named or the
// default of its type.
func ParseEntity(names, defaults []string) (kafka.QuotaEntity, error) {
	var e kafka.QuotaEntity
	add := func(flag, typ string, p kafka.QuotaEntityPart) error {
		t, ok := typeNames[strings.ToLower(typ)]
		if !ok {
			return usageErrorf("%s: unknown entity type %q: quotas apply to user, client-id and ip (kafka-configs' users, clients and ips)", flag, typ)
		}
		if slices.ContainsFunc(e, func(q kafka.QuotaEntityPart) bool { return q.Type == t }) {
			return usageErrorf("%s: the entity names %s twice", flag, t)
		}
		p.Type = t
		e = append(e, p)
		return nil
	}
	for _, n := range names {
		typ, name, ok := strings.Cut(n, "=")
		if !ok || name == "" {
			return nil, usageErrorf("--name %q: want TYPE=NAME, e.g. user=alice, client-id=billing or ip=10.0.0.7", n)
		}
		if err := add("--name "+n, typ, kafka.QuotaEntityPart{Name: name}); err != nil {
			return nil, err
		}
	}
	for _, d := range defaults {
		if err := add("--default "+d, d, kafka.QuotaEntityPart{Default: true}); err != nil {
			return nil, err
		}
	}
	if len(e) == 0 {
		return nil, usageErrorf("name the entity: --name user=alice, --name client-id=billing, --name ip=10.0.0.7, or --default user (and so on)")
	}
	kafka.SortQuotaEntity(e)
	if len(e) > 1 && slices.ContainsFunc(e, func(p kafka.QuotaEntityPart) bool { return p.Type == IP }) {
		return nil, usageErrorf("an ip quota stands alone: it cannot be combined with a user or client-id")
	}
	return e, nil
}

// Value is a quota's value. Kafka keeps doubles; YAML shows whole ones as
// integers (1048576, not 1.048576e+06), as JSON does.
type Value float64

// MarshalYAML writes a whole value as an integer.
func (v Value) MarshalYAML() (any, error) {
	if f := float64(v); f == math.Trunc(f) && math.Abs(f) < 1<<53 {
		return int64(f), nil
	}
	return float64(v), nil
}

// Values is an entity's quotas by key.
type Values map[string]Value

func valuesOf(m map[string]float64) Values {
	out := Values{}
	for k, v := range m {
		out[k] = Value(v)
	}
	return out
}

// Entry is one entity's quotas, as `quota list` shows them.
type Entry struct {
	Entity kafka.QuotaEntity `json:"entity" yaml:"entity"`
	Quotas Values            `json:"quotas" yaml:"quotas"`
}

// List returns the quota entries, all of them, or those whose entity
// includes every part of filter (kafka-configs --describe without
// --entity-name lists the like).
func List(ctx context.Context, c Cluster, filter kafka.QuotaEntity) ([]Entry, error) {
	f := kafka.QuotaFilter{}
	for _, p := range filter {
		f.Parts = append(f.Parts, kafka.QuotaFilterPart{Type: p.Type, Name: p.Name, Default: p.Default})
	}
	entries, err := c.DescribeClientQuotas(ctx, f)
	if err != nil {
		return nil, err
	}
	out := make([]Entry, 0, len(entries))
	for _, e := range entries {
		out = append(out, Entry{Entity: e.Entity, Quotas: valuesOf(e.Values)})
	}
	return out, nil
}

// Applied is the quota that applies for one key: its value and the entity
// it is set on.
type Applied struct {
	Key   string            `json:"key" yaml:"key"`
	Value Value             `json:"value" yaml:"value"`
	From  kafka.QuotaEntity `json:"from" yaml:"from"`
}

// Description is an entity's own quotas, and those that apply to its
// clients by Kafka's precedence (a user's client without quotas of its own
// gets the user's, and so on).
type Description struct {
	Entity  kafka.QuotaEntity `json:"entity" yaml:"entity"`
	Quotas  Values            `json:"quotas" yaml:"quotas"`
	Applied []Applied         `json:"applied" yaml:"applied"`
}

// Describe returns the entity's own quotas (kafka-configs --describe with
// --entity-name or --entity-default) and those that apply to it.
func Describe(ctx context.Context, c Cluster, e kafka.QuotaEntity) (*Description, error) {
	all, err := c.DescribeClientQuotas(ctx, kafka.QuotaFilter{}) // every entry
	if err != nil {
		return nil, err
	}
	d := &Description{Entity: e, Quotas: Values{}, Applied: []Applied{}}
	for _, en := range all {
		if en.Entity.String() == e.String() {
			d.Quotas = valuesOf(en.Values)
		}
	}
	for _, k := range Keys {
		if !slices.Contains(k.Types, e[0].Type) {
			continue
		}
		for _, cand := range precedence(e) {
			if v, ok := valueOf(all, cand, k.Name); ok {
				d.Applied = append(d.Applied, Applied{Key: k.Name, Value: Value(v), From: cand})
				break
			}
		}
	}
	return d, nil
}

func valueOf(entries []kafka.QuotaEntry, e kafka.QuotaEntity, key string) (float64, bool) {
	for _, en := range entries {
		if en.Entity.String() == e.String() {
			v, ok := en.Values[key]
			return v, ok
		}
	}
	return 0, false
}

// precedence lists the entities whose quotas apply to e's clients, most
// specific first, as Kafka's default quota callback looks them up: a
// user and client id pair, the user with the default client id, the user,
// the default user with the client id, the default user with the default
// client id, the default user, the client id, the default client id. A
// part e does not name matches only defaults (a user or client id with no
// quota of its own); a default part matches only defaults.
func precedence(e kafka.QuotaEntity) []kafka.QuotaEntity {
	var user, client *kafka.QuotaEntityPart
	for i := range e {
		switch e[i].Type {
		case IP:
			if e[i].Default {
				return []kafka.QuotaEntity{e}
			}
			return []kafka.QuotaEntity{e, {{Type: IP, Default: true}}}
		case User:
			user = &e[i]
		case ClientID:
			client = &e[i]
		}
	}
	defUser, defClient := kafka.QuotaEntityPart{Type: User, Default: true}, kafka.QuotaEntityPart{Type: ClientID, Default: true}
	named := func(p *kafka.QuotaEntityPart) bool { return p != nil && !p.Default }
	var out []kafka.QuotaEntity
	if named(user) && named(client) {
		out = append(out, kafka.QuotaEntity{*user, *client})
	}
	if named(user) {
		out = append(out, kafka.QuotaEntity{*user, defClient}, kafka.QuotaEntity{*user})
	}
	if named(client) {
		out = append(out, kafka.QuotaEntity{defUser, *client})
	}
	out = append(out, kafka.QuotaEntity{defUser, defClient}, kafka.QuotaEntity{defUser})
	if named(client) {
		out = append(out, kafka.QuotaEntity{*client})
	}
	return append(out, kafka.QuotaEntity{defClient})
}

// Change is one key of an alter plan.
type Change struct {
	Key       string `json:"key" yaml:"key"`
	Operation string `json:"operation" yaml:"operation"` // set or delete
	Value     *Value `json:"value" yaml:"value"`         // set's value
	Current   *Value `json:"current" yaml:"current"`     // null when not set
}

// AlterPlan is what `quota alter` shows and applies.
type AlterPlan struct {
	Entity   kafka.QuotaEntity `json:"entity" yaml:"entity"`
	Changes  []Change          `json:"changes" yaml:"changes"`
	Executed bool              `json:"executed" yaml:"executed"`
}

// ParseSet reads KEY=VALUE quota settings.
func ParseSet(kvs []string) (map[string]float64, error) {
	out := map[string]float64{}
	for _, kv := range kvs {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return nil, usageErrorf("--add %q: want KEY=VALUE, e.g. producer_byte_rate=1048576", kv)
		}
		if _, err := keyOf(k); err != nil {
			return nil, UsageError{fmt.Errorf("--add %s: %w", kv, err)}
		}
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f < 0 || math.IsInf(f, 0) || math.IsNaN(f) {
			return nil, usageErrorf("--add %s: %q is not a number of 0 or more", kv, v)
		}
		out[k] = f
	}
	return out, nil
}

// PlanAlter checks the change (every key known and fit for the entity's
// type, then the brokers validate it) and compares it with what is set.
func PlanAlter(ctx context.Context, c Cluster, e kafka.QuotaEntity, set map[string]float64, del []string) (*AlterPlan, error) {
	if len(set) == 0 && len(del) == 0 {
		return nil, usageErrorf("nothing to change: give --add KEY=VALUE or --delete KEY")
	}
	for _, k := range append(slices.Sorted(maps.Keys(set)), del...) {
		key, err := keyOf(k)
		if err != nil {
			return nil, UsageError{err}
		}
		if !slices.Contains(key.Types, e[0].Type) {
			return nil, usageErrorf("%s applies to %s quotas, not to %s", k, strings.Join(key.Types, " and "), e[0].Type)
		}
		if _, both := set[k]; both && slices.Contains(del, k) {
			return nil, usageErrorf("%s is both added and deleted", k)
		}
	}
	f := kafka.QuotaFilter{Strict: true}
	for _, p := range e {
		f.Parts = append(f.Parts, kafka.QuotaFilterPart{Type: p.Type, Name: p.Name, Default: p.Default})
	}
	entries, err := c.DescribeClientQuotas(ctx, f)
	if err != nil {
		return nil, err
	}
	current := map[string]float64{}
	if len(entries) > 0 {
		current = entries[0].Values
	}
	plan := &AlterPlan{Entity: e, Changes: []Change{}}
	for _, k := range slices.Sorted(maps.Keys(set)) {
		v := Value(set[k])
		plan.Changes = append(plan.Changes, Change{Key: k, Operation: "set", Value: &v, Current: ptr(current, k)})
	}
	for _, k := range del {
		plan.Changes = append(plan.Changes, Change{Key: k, Operation: "delete", Current: ptr(current, k)})
	}
	if err := c.AlterClientQuotas(ctx, alteration(plan), true); err != nil {
		return nil, err
	}
	return plan, nil
}

// Alter applies the plan.
func Alter(ctx context.Context, c Cluster, plan *AlterPlan) error {
	if err := c.AlterClientQuotas(ctx, alteration(plan), false); err != nil {
		return err
	}
	plan.Executed = true
	return nil
}

func alteration(plan *AlterPlan) kafka.QuotaAlteration {
	a := kafka.QuotaAlteration{Entity: plan.Entity, Set: map[string]float64{}}
	for _, ch := range plan.Changes {
		if ch.Operation == "set" {
			a.Set[ch.Key] = float64(*ch.Value)
		} else {
			a.Remove = append(a.Remove, ch.Key)
		}
	}
	return a
}

func ptr(m map[string]float64, k string) *Value {
	if v, ok := m[k]; ok {
		q := Value(v)
		return &q
	}
	return nil
}

// Human is a quota value as people read it: 1048576 bytes/s is "1 MiB/s".
func Human(key string, q Value) string {
	v := float64(q)
	s := strconv.FormatFloat(v, 'f', -1, 64)
	k, err := keyOf(key)
	if err != nil {
		return s
	}
	if k.Unit == "bytes/s" && v == math.Trunc(v) && v >= 1024 {
		return s + " (" + output.Bytes(int64(v)) + "/s)"
	}
	return s + " " + k.Unit
}
