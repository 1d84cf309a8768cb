// Package clientmetrics owns client metrics subscriptions (KIP-714): which
// metrics the brokers ask matching clients to push, how often, and to which
// clients (match selectors), and the plans that create, alter and delete
// them as kafka-client-metrics does.
package clientmetrics

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/suggest"
)

// Cluster is what subscriptions need from Kafka.
type Cluster interface {
	ClientMetricsNames(ctx context.Context) ([]string, error)
	ClientMetricsConfig(ctx context.Context, name string) ([]kafka.ConfigEntry, error)
	AlterClientMetrics(ctx context.Context, name string, set map[string]string, del []string, validateOnly bool) error
}

// The configs of a subscription, as Kafka names them.
const (
	keyMetrics  = "metrics"
	keyInterval = "interval.ms"
	keyMatch    = "match"
)

// Selectors are the client properties a match can test (by regular
// expression), as Kafka names them.
var Selectors = []string{"client_id", "client_instance_id", "client_software_name", "client_software_version", "client_source_address", "client_source_port"}

// Subscription is one client metrics subscription.
type Subscription struct {
	Name string `json:"name" yaml:"name"`
	// Metrics are metric name prefixes; "*" is every metric, none is none.
	Metrics []string `json:"metrics" yaml:"metrics"`
	// IntervalMs is how often matching clients push.
	IntervalMs int64 `json:"interval_ms" yaml:"interval_ms"`
	// Match selects clients: each selector's value is a regular
	// expression; a client matches when all do. Empty matches every client.
	Match map[string]string `json:"match" yaml:"match"`
}

