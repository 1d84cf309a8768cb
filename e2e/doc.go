// Package e2e holds streamctl's end-to-end tests: they build the streamctl
// binary and run it as a user would (a subprocess with real flags, stdin,
// stdout, stderr and exit codes) against a real Apache Kafka broker started
// by scripts/kafka-broker, and compare its answers with Kafka's own tools
// (scripts/kafka-tool) on the same cluster state.
//
// The tests carry the build tag e2e, so `go test ./...` does not run them:
//
//	go test -tags e2e -count=1 ./e2e/...
//
// Tests run 4 at a time unless -parallel says otherwise: they mostly wait
// on subprocesses. One broker serves the whole run. It is stopped at the end unless
// STREAMCTL_E2E_KEEP_BROKER=1, which leaves it running for the next run to
// reuse (stop it with STREAMCTL_KAFKA_RUN=.cache/kafka-e2e
// scripts/kafka-broker stop). Without Java, openssl or (before the jars are
// cached) Maven the suite is skipped with one line, except under CI=true,
// where that is a failure.
package e2e
