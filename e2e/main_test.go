//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Set up by TestMain for every test.
var (
	repoDir string            // the repository root
	binPath string            // the streamctl binary built for this run
	kenv    map[string]string // KAFKA_* exported by scripts/kafka-broker start
	runDir  string            // the broker's run dir (STREAMCTL_KAFKA_RUN)

	// The schema registry (scripts/schema-registry), started beside the
	// broker. regEnv is nil when it could not start; regFail says why, and
	// whether the registry tests must fail rather than skip.
	regEnv    map[string]string
	regRunDir string
	regFail   struct {
		reason string
		fatal  bool
	}
)

// brokerStartTimeout bounds `scripts/kafka-broker start`, which on a fresh
// machine also fetches Kafka's jars with Maven (about 55 MB).
const brokerStartTimeout = 10 * time.Minute

// defaultParallel is -parallel unless given: the tests mostly wait on
// subprocesses (streamctl, Kafka's tools in a JVM) and the broker, so more
// of them than cores run well together.
const defaultParallel = 4

func TestMain(m *testing.M) {
	flag.Parse()
	parallelSet := false
	flag.Visit(func(f *flag.Flag) { parallelSet = parallelSet || f.Name == "test.parallel" })
	if !parallelSet {
		_ = flag.Set("test.parallel", strconv.Itoa(max(defaultParallel, runtime.GOMAXPROCS(0))))
	}
	os.Exit(testMain(m))
}

func testMain(m *testing.M) int {
	var err error
	if repoDir, err = filepath.Abs(".."); err != nil {
		return fatalf("%v", err)
	}
	if _, err := os.Stat(filepath.Join(repoDir, "scripts", "kafka-broker")); err != nil {
		return fatalf("scripts/kafka-broker not found from %s (run go test in the e2e directory): %v", repoDir, err)
	}
	runDir = os.Getenv("STREAMCTL_KAFKA_RUN")
	if runDir == "" {
		// Not the script's default (.cache/kafka-run), so that the suite never
		// stops a broker someone started by hand.
		runDir = filepath.Join(repoDir, ".cache", "kafka-e2e")
	}
	keep := envTrue("STREAMCTL_E2E_KEEP_BROKER")
	regRunDir = os.Getenv("STREAMCTL_REGISTRY_RUN")
	if regRunDir == "" {
		regRunDir = filepath.Join(repoDir, ".cache", "schema-registry-e2e")
	}

	tmp, err := os.MkdirTemp("", "streamctl-e2e-")
	if err != nil {
		return fatalf("%v", err)
	}
	defer os.RemoveAll(tmp)

	// Build the binary while the broker starts: both take seconds.
	built := make(chan error, 1)
	go func() { built <- buildBinary(filepath.Join(tmp, "streamctl")) }()

	var watchdog *exec.Cmd
	if !keep {
		watchdog = startWatchdog([]string{"STREAMCTL_KAFKA_RUN=" + runDir, "STREAMCTL_REGISTRY_RUN=" + regRunDir},
			filepath.Join(repoDir, "scripts", "schema-registry"), filepath.Join(repoDir, "scripts", "kafka-broker"))
	}

	regStarted := make(chan struct{})
	go func() { defer close(regStarted); startRegistry() }()
	env, code, stderr := startBroker()
	buildErr := <-built
	<-regStarted
	if !keep {
		defer stopRegistry()
	}
	switch {
	case code == 2: // java, openssl, go or mvn missing
		stopWatchdog(watchdog)
		reason := lastLine(stderr)
		reason = strings.TrimPrefix(reason, "kafka-broker: ")
		if reason == "" {
			reason = "scripts/kafka-broker cannot run here (exit 2)"
		}
		if envTrue("CI") {
			fmt.Fprintf(os.Stderr, "e2e: FAIL: %s; under CI=true the end-to-end suite must run, not be skipped\n", reason)
			return 1
		}
		line := "e2e: skipped: " + reason
		fmt.Println(line)
		if note := os.Getenv("STREAMCTL_E2E_SKIP_NOTE"); note != "" {
			_ = os.WriteFile(note, []byte(line+"\n"), 0o644)
		}
		// Run nothing: go test then says "[no tests to run]" next to "ok".
		_ = flag.Set("test.run", "^$")
		return m.Run()
	case code != 0:
		fmt.Fprintf(os.Stderr, "e2e: FAIL: the Kafka broker did not start (scripts/kafka-broker start exited %d)\n", code)
		printLogTail(filepath.Join(runDir, "broker.log"))
		if !keep {
			stopBroker()
		}
		stopWatchdog(watchdog)
		return 1
	}
	defer func() {
		if !keep {
			stopBroker()
		} else {
			fmt.Fprintf(os.Stderr, "e2e: broker and registry left running (STREAMCTL_E2E_KEEP_BROKER=1); stop them with STREAMCTL_KAFKA_RUN=%s scripts/kafka-broker stop; STREAMCTL_REGISTRY_RUN=%s scripts/schema-registry stop\n", runDir, regRunDir)
		}
		stopWatchdog(watchdog)
	}()
	if buildErr != nil {
		fmt.Fprintf(os.Stderr, "e2e: FAIL: building streamctl: %v\n", buildErr)
		return 1
	}
	for _, k := range []string{"KAFKA_BOOTSTRAP", "KAFKA_SASL_BOOTSTRAP", "KAFKA_SSL_BOOTSTRAP", "KAFKA_MTLS_BOOTSTRAP", "KAFKA_SSL_CA", "KAFKA_LOG",
		"KAFKA_OAUTH_BOOTSTRAP", "OIDC_TOKEN_ENDPOINT"} {
		if env[k] == "" {
			fmt.Fprintf(os.Stderr, "e2e: FAIL: scripts/kafka-broker start did not export %s (is a --nodes 3 cluster, or a broker an older scripts/kafka-broker started, running in %s? stop it: STREAMCTL_KAFKA_RUN=%s scripts/kafka-broker stop)\n", k, runDir, runDir)
			return 1
		}
	}
	kenv = env
	binPath = filepath.Join(tmp, "streamctl")
	code = m.Run()
	stopSchemaPlayground()
	stopSecondBroker()
	if code != 0 {
		printLogTail(kenv["KAFKA_LOG"])
	}
	return code
}