// List returns every subscription with its configs.
func List(ctx context.Context, c Cluster) ([]Subscription, error) {
	names, err := c.ClientMetricsNames(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Subscription, 0, len(names))
	for _, n := range names {
		s, err := describe(ctx, c, n)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// NotFoundError names a subscription the cluster does not have.
type NotFoundError struct {
	Name     string
	Existing []string
}

func (e *NotFoundError) Error() string {
	return fmt.Sprintf("client metrics subscription %q not found %s", e.Name, suggest.Among(e.Name, e.Existing, "subscription", "subscriptions"))
}

// Describe returns the named subscriptions.
func Describe(ctx context.Context, c Cluster, names []string) ([]Subscription, error) {
	existing, err := c.ClientMetricsNames(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Subscription, 0, len(names))
	for _, n := range names {
		if !slices.Contains(existing, n) {
			return nil, &NotFoundError{Name: n, Existing: existing}
		}
		s, err := describe(ctx, c, n)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

func describe(ctx context.Context, c Cluster, name string) (Subscription, error) {
	entries, err := c.ClientMetricsConfig(ctx, name)
	if err != nil {
		return Subscription{}, err
	}
	s := Subscription{Name: name, Metrics: []string{}, Match: map[string]string{}}
	for _, e := range entries {
		switch e.Name {
		case keyMetrics:
			s.Metrics = splitList(e.Value)
		case keyInterval:
			s.IntervalMs, _ = strconv.ParseInt(e.Value, 10, 64)
		case keyMatch:
			s.Match, _ = ParseMatch(splitList(e.Value))
		}
	}
	return s, nil
}

func splitList(v string) []string {
	out := []string{}
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// UsageError is a bad selector or value as the user wrote it.
type UsageError struct{ error }

// ParseMatch reads selector=regex pairs.
func ParseMatch(pairs []string) (map[string]string, error) {
	out := map[string]string{}
	for _, p := range pairs {
		k, v, ok := strings.Cut(p, "=")
		if !ok || k == "" {
			return nil, UsageError{fmt.Errorf("--match %q: want SELECTOR=REGEX, e.g. client_id=billing-.*", p)}
		}
		if !slices.Contains(Selectors, k) {
			msg := fmt.Sprintf("--match %q: unknown selector %q: use %s", p, k, strings.Join(Selectors, ", "))
			if hint := suggest.Hint(suggest.Closest(k, Selectors, 1)); hint != "" {
				msg += "; " + hint
			}
			return nil, UsageError{fmt.Errorf("%s", msg)}
		}
		out[k] = v
	}
	return out, nil
}

// Spec is what create and alter set; a nil field stays as it is (create:
// Kafka's default), an empty one is reset.
type Spec struct {
	Metrics  *[]string
	Interval *time.Duration
	Match    *map[string]string
}

// Change is one config of a plan.
type Change struct {
	Config  string `json:"config" yaml:"config"`
	Current string `json:"current" yaml:"current"`
	New     string `json:"new" yaml:"new"` // "" when deleted (Kafka's default applies)
}

// Plan is what create, alter and delete show and then apply.
type Plan struct {
	Name      string   `json:"name" yaml:"name"`
	Operation string   `json:"operation" yaml:"operation"` // create, alter or delete
	Changes   []Change `json:"changes" yaml:"changes"`
	Executed  bool     `json:"executed" yaml:"executed"`

	set map[string]string
	del []string
}

// GenerateName is a random name as kafka-client-metrics --generate-name
// makes one: a UUID in URL-safe base64.
func GenerateName() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40 // version 4
	b[8] = b[8]&0x3f | 0x80
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// PlanCreate plans a new subscription; the name must be free.
func PlanCreate(ctx context.Context, c Cluster, name string, spec Spec) (*Plan, error) {
	existing, err := c.ClientMetricsNames(ctx)
	if err != nil {
		return nil, err
	}
	if slices.Contains(existing, name) {
		return nil, fmt.Errorf("client metrics subscription %q exists already: change it with alter", name)
	}
	if spec.Metrics == nil {
		return nil, UsageError{fmt.Errorf("create needs --metrics: the metric name prefixes to subscribe to (* for all)")}
	}
	return plan(ctx, c, "create", Subscription{Name: name, Metrics: []string{}, Match: map[string]string{}}, spec)
}

// PlanAlter plans a change to an existing subscription.
func PlanAlter(ctx context.Context, c Cluster, name string, spec Spec) (*Plan, error) {
	if spec.Metrics == nil && spec.Interval == nil && spec.Match == nil {
		return nil, UsageError{fmt.Errorf("nothing to change: give --metrics, --interval or --match")}
	}
	cur, err := Describe(ctx, c, []string{name})
	if err != nil {
		return nil, err
	}
	return plan(ctx, c, "alter", cur[0], spec)
}

// PlanDelete plans removing a subscription: its clients stop pushing
// these metrics at their next telemetry request.
func PlanDelete(ctx context.Context, c Cluster, name string) (*Plan, error) {
	cur, err := Describe(ctx, c, []string{name})
	if err != nil {
		return nil, err
	}
	p := &Plan{Name: name, Operation: "delete", set: map[string]string{}, del: []string{keyMetrics, keyInterval, keyMatch}}
	for _, k := range p.del {
		p.Changes = append(p.Changes, Change{Config: k, Current: configValue(cur[0], k)})
	}
	return p, c.AlterClientMetrics(ctx, name, nil, p.del, true)
}

func plan(ctx context.Context, c Cluster, op string, cur Subscription, spec Spec) (*Plan, error) {
	p := &Plan{Name: cur.Name, Operation: op, Changes: []Change{}, set: map[string]string{}}
	add := func(key, val string) {
		if val == "" {
			p.del = append(p.del, key)
		} else {
			p.set[key] = val
		}
		p.Changes = append(p.Changes, Change{Config: key, Current: configValue(cur, key), New: val})
	}
	if spec.Metrics != nil {
		add(keyMetrics, strings.Join(*spec.Metrics, ","))
	}
	if spec.Interval != nil {
		ms := ""
		if *spec.Interval != 0 {
			ms = strconv.FormatInt(spec.Interval.Milliseconds(), 10)
		}
		add(keyInterval, ms)
	}
	if spec.Match != nil {
		add(keyMatch, matchString(*spec.Match))
	}
	if op == "create" && len(p.set) == 0 {
		// A subscription exists while a config is set: subscribe to no
		// metrics explicitly rather than create nothing.
		p.set[keyMetrics] = ""
	}
	// The brokers check the values (interval range, regular expressions).
	return p, c.AlterClientMetrics(ctx, p.Name, p.set, p.del, true)
}

func configValue(s Subscription, key string) string {
	if s.Name == "" {
		return ""
	}
	switch key {
	case keyMetrics:
		return strings.Join(s.Metrics, ",")
	case keyInterval:
		if s.IntervalMs == 0 {
			return ""
		}
		return strconv.FormatInt(s.IntervalMs, 10)
	}
	return matchString(s.Match)
}

// matchString is Kafka's form of a match: selector=regex pairs, comma
// separated, in the order of Selectors.
func matchString(m map[string]string) string {
	var parts []string
	for _, k := range Selectors {
		if v, ok := m[k]; ok {
			parts = append(parts, k+"="+v)
		}
	}
	return strings.Join(parts, ",")
}

// Apply makes the planned change.
func Apply(ctx context.Context, c Cluster, p *Plan) error {
	if err := c.AlterClientMetrics(ctx, p.Name, p.set, p.del, false); err != nil {
		return err
	}
	p.Executed = true
	return waitApplied(ctx, c, p)
}

// appliedWithin bounds the wait for a change to show.
var appliedWithin = 15 * time.Second

// waitApplied waits until the brokers show the change just made. They
// answer IncrementalAlterConfigs once the controller has it and serve
// describes from the metadata log a moment later, so `client-metrics create
// --execute && client-metrics alter` failed now and then with "not found"
// on a busy broker (acl create waits the same way).
func waitApplied(ctx context.Context, c Cluster, p *Plan) error {
	notShown := fmt.Errorf("client metrics subscription %q was changed, but the brokers do not show it after %s", p.Name, appliedWithin)
	return kafka.AwaitShown(ctx, appliedWithin, notShown, func(ctx context.Context) (bool, error) { return applied(ctx, c, p) })
}

func applied(ctx context.Context, c Cluster, p *Plan) (bool, error) {
	names, err := c.ClientMetricsNames(ctx)
	if err != nil {
		return false, err
	}
	listed := slices.Contains(names, p.Name)
	if p.Operation == "delete" || !listed {
		return listed == (p.Operation != "delete"), nil
	}
	entries, err := c.ClientMetricsConfig(ctx, p.Name)
	if err != nil {
		return false, err
	}
	for k, v := range p.set {
		if !slices.ContainsFunc(entries, func(e kafka.ConfigEntry) bool { return e.Name == k && e.Value == v }) {
			return false, nil
		}
	}
	return true, nil
}
