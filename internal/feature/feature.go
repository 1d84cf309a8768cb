// Package feature owns the cluster's feature levels (KIP-584, KIP-1022):
// the finalized level of each feature and the range every broker supports,
// the levels a Kafka release brings (kafka-features version-mapping), and the
// plans that upgrade or downgrade them.
package feature

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/suggest"
)

// Cluster is what feature levels need from Kafka.
type Cluster interface {
	BrokerVersions(ctx context.Context) ([]kafka.BrokerVersions, error)
	UpdateFeatures(ctx context.Context, updates []kafka.FeatureUpdate, validateOnly bool) error
}

// MetadataVersion is the feature that carries the Kafka release a KRaft
// cluster runs at; its levels have names (4.3-IV0).
const MetadataVersion = "metadata.version"

// metadataVersions names metadata.version's levels, as Kafka 4.4.0's
// MetadataVersion does; the last level of each release is that release's.
var metadataVersions = []struct {
	level int16
	name  string
}{
	{7, "3.3-IV3"}, {8, "3.4-IV0"}, {9, "3.5-IV0"}, {10, "3.5-IV1"}, {11, "3.5-IV2"},
	{12, "3.6-IV0"}, {13, "3.6-IV1"}, {14, "3.6-IV2"}, {15, "3.7-IV0"}, {16, "3.7-IV1"},
	{17, "3.7-IV2"}, {18, "3.7-IV3"}, {19, "3.7-IV4"}, {20, "3.8-IV0"}, {21, "3.9-IV0"},
	{22, "4.0-IV0"}, {23, "4.0-IV1"}, {24, "4.0-IV2"}, {25, "4.0-IV3"}, {26, "4.1-IV0"},
	{27, "4.1-IV1"}, {28, "4.2-IV0"}, {29, "4.2-IV1"}, {30, "4.3-IV0"}, {31, "4.4-IV0"},
	{32, "4.4-IV1"}, {33, "4.4-IV2"}, {34, "4.5-IV0"},
}

// latestStable is the newest metadata.version a release name maps to:
// 4.5-IV0 exists in Kafka 4.4.0 but is not yet a release's.
const latestStable = 33

// featureSince is, for each feature besides metadata.version, the
// metadata.version level from which a release brings each of its levels
// (Kafka's Feature enum: the bootstrap metadata version of each level).
var featureSince = map[string][]struct{ mv, level int16 }{
	"kraft.version":                    {{21, 1}},
	"transaction.version":              {{24, 2}},
	"group.version":                    {{22, 1}},
	"eligible.leader.replicas.version": {{26, 1}},
	"share.version":                    {{28, 1}, {31, 2}},
	"streams.version":                  {{29, 1}},
}

// VersionName is metadata.version's name for a level ("4.3-IV0"), or the
// level itself when it is not known.
func VersionName(level int16) string {
	for _, v := range metadataVersions {
		if v.level == level {
			return v.name
		}
	}
	return strconv.Itoa(int(level))
}

// releaseNames lists what --release-version accepts.
func releaseNames() []string {
	var out []string
	for _, v := range metadataVersions {
		rel, _, _ := strings.Cut(v.name, "-")
		if v.level <= latestStable && !slices.Contains(out, rel) {
			out = append(out, rel)
		}
	}
	return out
}

// metadataLevel reads a metadata.version: a level, an IV name (4.3-IV0) or
// a release (4.3: its last level).
func metadataLevel(s string) (int16, error) {
	if n, err := strconv.ParseInt(s, 10, 16); err == nil {
		return int16(n), nil
	}
	level := int16(-1)
	for _, v := range metadataVersions {
		rel, _, _ := strings.Cut(v.name, "-")
		if v.name == s || (rel == s && v.level <= latestStable) {
			level = v.level
		}
	}
	if level < 0 {
		names := releaseNames()
		msg := fmt.Sprintf("unknown Kafka release %q: known are %s (or an IV name such as 3.7-IV4)", s, strings.Join(names, ", "))
		if hint := suggest.Hint(suggest.Closest(s, names, 1)); hint != "" {
			msg += "; " + hint
		}
		return 0, UsageError{fmt.Errorf("%s", msg)}
	}
	return level, nil
}