func fatalf(format string, args ...any) int {
	fmt.Fprintf(os.Stderr, "e2e: FAIL: "+format+"\n", args...)
	return 1
}

func envTrue(name string) bool {
	b, _ := strconv.ParseBool(os.Getenv(name))
	return b
}

func goTool() string {
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	if root := os.Getenv("GOROOT"); root != "" {
		return filepath.Join(root, "bin", "go")
	}
	return "go"
}

func buildBinary(out string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	// Through make, as users build it: the binary carries the version and
	// commit stamp that TestBuildStampsVersion checks.
	cmd := exec.CommandContext(ctx, "make", "--no-print-directory", "build", "BIN="+out, "GO="+goTool())
	cmd.Dir = repoDir
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%v\n%s", err, b)
	}
	return nil
}

// brokerCmd runs scripts/kafka-broker with the suite's run dir.
func brokerCmd(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, filepath.Join(repoDir, "scripts", "kafka-broker"), args...)
	cmd.Env = append(os.Environ(), "STREAMCTL_KAFKA_RUN="+runDir)
	cmd.Dir = repoDir
	cmd.WaitDelay = 10 * time.Second
	return cmd
}

// startBroker runs `scripts/kafka-broker start` (which reuses a broker that
// is already running in runDir) and returns its exports, its exit code and
// its stderr, which is also passed through (go test shows it with -v or on
// failure).
func startBroker() (map[string]string, int, string) {
	ctx, cancel := context.WithTimeout(context.Background(), brokerStartTimeout)
	defer cancel()
	var stdout, stderr bytes.Buffer
	cmd := brokerCmd(ctx, "start")
	cmd.Stdout = &stdout
	cmd.Stderr = io.MultiWriter(&stderr, os.Stderr)
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return parseExports(stdout.String()), 0, stderr.String()
	case errors.As(err, &exit) && ctx.Err() == nil:
		return nil, exit.ExitCode(), stderr.String()
	}
	fmt.Fprintf(os.Stderr, "e2e: scripts/kafka-broker start: %v\n", err)
	return nil, 1, stderr.String()
}

