//go:build e2e

package e2e

import (
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// stCredential is one row of `user list -o json`.
type stCredential struct {
	User       string `json:"user"`
	Mechanism  string `json:"mechanism"`
	Iterations int    `json:"iterations"`
}

// oracleUserCredentials runs kafka-configs --describe --entity-type users
// for one user: mechanism to iterations.
//
//	SCRAM credential configs for user-principal 'u' are SCRAM-SHA-256=iterations=4096, SCRAM-SHA-512=iterations=8192
func oracleUserCredentials(t testing.TB, user string) map[string]int {
	t.Helper()
	out := kafkaTool(t, "configs", "--bootstrap-server", k(t, "KAFKA_BOOTSTRAP"), "--describe", "--entity-type", "users", "--entity-name", user)
	m := map[string]int{}
	for _, l := range lines(out) {
		_, list, ok := strings.Cut(l, "' are ")
		if !ok {
			continue
		}
		for _, c := range strings.Split(list, ", ") {
			mech, it, _ := strings.Cut(c, "=iterations=")
			m[mech] = atoi(t, it)
		}
	}
	return m
}

// A SCRAM user made with streamctl logs in (with streamctl), its
// credentials read the same in kafka-configs, its password appears in no
// output (not even librdkafka's debug logs), and once a mechanism's
// credential is deleted that mechanism no longer logs in.
func TestSCRAMUsers(t *testing.T) {
	t.Parallel()
	admin := newUserNoBrokers(t)
	admin.setenv("E2E_ADMIN_PASSWORD", k(t, "KAFKA_SCRAM_ADMIN_PASSWORD"))
	admin.run("profile", "create", "admin", "--brokers", k(t, "KAFKA_SASL_BOOTSTRAP"), "--sasl-mechanism", "SCRAM-SHA-512",
		"--username", k(t, "KAFKA_SCRAM_ADMIN_USER"), "--password-env", "E2E_ADMIN_PASSWORD").ok(t)
	name := uniqueName(t, "")
	password := "pw-" + name
	admin.setenv("E2E_NEW_PASSWORD", password)
	var tr transcript
	run := func(u *user, args ...string) result { t.Helper(); return tr.add(u.run(args...)) }

	// The dry run asks for no password and creates nothing.
	var plan struct {
		User        string `json:"user"`
		Credentials []struct {
			Mechanism  string `json:"mechanism"`
			Iterations int    `json:"iterations"`
			Exists     bool   `json:"exists"`
		} `json:"credentials"`
		Executed bool `json:"executed"`
	}
	run(admin, "user", "create", name, "--iterations", "8192", "-o", "json").ok(t).json(t, &plan)
	if plan.Executed || len(plan.Credentials) != 2 || plan.Credentials[0].Exists {
		t.Fatalf("dry run: %+v", plan)
	}
	run(admin, "user", "list", name).exit(t, 1).errContains(t, "has no SCRAM credentials")
	run(admin, "user", "create", name, "--password-env", "E2E_NEW_PASSWORD", "--iterations", "8192", "--execute",
		"-v", "-X", "debug=admin,protocol,security").ok(t)

	var creds []stCredential
	run(admin, "user", "list", name, "-o", "json").ok(t).json(t, &creds)
	got := map[string]int{}
	for _, c := range creds {
		got[c.Mechanism] = c.Iterations
	}
	oracle := oracleUserCredentials(t, name)
	if !maps.Equal(got, oracle) || got["SCRAM-SHA-256"] != 8192 || got["SCRAM-SHA-512"] != 8192 {
		t.Errorf("credentials: streamctl %v, kafka-configs %v, want both mechanisms at 8192 iterations", got, oracle)
	}

	if r := run(admin, "__complete", "user", "delete", name[:len(name)-3]); !strings.Contains(r.stdout, name+"\n") {
		t.Errorf("user delete does not complete %s:\n%s", name, r)
	}

	login := func(mechanism string, pw string) result {
		t.Helper()
		u := newUserNoBrokers(t)
		u.setenv("E2E_PW", pw)
		u.run("profile", "create", "p", "--brokers", k(t, "KAFKA_SASL_BOOTSTRAP"), "--sasl-mechanism", mechanism,
			"--username", name, "--password-env", "E2E_PW").ok(t)
		return tr.add(u.run("topic", "list"))
	}
	eventually(t, 30*time.Second, func() (bool, string) {
		r := login("SCRAM-SHA-512", password)
		return r.code == 0, r.String()
	})
	login("SCRAM-SHA-256", password).ok(t)
	login("SCRAM-SHA-512", "wrong-"+password).exit(t, 1).errContains(t, "authentication failed")

	// A new password replaces the old one (and its iterations: 4096 by default).
	r := run(admin, "user", "create", name, "--mechanism", "SCRAM-SHA-256", "--password-env", "E2E_ADMIN_PASSWORD", "--execute").ok(t)
	if !strings.Contains(r.stdout, "password changed") {
		t.Errorf("create for an existing credential should say it changes the password:\n%s", r)
	}

	run(admin, "user", "delete", name, "--mechanism", "SCRAM-SHA-512", "--execute").exit(t, 2).errContains(t, "--yes")
	run(admin, "user", "delete", name, "--mechanism", "SCRAM-SHA-512", "--execute", "--yes").ok(t)
	if o := oracleUserCredentials(t, name); len(o) != 1 || o["SCRAM-SHA-256"] != 4096 {
		t.Errorf("after deleting SCRAM-SHA-512, kafka-configs shows %v", o)
	}
	eventually(t, 30*time.Second, func() (bool, string) {
		r := login("SCRAM-SHA-512", password)
		return r.code == 1, r.String()
	})
	run(admin, "user", "delete", name, "--mechanism", "SCRAM-SHA-512").exit(t, 1).errContains(t, "has no SCRAM-SHA-512 credential")
	run(admin, "user", "delete", name, "--execute", "--yes").ok(t)
	if o := oracleUserCredentials(t, name); len(o) != 0 {
		t.Errorf("after delete, kafka-configs shows %v", o)
	}

	// Bad input.
	run(admin, "user", "create", name, "--iterations", "100").exit(t, 2).errContains(t, "4096 to 16384")
	run(admin, "user", "create", name, "--mechanism", "SCRAM-SHA-1").exit(t, 2).errContains(t, "SCRAM-SHA-256 or SCRAM-SHA-512")
	run(admin, "user", "create", name, "--password-env", "E2E_UNSET_VARIABLE").exit(t, 2).errContains(t, "not set")
	run(admin, "user", "create", name, "--execute").exit(t, 2).errContains(t, "not on a terminal")
	run(admin, "user", "create", "a,b").exit(t, 2)
	tr.assertAbsent(t, password)
	tr.assertAbsent(t, k(t, "KAFKA_SCRAM_ADMIN_PASSWORD"))
}

// oracleBrokerConfigs runs kafka-configs --describe --entity-type brokers,
// for the cluster default (broker "") or one broker: the dynamic configs
// set at that level, name to value.
//
//	Default configs for brokers in the cluster are:
//	  log.cleaner.threads=2 sensitive=false synonyms={DYNAMIC_DEFAULT_BROKER_CONFIG:log.cleaner.threads=2}
func oracleBrokerConfigs(t testing.TB, broker string) map[string]string {
	t.Helper()
	args := []string{"--bootstrap-server", k(t, "KAFKA_BOOTSTRAP"), "--describe", "--entity-type", "brokers"}
	if broker == "" {
		args = append(args, "--entity-default")
	} else {
		args = append(args, "--entity-name", broker)
	}
	return parseDynamicConfigs(kafkaTool(t, "configs", args...))
}

// cluster config: set, delete and get for the cluster default and one
// broker, each against kafka-configs on the same state; the dry run lets
// the broker validate and changes nothing; a broker that does not exist,
// a config that cannot change while running, and malformed input are
// refused with their exit codes. It changes log cleaner settings only
// (no other test depends on them) and puts them back.
func TestClusterConfig(t *testing.T) {
	t.Parallel()
	u := newUser(t)
	type entry struct {
		Name   string `json:"name"`
		Value  string `json:"value"`
		Source string `json:"source"`
	}
	get := func(args ...string) map[string]string {
		t.Helper()
		var es []entry
		u.run(append([]string{"cluster", "config", "get", "-o", "json"}, args...)...).ok(t).json(t, &es)
		m := map[string]string{}
		for _, e := range es {
			m[e.Name] = e.Value
		}
		return m
	}
	t.Cleanup(func() {
		u.run("cluster", "config", "delete", "log.cleaner.backoff.ms", "--execute")
		u.run("cluster", "config", "delete", "log.cleaner.io.buffer.load.factor", "--broker", "1", "--execute")
	})

	r := u.run("cluster", "config", "set", "log.cleaner.backoff.ms=15001").ok(t)
	r.errContains(t, "Dry run")
	if _, set := oracleBrokerConfigs(t, "")["log.cleaner.backoff.ms"]; set {
		t.Fatal("the dry run changed the cluster default")
	}
	u.run("cluster", "config", "set", "log.cleaner.backoff.ms=15001", "--execute").ok(t)
	u.run("cluster", "config", "set", "log.cleaner.io.buffer.load.factor=0.8", "--broker", "1", "--execute").ok(t)
	eventually(t, 30*time.Second, func() (bool, string) {
		st, oracle := get(), oracleBrokerConfigs(t, "")
		return maps.Equal(st, oracle) && st["log.cleaner.backoff.ms"] == "15001", fmt.Sprintf("cluster default: streamctl %v, kafka-configs %v", st, oracle)
	})
	eventually(t, 30*time.Second, func() (bool, string) {
		var es []entry
		u.run("cluster", "config", "get", "--broker", "1", "--dynamic", "-o", "json").ok(t).json(t, &es)
		st := map[string]string{}
		for _, e := range es {
			if e.Source == "DYNAMIC_BROKER_CONFIG" { // kafka-configs --entity-name shows this level only
				st[e.Name] = e.Value
			}
		}
		oracle := oracleBrokerConfigs(t, "1")
		return maps.Equal(st, oracle) && st["log.cleaner.io.buffer.load.factor"] == "0.8", fmt.Sprintf("broker 1: streamctl %v, kafka-configs %v", st, oracle)
	})
	// A broker's view shows where each value comes from.
	var es []entry
	u.run("cluster", "config", "get", "--broker", "1", "log.cleaner.backoff.ms", "log.cleaner.threads", "-o", "json").ok(t).json(t, &es)
	if len(es) != 2 || es[0].Source != "DYNAMIC_DEFAULT_BROKER_CONFIG" || es[0].Value != "15001" || es[1].Source != "DEFAULT_CONFIG" {
		t.Errorf("broker 1's view: %+v", es)
	}

	u.run("cluster", "config", "delete", "log.cleaner.backoff.ms", "--execute").ok(t)
	eventually(t, 30*time.Second, func() (bool, string) {
		_, set := oracleBrokerConfigs(t, "")["log.cleaner.backoff.ms"]
		return !set, "kafka-configs still shows the deleted default"
	})

	r = u.run("cluster", "config", "get", "--broker", "9").exit(t, 1)
	r.errContains(t, "broker 9 is not in cluster", "its brokers: 1")
	if r.duration > 20*time.Second {
		t.Errorf("an unknown broker took %s to refuse (it must not wait for the broker)", r.duration)
	}
	u.run("cluster", "config", "set", "log.dirs=/tmp/x").exit(t, 1).errContains(t, "Cannot update these configs dynamically")
	u.run("cluster", "config", "set", "log.dirs=/tmp/x", "--execute").exit(t, 1)
	u.run("cluster", "config", "set", "log.retention.ms").exit(t, 2).errContains(t, "key=value")
	u.run("cluster", "config", "set", "a=b", "--broker", "-3").exit(t, 2)
}

// Topic sizes and log dirs against kafka-log-dirs on the same state: each
// partition's size in topic describe is the one kafka-log-dirs reports,
// the topic's is their sum in describe and list, and cluster describe
// names the broker's log dir with a size that holds them.
func TestTopicSizesParity(t *testing.T) {
	t.Parallel()
	u := newUser(t)
	topic := uniqueName(t, "")
	u.run("topic", "create", topic, "--partitions", "3").ok(t)
	var in strings.Builder
	for i := range 600 {
		fmt.Fprintf(&in, "key-%d\t{\"n\":%d,\"pad\":%q}\n", i, i, strings.Repeat("x", i%50))
	}
	u.runIn(in.String(), "produce", topic, "--parse-key").ok(t)

	out := kafkaTool(t, "log-dirs", "--bootstrap-server", k(t, "KAFKA_BOOTSTRAP"), "--describe", "--topic-list", topic)
	var ld struct {
		Brokers []struct {
			Broker  int32 `json:"broker"`
			LogDirs []struct {
				LogDir     string `json:"logDir"`
				Partitions []struct {
					Partition string `json:"partition"`
					Size      int64  `json:"size"`
				} `json:"partitions"`
			} `json:"logDirs"`
		} `json:"brokers"`
	}
	for _, l := range lines(out) {
		if strings.HasPrefix(l, "{") {
			if err := json.Unmarshal([]byte(l), &ld); err != nil {
				t.Fatalf("kafka-log-dirs: %v\n%s", err, out)
			}
		}
	}
	if len(ld.Brokers) != 1 || len(ld.Brokers[0].LogDirs) != 1 {
		t.Fatalf("kafka-log-dirs: want one broker with one log dir:\n%s", out)
	}
	oracle := map[int32]int64{}
	for _, p := range ld.Brokers[0].LogDirs[0].Partitions {
		n, _ := strconv.Atoi(strings.TrimPrefix(p.Partition, topic+"-"))
		oracle[int32(n)] = p.Size
	}

	var ds []struct {
		SizeBytes  *int64 `json:"size_bytes"`
		Partitions []struct {
			Partition int32  `json:"partition"`
			Records   int64  `json:"records"`
			SizeBytes *int64 `json:"size_bytes"`
		} `json:"partition_details"`
	}
	u.run("topic", "describe", topic, "-o", "json").ok(t).json(t, &ds)
	got, sum := map[int32]int64{}, int64(0)
	for _, p := range ds[0].Partitions {
		if p.SizeBytes == nil || (*p.SizeBytes > 0) != (p.Records > 0) {
			t.Fatalf("partition %d: size %v for %d records", p.Partition, p.SizeBytes, p.Records)
		}
		got[p.Partition] = *p.SizeBytes
		sum += *p.SizeBytes
	}
	if !maps.Equal(got, oracle) {
		t.Errorf("partition sizes: streamctl %v, kafka-log-dirs %v", got, oracle)
	}
	if ds[0].SizeBytes == nil || *ds[0].SizeBytes != sum {
		t.Errorf("topic size %v, want the sum %d", ds[0].SizeBytes, sum)
	}
	var ls []struct {
		Name      string `json:"name"`
		SizeBytes *int64 `json:"size_bytes"`
	}
	u.run("topic", "list", "-o", "json", "--pattern", topic).ok(t).json(t, &ls)
	if len(ls) != 1 || ls[0].SizeBytes == nil || *ls[0].SizeBytes != sum {
		t.Errorf("topic list: %+v, want size %d", ls, sum)
	}

	var cd struct {
		Brokers []struct {
			ID      int32 `json:"id"`
			LogDirs []struct {
				Path        string `json:"path"`
				SizeBytes   int64  `json:"size_bytes"`
				Partitions  int    `json:"partitions"`
				TotalBytes  int64  `json:"total_bytes"`
				UsableBytes int64  `json:"usable_bytes"`
			} `json:"log_dirs"`
		} `json:"brokers"`
	}
	u.run("cluster", "describe", "-o", "json").ok(t).json(t, &cd)
	if len(cd.Brokers) != 1 || len(cd.Brokers[0].LogDirs) != 1 {
		t.Fatalf("cluster describe: want one broker with one log dir: %+v", cd)
	}
	d := cd.Brokers[0].LogDirs[0]
	if d.Path != ld.Brokers[0].LogDirs[0].LogDir || d.SizeBytes < sum || d.Partitions < 3 || d.TotalBytes <= 0 || d.UsableBytes <= 0 || d.UsableBytes > d.TotalBytes {
		t.Errorf("log dir %+v: want %s, holding at least %d bytes in 3 partitions, on a volume with sizes", d, ld.Brokers[0].LogDirs[0].LogDir, sum)
	}
	r := u.run("cluster", "describe").ok(t)
	if !strings.Contains(r.stdout, d.Path) {
		t.Errorf("the table lacks the log dir:\n%s", r)
	}
}

// delete-records against kafka-delete-records: the same offset JSON file
// applied by each tool to a twin topic (the same keyed records) leaves the
// same log start offsets; --before OFFSET, end and @TIME resolve with
// Kafka's semantics; the dry run changes nothing; bad input is refused.
func TestDeleteRecordsParity(t *testing.T) {
	t.Parallel()
	u := newUser(t)
	ours, theirs := uniqueName(t, "streamctl"), uniqueName(t, "kafka")
	var in strings.Builder
	for i := range 300 {
		fmt.Fprintf(&in, "key-%d\tv%d\n", i, i)
	}
	for _, topic := range []string{ours, theirs} {
		u.run("topic", "create", topic, "--partitions", "3").ok(t)
		u.runIn(in.String(), "produce", topic, "--parse-key").ok(t)
	}
	before := u.describe(ours)
	end := map[int32]int64{}
	for _, p := range before.PartitionDetails {
		end[p.Partition] = p.LogEndOffset
	}
	file := func(topic string) string {
		t.Helper()
		body := fmt.Sprintf(`{"partitions":[{"topic":%q,"partition":0,"offset":10},{"topic":%q,"partition":1,"offset":-1},{"topic":%q,"partition":2,"offset":0}],"version":1}`, topic, topic, topic)
		return u.writeFile(topic+".json", []byte(body), 0o600)
	}

	var plan struct {
		Partitions []struct {
			Partition      int32  `json:"partition"`
			BeforeOffset   int64  `json:"before_offset"`
			RecordsDeleted int64  `json:"records_deleted"`
			NewLogStart    *int64 `json:"new_log_start_offset"`
		} `json:"partitions"`
		Executed bool `json:"executed"`
	}
	u.run("topic", "delete-records", "--offset-json-file", file(ours), "-o", "json").ok(t).json(t, &plan)
	if plan.Executed || len(plan.Partitions) != 3 || plan.Partitions[0].RecordsDeleted != 10 || plan.Partitions[1].BeforeOffset != end[1] || plan.Partitions[2].RecordsDeleted != 0 {
		t.Fatalf("dry run plan %+v (log ends %v)", plan, end)
	}
	if st := oracleOffsets(t, ours, "earliest"); st[0] != 0 || st[1] != 0 {
		t.Fatalf("the dry run deleted records: log starts %v", st)
	}
	u.run("topic", "delete-records", "--offset-json-file", file(ours), "--execute", "--yes", "-o", "json").ok(t).json(t, &plan)
	kafkaTool(t, "delete-records", "--bootstrap-server", k(t, "KAFKA_BOOTSTRAP"), "--offset-json-file", file(theirs))
	if a, b := oracleOffsets(t, ours, "earliest"), oracleOffsets(t, theirs, "earliest"); !maps.Equal(a, b) || a[0] != 10 || a[1] != end[1] {
		t.Errorf("log starts: after streamctl %v, after kafka-delete-records %v (log ends %v)", a, b, end)
	}
	if !plan.Executed || plan.Partitions[0].NewLogStart == nil || *plan.Partitions[0].NewLogStart != 10 {
		t.Errorf("executed plan %+v: want the broker's new log start 10 for partition 0", plan)
	}

	// --before forms, on partition 2 (untouched so far).
	r := u.run("topic", "delete-records", ours+":2", "--before", "5", "--execute", "--yes").ok(t)
	r.errContains(t, "Deleted 5 records")
	u.run("topic", "delete-records", ours+":2", "--before", "3").ok(t).errContains(t, "Nothing to delete")
	u.run("topic", "delete-records", ours+":2", "--before", "@-1h").ok(t).errContains(t, "Nothing to delete")
	future := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	u.run("topic", "delete-records", ours+":2", "--before", "@"+future, "--execute", "--yes").ok(t)
	if st := oracleOffsets(t, ours, "earliest"); st[2] != end[2] {
		t.Errorf("--before @%s (after every record) should delete them all: log start %d, end %d", future, st[2], end[2])
	}

	u.run("topic", "delete-records", ours+":0", "--before", strconv.FormatInt(end[0]+1, 10)).exit(t, 1).errContains(t, "past the log end offset")
	u.run("topic", "delete-records", ours+":9", "--before", "1").exit(t, 1).errContains(t, "has no partition 9")
	u.run("topic", "delete-records", "no-such-topic-"+ours, "--before", "1").exit(t, 1).errContains(t, "not found")
	u.run("topic", "delete-records", ours, "--before", "soon").exit(t, 2).errContains(t, "want an offset")
	u.run("topic", "delete-records", ours).exit(t, 2)
	bad := u.writeFile("bad.json", []byte(`{"partitions":[{"topic":"x","partition":0}],"version":1}`), 0o600)
	u.run("topic", "delete-records", "--offset-json-file", bad).exit(t, 2).errContains(t, "want topic, partition and offset")
	u.run("topic", "delete-records", "--offset-json-file", filepath.Join(u.home, "missing.json")).exit(t, 2)
}

// version: without a cluster it needs no config and opens no connection
// (a listener that would see one sees none); --version is one line; with
// --cluster each broker's API ranges are what kafka-broker-api-versions
// reports and its Kafka version is the broker's.
func TestVersion(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	var dialed atomic.Int32
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			dialed.Add(1)
			c.Close()
		}
	}()
	u := newUserNoBrokers(t)
	u.setenv("STREAMCTL_BROKERS", l.Addr().String())
	var v struct {
		Version    string `json:"version"`
		Commit     string `json:"commit"`
		GoVersion  string `json:"go_version"`
		Librdkafka string `json:"librdkafka_version"`
		Brokers    []struct {
			ID           int32  `json:"id"`
			KafkaVersion string `json:"kafka_version"`
			APIs         []struct {
				Key  int16  `json:"key"`
				Name string `json:"name"`
				Min  int16  `json:"min_version"`
				Max  int16  `json:"max_version"`
			} `json:"api_versions"`
		} `json:"brokers"`
	}
	u.run("version", "-o", "json").ok(t).json(t, &v)
	if v.Version == "" || v.Commit == "" || !strings.HasPrefix(v.GoVersion, "go") || !regexp.MustCompile(`^\d+\.\d+\.\d+`).MatchString(v.Librdkafka) || v.Brokers != nil {
		t.Errorf("version: %+v", v)
	}
	r := u.run("--version").ok(t)
	if lines := lines(r.stdout); len(lines) != 1 || !strings.HasPrefix(lines[0], "streamctl ") || !strings.Contains(lines[0], "librdkafka "+v.Librdkafka) {
		t.Errorf("--version: want one line naming streamctl and librdkafka:\n%s", r)
	}
	u.run("version").ok(t)
	time.Sleep(100 * time.Millisecond)
	if n := dialed.Load(); n != 0 {
		t.Errorf("version without --cluster connected to the brokers %d times", n)
	}
	if _, err := os.Stat(u.configPath()); err == nil {
		t.Errorf("version wrote a config file")
	}

	u = newUser(t)
	u.run("version", "--cluster", "-o", "json").ok(t).json(t, &v)
	if len(v.Brokers) != 1 || !strings.HasPrefix(kenv["KAFKA_VERSION"], strings.TrimPrefix(v.Brokers[0].KafkaVersion, "v")) {
		t.Fatalf("version --cluster: brokers %+v, want one running Kafka %s", v.Brokers, kenv["KAFKA_VERSION"])
	}
	// kafka-broker-api-versions: "\tProduce(0): 0 to 13 [usable: 13],"
	out := kafkaTool(t, "api-versions", "--bootstrap-server", k(t, "KAFKA_BOOTSTRAP"))
	// and "\tShareFetch(78): 1 to 2 [usable: 2]" or "\tListPartitionReassignments(46): 0 [usable: 0]".
	re := regexp.MustCompile(`^\s*([A-Za-z]+)\((\d+)\): (\d+)(?: to (\d+))? \[`)
	oracle := map[int16]string{}
	for _, l := range lines(out) {
		if m := re.FindStringSubmatch(l); m != nil {
			oracle[int16(atoi(t, m[2]))] = m[3] + "-" + cmp.Or(m[4], m[3])
		}
	}
	got := map[int16]string{}
	for _, a := range v.Brokers[0].APIs {
		got[a.Key] = fmt.Sprintf("%d-%d", a.Min, a.Max)
	}
	if len(oracle) < 40 || !maps.Equal(got, oracle) {
		t.Errorf("API ranges differ from kafka-broker-api-versions:\n  streamctl %v\n  kafka     %v", got, oracle)
	}
}
