//go:build e2e

package e2e

import (
	"crypto/rand"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// oracleQuotas runs kafka-configs --describe for quotas and returns each
// entity's quotas as "entity: k=v,k=v" lines, sorted: the entity as
// kafka-configs names it ("user-principal 'alice', client-id 'billing'").
func oracleQuotas(t testing.TB, args ...string) []string {
	t.Helper()
	out := kafkaTool(t, "configs", append([]string{"--bootstrap-server", k(t, "KAFKA_BOOTSTRAP"), "--describe"}, args...)...)
	re := regexp.MustCompile(`^Quota configs for (.+) are (.*)$`)
	var got []string
	for _, l := range lines(out) {
		if m := re.FindStringSubmatch(l); m != nil {
			kv := strings.Split(m[2], ", ")
			sort.Strings(kv)
			got = append(got, m[1]+": "+strings.Join(kv, ","))
		}
	}
	sort.Strings(got)
	return got
}

// stQuotaEntry is an entry of `quota list` -o json.
type stQuotaEntry struct {
	Entity []struct {
		Type    string `json:"type"`
		Name    string `json:"name"`
		Default bool   `json:"default"`
	} `json:"entity"`
	Quotas map[string]float64 `json:"quotas"`
}

// kafkaName names an entry as kafka-configs does.
func (e stQuotaEntry) kafkaName() string {
	var parts []string
	for _, p := range e.Entity {
		what := map[string]string{"user": "user-principal", "client-id": "client-id", "ip": "ip"}[p.Type]
		if p.Default {
			parts = append(parts, "the default "+what)
		} else {
			parts = append(parts, fmt.Sprintf("%s '%s'", what, p.Name))
		}
	}
	var kv []string
	for k, v := range e.Quotas {
		kv = append(kv, k+"="+strconv.FormatFloat(v, 'f', 1, 64))
	}
	sort.Strings(kv)
	return strings.Join(parts, ", ") + ": " + strings.Join(kv, ",")
}

// Client quotas, each way round with kafka-configs: what streamctl sets,
// Kafka's tool reads the same, and what Kafka's tool sets, streamctl lists;
// a quota on an entity type Kafka has no quotas for is refused by both,
// and a key meant for IPs on a user too, nothing changed.
func TestQuotasParity(t *testing.T) {
	t.Parallel()
	u := newUser(t)
	boot := k(t, "KAFKA_BOOTSTRAP")
	user, client := uniqueName(t, "user"), uniqueName(t, "client")
	u.run("quota", "alter", "--name", "user="+user, "--add", "producer_byte_rate=1048576,consumer_byte_rate=2097152", "--execute").ok(t)
	u.run("quota", "alter", "--name", "user="+user, "--name", "client-id="+client, "--add", "request_percentage=25", "--execute").ok(t)
	kafkaTool(t, "configs", "--bootstrap-server", boot, "--alter", "--entity-type", "clients", "--entity-name", client, "--add-config", "producer_byte_rate=4096")

	want := []string{
		fmt.Sprintf("user-principal '%s', client-id '%s': request_percentage=25.0", user, client),
		fmt.Sprintf("user-principal '%s': consumer_byte_rate=2097152.0,producer_byte_rate=1048576.0", user),
	}
	if got := oracleQuotas(t, "--entity-type", "users", "--entity-name", user); len(got) != 1 || got[0] != want[1] {
		t.Errorf("kafka-configs --entity-type users --entity-name %s:\n  got  %q\n  want %q", user, got, want[1:])
	}
	if got := oracleQuotas(t, "--entity-type", "users", "--entity-name", user, "--entity-type", "clients", "--entity-name", client); len(got) != 1 || got[0] != want[0] {
		t.Errorf("kafka-configs users and clients: %q, want %q", got, want[:1])
	}
	var entries []stQuotaEntry
	u.run("quota", "list", "--name", "client-id="+client, "-o", "json").ok(t).json(t, &entries)
	var names []string
	for _, e := range entries {
		names = append(names, e.kafkaName())
	}
	sort.Strings(names)
	wantList := []string{fmt.Sprintf("client-id '%s': producer_byte_rate=4096.0", client), want[0]}
	sort.Strings(wantList)
	if strings.Join(names, "\n") != strings.Join(wantList, "\n") {
		t.Errorf("quota list --name client-id=%s:\n  got  %q\n  want %q", client, names, wantList)
	}

	// The pair's client gets the pair's request share and the user's rates.
	var d struct {
		Applied []struct {
			Key   string  `json:"key"`
			Value float64 `json:"value"`
		} `json:"applied"`
	}
	u.run("quota", "describe", "--name", "user="+user, "--name", "client-id="+client, "-o", "json").ok(t).json(t, &d)
	applied := map[string]float64{}
	for _, a := range d.Applied {
		applied[a.Key] = a.Value
	}
	if applied["request_percentage"] != 25 || applied["producer_byte_rate"] != 1048576 || applied["consumer_byte_rate"] != 2097152 {
		t.Errorf("quota describe: %+v", d.Applied)
	}

	// Removing, then bad input.
	u.run("quota", "alter", "--name", "user="+user, "--delete", "consumer_byte_rate", "--execute").ok(t)
	if got := oracleQuotas(t, "--entity-type", "users", "--entity-name", user); len(got) != 1 || got[0] != fmt.Sprintf("user-principal '%s': producer_byte_rate=1048576.0", user) {
		t.Errorf("after --delete, kafka-configs: %q", got)
	}
	u.run("quota", "alter", "--name", "topics="+user, "--add", "producer_byte_rate=1").exit(t, 2).errContains(t, `unknown entity type "topics"`)
	if _, errOut, code := kafkaToolCode(t, "configs", "--bootstrap-server", boot, "--alter", "--entity-type", "topics", "--entity-name", user, "--add-config", "producer_byte_rate=1"); code == 0 {
		t.Errorf("kafka-configs accepted producer_byte_rate on a topic:\n%s", errOut)
	}
	u.run("quota", "alter", "--name", "user="+user, "--add", "connection_creation_rate=5", "--execute").exit(t, 2).errContains(t, "connection_creation_rate applies to ip quotas, not to user")
	u.run("quota", "alter", "--name", "ip=no-such-host.invalid", "--add", "connection_creation_rate=5").exit(t, 1).errContains(t, "not a valid IP")
	if got := oracleQuotas(t, "--entity-type", "users", "--entity-name", user); len(got) != 1 || strings.Contains(got[0], "connection") {
		t.Errorf("a refused alter changed something: %q", got)
	}

	// IPs and the defaults (--default; kafka-configs --entity-default),
	// each way round. The rates are high enough to hold back no other
	// test on the shared broker, and removed at the end.
	var rnd [2]byte
	_, _ = rand.Read(rnd[:])
	ip := fmt.Sprintf("10.26.%d.%d", rnd[0], rnd[1])
	u.run("quota", "alter", "--name", "ip="+ip, "--add", "connection_creation_rate=7", "--execute").ok(t)
	if got := oracleQuotas(t, "--entity-type", "ips", "--entity-name", ip); strings.Join(got, "\n") != fmt.Sprintf("ip '%s': connection_creation_rate=7.0", ip) {
		t.Errorf("kafka-configs --entity-type ips --entity-name %s: %q", ip, got)
	}
	u.run("quota", "alter", "--name", "user="+user, "--default", "client-id", "--add", "controller_mutation_rate=9999999", "--execute").ok(t)
	if got := oracleQuotas(t, "--entity-type", "users", "--entity-name", user, "--entity-type", "clients", "--entity-default"); strings.Join(got, "\n") !=
		fmt.Sprintf("user-principal '%s', the default client-id: controller_mutation_rate=9999999.0", user) {
		t.Errorf("kafka-configs users %s and the default client: %q", user, got)
	}
	kafkaTool(t, "configs", "--bootstrap-server", boot, "--alter", "--entity-type", "ips", "--entity-default", "--add-config", "connection_creation_rate=9999999")
	listed := func(args ...string) []string {
		t.Helper()
		var entries []stQuotaEntry
		u.run(append([]string{"quota", "list", "-o", "json"}, args...)...).ok(t).json(t, &entries)
		var names []string
		for _, e := range entries {
			names = append(names, e.kafkaName())
		}
		sort.Strings(names)
		return names
	}
	if got := listed("--default", "ip"); strings.Join(got, "\n") != strings.Join(oracleQuotas(t, "--entity-type", "ips", "--entity-default"), "\n") ||
		len(got) != 1 || got[0] != "the default ip: connection_creation_rate=9999999.0" {
		t.Errorf("quota list --default ip: %q; kafka-configs --entity-type ips --entity-default: %q", got, oracleQuotas(t, "--entity-type", "ips", "--entity-default"))
	}
	if got := listed("--name", "ip="+ip); len(got) != 1 || got[0] != fmt.Sprintf("ip '%s': connection_creation_rate=7.0", ip) {
		t.Errorf("quota list --name ip=%s: %q", ip, got)
	}
	// An IP without a quota of its own gets the default's.
	var di struct {
		Applied []struct {
			Key   string  `json:"key"`
			Value float64 `json:"value"`
		} `json:"applied"`
	}
	u.run("quota", "describe", "--name", "ip=10.27.0.1", "-o", "json").ok(t).json(t, &di)
	if len(di.Applied) != 1 || di.Applied[0].Key != "connection_creation_rate" || di.Applied[0].Value != 9999999 {
		t.Errorf("quota describe of an IP without its own quota: %+v", di.Applied)
	}
	u.run("quota", "alter", "--default", "ip", "--delete", "connection_creation_rate", "--execute").ok(t)
	u.run("quota", "alter", "--name", "user="+user, "--default", "client-id", "--delete", "controller_mutation_rate", "--execute").ok(t)
	u.run("quota", "alter", "--name", "ip="+ip, "--delete", "connection_creation_rate", "--execute").ok(t)
	for _, args := range [][]string{{"--entity-type", "ips", "--entity-default"}, {"--entity-type", "ips", "--entity-name", ip},
		{"--entity-type", "users", "--entity-name", user, "--entity-type", "clients", "--entity-default"}} {
		if got := oracleQuotas(t, args...); len(got) != 0 {
			t.Errorf("kafka-configs %v after quota alter --delete: %q", args, got)
		}
	}
}

// Client metrics subscriptions, each way round with kafka-client-metrics.
func TestClientMetricsParity(t *testing.T) {
	t.Parallel()
	u := newUser(t)
	boot := k(t, "KAFKA_BOOTSTRAP")
	tool := func(args ...string) string {
		t.Helper()
		return kafkaTool(t, "class", append([]string{"org.apache.kafka.tools.ClientMetricsCommand", "--bootstrap-server", boot}, args...)...)
	}
	// describe parses "Client metrics configs for NAME are:" and its lines.
	describe := func(name string) map[string]string {
		t.Helper()
		got := map[string]string{}
		for _, l := range lines(tool("--describe", "--name", name)) {
			if k, v, ok := strings.Cut(strings.TrimSpace(l), "="); ok && !strings.HasPrefix(l, "Client") {
				got[k] = v
			}
		}
		return got
	}
	ours, theirs := uniqueName(t, "ours"), uniqueName(t, "theirs")
	u.run("client-metrics", "create", ours, "--metrics", "org.apache.kafka.producer.", "--metrics", "org.apache.kafka.consumer.fetch", "--interval", "30s",
		"--match", "client_id=billing-.*", "--match", "client_software_name=apache-kafka-java", "--execute").ok(t)
	if got := describe(ours); got["metrics"] != "org.apache.kafka.producer.,org.apache.kafka.consumer.fetch" || got["interval.ms"] != "30000" ||
		got["match"] != "client_id=billing-.*,client_software_name=apache-kafka-java" {
		t.Errorf("kafka-client-metrics --describe of streamctl's: %v", got)
	}
	tool("--alter", "--name", theirs, "--metrics", "*", "--interval", "60000", "--match", "client_software_version=3.*")
	var subs []struct {
		Name       string            `json:"name"`
		Metrics    []string          `json:"metrics"`
		IntervalMs int64             `json:"interval_ms"`
		Match      map[string]string `json:"match"`
	}
	u.run("client-metrics", "describe", theirs, "-o", "json").ok(t).json(t, &subs)
	if len(subs) != 1 || strings.Join(subs[0].Metrics, ",") != "*" || subs[0].IntervalMs != 60000 || subs[0].Match["client_software_version"] != "3.*" {
		t.Errorf("client-metrics describe of Kafka's: %+v", subs)
	}
	listed := map[string]bool{}
	for _, l := range lines(tool("--list")) {
		listed[strings.TrimSpace(l)] = true
	}
	u.run("client-metrics", "list", "-o", "json").ok(t).json(t, &subs)
	for _, s := range subs {
		if !listed[s.Name] {
			t.Errorf("client-metrics list has %s, kafka-client-metrics --list does not", s.Name)
		}
		delete(listed, s.Name)
	}
	if len(listed) != 0 {
		t.Errorf("kafka-client-metrics --list has %v, client-metrics list does not", listed)
	}
	u.run("client-metrics", "alter", ours, "--interval", "10ms").exit(t, 1).errContains(t, "interval must be between 100 and 3600000")
	u.run("client-metrics", "alter", ours, "--match", "client_idd=x").exit(t, 2).errContains(t, `unknown selector "client_idd"`, `did you mean "client_id"?`)
	u.run("client-metrics", "delete", ours, "--execute", "--yes").ok(t)
	if out := tool("--list"); strings.Contains(out, ours) {
		t.Errorf("kafka-client-metrics still lists %s after delete:\n%s", ours, out)
	}
	tool("--delete", "--name", theirs)
}

// Feature levels against kafka-features: describe, version-mapping for
// every metadata.version Kafka names, an upgrade plan to the running
// release, and a level the brokers do not support refused by both.
func TestFeaturesParity(t *testing.T) {
	t.Parallel()
	u := newUser(t)
	boot := k(t, "KAFKA_BOOTSTRAP")
	re := regexp.MustCompile(`Feature: (\S+)\s+SupportedMinVersion: (\S+)\s+SupportedMaxVersion: (\S+)\s+FinalizedVersionLevel: (\S+)`)
	theirs := map[string]string{}
	for _, l := range lines(kafkaTool(t, "features", "--bootstrap-server", boot, "describe")) {
		if m := re.FindStringSubmatch(l); m != nil {
			theirs[m[1]] = strings.Join(m[2:], " ")
		}
	}
	var fs []struct {
		Name    string `json:"name"`
		Level   int16  `json:"finalized_level"`
		Version string `json:"finalized_version"`
		SMin    int16  `json:"supported_min"`
		SMax    int16  `json:"supported_max"`
	}
	u.run("cluster", "features", "describe", "-o", "json").ok(t).json(t, &fs)
	ours := map[string]string{}
	for _, f := range fs {
		name := func(l int16) string { return strconv.Itoa(int(l)) }
		if f.Name == "metadata.version" {
			var m struct {
				Version string `json:"release_version"`
			}
			name = func(l int16) string {
				u.run("cluster", "features", "version-mapping", "--release-version", strconv.Itoa(int(l)), "-o", "json").ok(t).json(t, &m)
				return m.Version
			}
		}
		ours[f.Name] = strings.Join([]string{name(f.SMin), name(f.SMax), name(f.Level)}, " ")
	}
	if fmt.Sprint(ours) != fmt.Sprint(theirs) {
		t.Errorf("cluster features describe:\n  got  %v\n  kafka-features describe %v", ours, theirs)
	}

	// version-mapping for every metadata.version kafka-features names.
	out, errOut, _ := kafkaToolCode(t, "features", "version-mapping", "--release-version", "9.9")
	ivs := regexp.MustCompile(`\d\.\d+-IV\d`).FindAllString(out+errOut, -1)
	if len(ivs) < 20 {
		t.Fatalf("kafka-features names %d metadata versions:\n%s", len(ivs), out)
	}
	// The broker's own release: version-mapping without a version. Levels
	// past it are not released yet and may change (4.3.1 mapped 4.4-IV0 to
	// share.version 1, 4.4.0 to 2): streamctl follows the release it knows.
	latestRe := regexp.MustCompile(`metadata.version=(\d+) \(([^)]+)\)`)
	latest := latestRe.FindStringSubmatch(kafkaTool(t, "features", "version-mapping"))
	if latest == nil {
		t.Fatal("kafka-features version-mapping names no metadata.version")
	}
	latestLevel := atoi(t, latest[1])
	for _, iv := range append(ivs, "3.3", "3.9", "4.0", "4.3") {
		want, _, code := kafkaToolCode(t, "features", "version-mapping", "--release-version", iv)
		if m := latestRe.FindStringSubmatch(want); m != nil && atoi(t, m[1]) > latestLevel {
			continue
		}
		var m struct {
			Release  string           `json:"release_version"`
			Features map[string]int16 `json:"features"`
		}
		r := u.run("cluster", "features", "version-mapping", "--release-version", iv, "-o", "json")
		if code != 0 {
			r.exit(t, 2) // a version Kafka does not map (4.4-IV0 is not a release yet)
			continue
		}
		r.ok(t).json(t, &m)
		var got []string
		for _, name := range []string{"metadata.version", "kraft.version", "transaction.version", "group.version", "eligible.leader.replicas.version", "share.version", "streams.version"} {
			line := fmt.Sprintf("%s=%d", name, m.Features[name])
			if name == "metadata.version" {
				line += " (" + iv + ")"
			}
			got = append(got, line)
		}
		if strings.Join(got, "\n") != strings.TrimSpace(want) {
			t.Errorf("version-mapping %s:\n  got  %q\n  want %q", iv, got, lines(want))
		}
	}

	// The running release's levels: Kafka's dry run says which it would
	// raise; streamctl's plan marks the same ones.
	var plan struct {
		Changes []struct {
			Feature string `json:"feature"`
			Target  int16  `json:"target_level"`
			Change  string `json:"change"`
		} `json:"changes"`
	}
	u.run("cluster", "features", "upgrade", "--release-version", latest[2], "-o", "json").ok(t).json(t, &plan)
	kout := kafkaTool(t, "features", "--bootstrap-server", boot, "upgrade", "--release-version", latest[2], "--dry-run")
	for _, ch := range plan.Changes {
		if !strings.Contains(kout, fmt.Sprintf("%s can be upgraded to %d.", ch.Feature, ch.Target)) {
			t.Errorf("kafka-features upgrade --dry-run does not plan %s at %d:\n%s", ch.Feature, ch.Target, kout)
		}
	}
	u.run("cluster", "features", "upgrade", "--feature", "group.version=7", "--execute", "--yes").exit(t, 1).errContains(t, "group.version 7: the brokers support levels 0 to 1; nothing changed")
	if _, errOut, code := kafkaToolCode(t, "features", "--bootstrap-server", boot, "upgrade", "--feature", "group.version=7"); code == 0 {
		t.Errorf("kafka-features upgraded group.version to 7:\n%s", errOut)
	}
	u.run("cluster", "features", "downgrade", "--feature", "metadata.version="+strconv.Itoa(latestLevel-1)).exit(t, 1).errContains(t, "Unsupported metadata.version downgrade")

	// Applied for real, each step read back by kafka-features: the
	// eligible leader replicas feature down to 0 and up again (a single
	// broker has no other replicas to elect, so no other test notices).
	finalized := func() string {
		t.Helper()
		for _, l := range lines(kafkaTool(t, "features", "--bootstrap-server", boot, "describe")) {
			if m := re.FindStringSubmatch(l); m != nil && m[1] == "eligible.leader.replicas.version" {
				return m[4]
			}
		}
		return ""
	}
	if before := finalized(); before != "1" {
		t.Skipf("eligible.leader.replicas.version is at %q here, not 1", before)
	}
	u.run("cluster", "features", "downgrade", "--feature", "eligible.leader.replicas.version=0", "--execute").exit(t, 2).errContains(t, "--yes")
	u.run("cluster", "features", "downgrade", "--feature", "eligible.leader.replicas.version=0", "--execute", "--yes").ok(t).errContains(t, "Feature levels finalized.")
	if got := finalized(); got != "0" {
		t.Errorf("kafka-features describe after the downgrade: eligible.leader.replicas.version at %s", got)
	}
	u.run("cluster", "features", "upgrade", "--feature", "eligible.leader.replicas.version=1", "--execute", "--yes").ok(t)
	if got := finalized(); got != "1" {
		t.Errorf("kafka-features describe after the upgrade: eligible.leader.replicas.version at %s", got)
	}
}