// startRegistry runs `scripts/schema-registry start` (which reuses a
// registry already running in regRunDir) and sets regEnv, or regFail.
func startRegistry() {
	ctx, cancel := context.WithTimeout(context.Background(), brokerStartTimeout)
	defer cancel()
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, filepath.Join(repoDir, "scripts", "schema-registry"), "start")
	cmd.Env = append(os.Environ(), "STREAMCTL_REGISTRY_RUN="+regRunDir)
	cmd.Dir = repoDir
	cmd.WaitDelay = 10 * time.Second
	cmd.Stdout = &stdout
	cmd.Stderr = io.MultiWriter(&stderr, os.Stderr)
	err := cmd.Run()
	if err == nil {
		regEnv = parseExports(stdout.String())
		return
	}
	var exit *exec.ExitError
	regFail.reason = strings.TrimPrefix(lastLine(stderr.String()), "schema-registry: ")
	// A missing prerequisite (exit 2) skips the registry tests, except
	// under CI; a registry that does not start fails them.
	regFail.fatal = envTrue("CI") || !errors.As(err, &exit) || exit.ExitCode() != 2
	if regFail.reason == "" {
		regFail.reason = fmt.Sprintf("scripts/schema-registry start: %v", err)
	}
}

func stopRegistry() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(repoDir, "scripts", "schema-registry"), "stop")
	cmd.Env = append(os.Environ(), "STREAMCTL_REGISTRY_RUN="+regRunDir)
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: scripts/schema-registry stop: %v\n", err)
	}
}

func stopBroker() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := brokerCmd(ctx, "stop")
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: scripts/kafka-broker stop: %v\n", err)
	}
}

// startWatchdog starts a process, outside our process group so that Ctrl-C
// does not reach it, that runs `SCRIPT stop` for each script with env if
// this test binary dies without doing so itself (a panic, go test's
// -timeout, a kill): a broker left behind would load the machine for every
// later run. On a normal exit the caller kills it first.
func startWatchdog(env []string, scripts ...string) *exec.Cmd {
	args := append([]string{"-c", `pid=$1; shift; while kill -0 "$pid" 2>/dev/null; do sleep 1; done; for s; do "$s" stop; done`,
		"e2e-watchdog", strconv.Itoa(os.Getpid())}, scripts...)
	cmd := exec.Command("bash", args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: no watchdog for the broker: %v\n", err)
		return nil
	}
	return cmd
}

// stopWatchdog ends a watchdog whose brokers were stopped in order.
func stopWatchdog(cmd *exec.Cmd) {
	if cmd != nil {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	}
}

// parseExports reads the `export KEY=value` lines the broker script prints;
// a value is either bare or in single quotes, a quote inside written as
// quote, backslash, quote, quote (the shell's idiom).
func parseExports(s string) map[string]string {
	out := map[string]string{}
	for _, line := range strings.Split(s, "\n") {
		line, ok := strings.CutPrefix(strings.TrimSpace(line), "export ")
		if !ok {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		if len(v) >= 2 && v[0] == '\'' && v[len(v)-1] == '\'' {
			v = strings.ReplaceAll(v[1:len(v)-1], `'\''`, `'`)
		}
		out[k] = v
	}
	return out
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

func printLogTail(path string) {
	if path == "" {
		return
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return
	}
	var lines []string
	for _, l := range strings.Split(strings.TrimRight(string(b), "\n"), "\n") {
		// The authentication failure tests cause these on purpose.
		if !strings.Contains(l, "Failed authentication with") {
			lines = append(lines, l)
		}
	}
	if len(lines) > 40 {
		lines = lines[len(lines)-40:]
	}
	fmt.Fprintf(os.Stderr, "e2e: last lines of the broker log %s:\n%s\n", path, strings.Join(lines, "\n"))
	// The JVM's own last words (an OutOfMemoryError exit, a crash) go to the
	// process's stdout, not to the log.
	if b, err := os.ReadFile(filepath.Join(filepath.Dir(path), "stdout.log")); err == nil {
		out := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
		if len(out) > 5 {
			out = out[len(out)-5:]
		}
		fmt.Fprintf(os.Stderr, "e2e: last lines of the broker's stdout:\n%s\n", strings.Join(out, "\n"))
	}
}