// Mapping is a release's feature levels, as kafka-features version-mapping
// prints them.
type Mapping struct {
	ReleaseVersion string           `json:"release_version" yaml:"release_version"`
	Features       map[string]int16 `json:"features" yaml:"features"`
}

// ReleaseLevels returns the feature levels a release (4.3, or 3.7-IV4)
// brings.
func ReleaseLevels(release string) (Mapping, error) {
	mv, err := metadataLevel(release)
	if err != nil {
		return Mapping{}, err
	}
	if VersionName(mv) == strconv.Itoa(int(mv)) {
		return Mapping{}, UsageError{fmt.Errorf("unknown Kafka release %q", release)}
	}
	m := Mapping{ReleaseVersion: VersionName(mv), Features: map[string]int16{MetadataVersion: mv}}
	for name, steps := range featureSince {
		m.Features[name] = 0
		for _, s := range steps {
			if mv >= s.mv {
				m.Features[name] = s.level
			}
		}
	}
	return m, nil
}

// UsageError is a feature or level the user wrote that cannot be read.
type UsageError struct{ error }

// Feature is one feature's levels in the cluster.
type Feature struct {
	Name string `json:"name" yaml:"name"`
	// FinalizedLevel is the level the cluster runs at (0: off).
	FinalizedLevel int16 `json:"finalized_level" yaml:"finalized_level"`
	// FinalizedVersion names metadata.version's level (4.3-IV0); "" for
	// other features.
	FinalizedVersion string `json:"finalized_version,omitempty" yaml:"finalized_version,omitempty"`
	// SupportedMin and SupportedMax are the range every broker supports.
	SupportedMin int16 `json:"supported_min" yaml:"supported_min"`
	SupportedMax int16 `json:"supported_max" yaml:"supported_max"`
	Epoch        int64 `json:"epoch" yaml:"epoch"`
}

// Describe returns every feature a broker supports, with its finalized
// level and the range all brokers support.
func Describe(ctx context.Context, c Cluster) ([]Feature, error) {
	bvs, err := c.BrokerVersions(ctx)
	if err != nil {
		return nil, err
	}
	byName := map[string]*Feature{}
	seen := map[string]int{}
	answered := 0
	for _, bv := range bvs {
		if bv.Error != "" {
			continue
		}
		answered++
		for _, r := range bv.Supported {
			f, ok := byName[r.Name]
			if !ok {
				f = &Feature{Name: r.Name, SupportedMin: r.Min, SupportedMax: r.Max}
				byName[r.Name] = f
			}
			f.SupportedMin, f.SupportedMax = max(f.SupportedMin, r.Min), min(f.SupportedMax, r.Max)
			seen[r.Name]++
			f.Epoch = max(f.Epoch, bv.FeaturesEpoch)
		}
		for _, fin := range bv.Features {
			if f, ok := byName[fin.Name]; ok {
				f.FinalizedLevel = fin.Level
			}
		}
	}
	if answered == 0 {
		return nil, fmt.Errorf("no broker answered: %s", bvs[0].Error)
	}
	out := []Feature{}
	for name, f := range byName {
		if seen[name] < answered {
			f.SupportedMin, f.SupportedMax = 0, 0 // a broker does not know it: only level 0 is safe
		}
		if name == MetadataVersion {
			f.FinalizedVersion = VersionName(f.FinalizedLevel)
		}
		out = append(out, *f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// Change is one feature of an update plan.
type Change struct {
	Feature       string `json:"feature" yaml:"feature"`
	CurrentLevel  int16  `json:"current_level" yaml:"current_level"`
	TargetLevel   int16  `json:"target_level" yaml:"target_level"`
	SupportedMin  int16  `json:"supported_min" yaml:"supported_min"`
	SupportedMax  int16  `json:"supported_max" yaml:"supported_max"`
	CurrentName   string `json:"current_version,omitempty" yaml:"current_version,omitempty"`
	TargetName    string `json:"target_version,omitempty" yaml:"target_version,omitempty"`
	Change        string `json:"change" yaml:"change"` // upgrade, downgrade or unchanged
	ReleaseTarget bool   `json:"-" yaml:"-"`
}

// Plan is what upgrade and downgrade show and then apply.
type Plan struct {
	Operation      string   `json:"operation" yaml:"operation"` // upgrade or downgrade
	ReleaseVersion string   `json:"release_version,omitempty" yaml:"release_version,omitempty"`
	Unsafe         bool     `json:"unsafe,omitempty" yaml:"unsafe,omitempty"`
	Changes        []Change `json:"changes" yaml:"changes"`
	Executed       bool     `json:"executed" yaml:"executed"`
}

// Options are an update: the features named (NAME=LEVEL), or a release's
// levels of every feature.
type Options struct {
	Downgrade      bool
	Unsafe         bool
	Features       []string // NAME=LEVEL; metadata.version takes names too
	ReleaseVersion string
}

// NotSupportedError: a level outside what the brokers support, or a
// feature they do not know. Nothing is changed.
type NotSupportedError struct{ Msg string }

func (e *NotSupportedError) Error() string { return e.Msg }

// PlanUpdate compares the targets with the cluster's levels, refuses what
// the brokers do not support or what goes the other way, and lets the
// controller validate the rest.
func PlanUpdate(ctx context.Context, c Cluster, opts Options) (*Plan, error) {
	targets, err := parseTargets(opts)
	if err != nil {
		return nil, err
	}
	current, err := Describe(ctx, c)
	if err != nil {
		return nil, err
	}
	op := "upgrade"
	if opts.Downgrade {
		op = "downgrade"
	}
	plan := &Plan{Operation: op, Unsafe: opts.Unsafe, Changes: []Change{}}
	if opts.ReleaseVersion != "" {
		plan.ReleaseVersion = targets.ReleaseVersion
	}
	var updates []kafka.FeatureUpdate
	for _, name := range sortedNames(targets.Features) {
		target := targets.Features[name]
		i := slices.IndexFunc(current, func(f Feature) bool { return f.Name == name })
		if i < 0 {
			if opts.ReleaseVersion != "" && target == 0 {
				continue // a feature this cluster's release does not have yet
			}
			return nil, &NotSupportedError{fmt.Sprintf("feature %q: the brokers do not know it (they know %s); nothing changed", name, strings.Join(names(current), ", "))}
		}
		f := current[i]
		ch := Change{Feature: name, CurrentLevel: f.FinalizedLevel, TargetLevel: target, SupportedMin: f.SupportedMin, SupportedMax: f.SupportedMax}
		if name == MetadataVersion {
			ch.CurrentName, ch.TargetName = VersionName(ch.CurrentLevel), VersionName(ch.TargetLevel)
		}
		switch {
		case target > f.SupportedMax || (target < f.SupportedMin && target != 0):
			return nil, &NotSupportedError{fmt.Sprintf("%s %s: the brokers support %s; nothing changed", name, levelText(name, target), rangeText(name, f))}
		case target == f.FinalizedLevel:
			ch.Change = "unchanged"
		case target > f.FinalizedLevel && opts.Downgrade:
			return nil, &NotSupportedError{fmt.Sprintf("%s is at %s, below %s: that is an upgrade (cluster features upgrade); nothing changed", name, levelText(name, f.FinalizedLevel), levelText(name, target))}
		case target < f.FinalizedLevel && !opts.Downgrade:
			return nil, &NotSupportedError{fmt.Sprintf("%s is at %s, above %s: that is a downgrade (cluster features downgrade); nothing changed", name, levelText(name, f.FinalizedLevel), levelText(name, target))}
		default:
			ch.Change = op
			updates = append(updates, kafka.FeatureUpdate{Name: name, Level: target, Downgrade: opts.Downgrade, Unsafe: opts.Unsafe})
		}
		plan.Changes = append(plan.Changes, ch)
	}
	if len(updates) > 0 {
		if err := c.UpdateFeatures(ctx, updates, true); err != nil {
			return nil, err
		}
	}
	return plan, nil
}

// Apply finalizes the plan's levels.
func Apply(ctx context.Context, c Cluster, plan *Plan) error {
	var updates []kafka.FeatureUpdate
	for _, ch := range plan.Changes {
		if ch.Change != "unchanged" {
			updates = append(updates, kafka.FeatureUpdate{Name: ch.Feature, Level: ch.TargetLevel, Downgrade: plan.Operation == "downgrade", Unsafe: plan.Unsafe})
		}
	}
	if len(updates) == 0 {
		return nil
	}
	if err := c.UpdateFeatures(ctx, updates, false); err != nil {
		return err
	}
	plan.Executed = true
	return nil
}

// Pending reports whether the plan changes anything.
func (p *Plan) Pending() bool {
	return slices.ContainsFunc(p.Changes, func(c Change) bool { return c.Change != "unchanged" })
}

func parseTargets(opts Options) (Mapping, error) {
	if (opts.ReleaseVersion == "") == (len(opts.Features) == 0) {
		return Mapping{}, UsageError{fmt.Errorf("name the levels: --feature NAME=LEVEL (repeatable), or --release-version X.Y")}
	}
	if opts.ReleaseVersion != "" {
		return ReleaseLevels(opts.ReleaseVersion)
	}
	m := Mapping{Features: map[string]int16{}}
	for _, kv := range opts.Features {
		name, lv, ok := strings.Cut(kv, "=")
		if !ok || name == "" || lv == "" {
			return Mapping{}, UsageError{fmt.Errorf("--feature %q: want NAME=LEVEL, e.g. group.version=1 or metadata.version=4.3-IV0", kv)}
		}
		if _, dup := m.Features[name]; dup {
			return Mapping{}, UsageError{fmt.Errorf("--feature names %s twice", name)}
		}
		var level int16
		if name == MetadataVersion {
			l, err := metadataLevel(lv)
			if err != nil {
				return Mapping{}, err
			}
			level = l
		} else {
			n, err := strconv.ParseInt(lv, 10, 16)
			if err != nil || n < 0 {
				return Mapping{}, UsageError{fmt.Errorf("--feature %s: the level is a number of 0 or more", kv)}
			}
			level = int16(n)
		}
		m.Features[name] = level
	}
	return m, nil
}

func sortedNames(m map[string]int16) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func names(fs []Feature) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.Name
	}
	return out
}

func levelText(name string, level int16) string {
	if n := VersionName(level); name == MetadataVersion && n != strconv.Itoa(int(level)) {
		return fmt.Sprintf("%d (%s)", level, n)
	}
	return strconv.Itoa(int(level))
}

func rangeText(name string, f Feature) string {
	if f.SupportedMax == 0 {
		return "only level 0"
	}
	if name == MetadataVersion {
		return fmt.Sprintf("%s to %s", levelText(name, f.SupportedMin), levelText(name, f.SupportedMax))
	}
	return fmt.Sprintf("levels %d to %d", f.SupportedMin, f.SupportedMax)
}

// LatestRelease is the newest release whose levels streamctl knows.
var LatestRelease = VersionName(latestStable)

// Names lists a mapping's features, metadata.version first, as
// kafka-features version-mapping prints them.
func Names(m Mapping) []string {
	out := []string{MetadataVersion}
	for _, n := range sortedNames(m.Features) {
		if n != MetadataVersion {
			out = append(out, n)
		}
	}
	return out
}
