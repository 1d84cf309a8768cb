package playground

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"slices"
	"strings"
	"time"

	"github.com/streamctl/streamctl/internal/config"
	"github.com/streamctl/streamctl/internal/kafka"
)

// SaveProfile points the playground profile name in file at the broker
// addr and the registry, creating it when there is none, and makes it
// current when no profile is; it reports whether it is current, with a
// note when the profile pointed elsewhere before. A profile that points at
// a broker which still answers (a playground started before) is left
// alone: repointing it would send that one's users here without a word.
func SaveProfile(file *config.File, name, addr, registryURL string) (current bool, note string, err error) {
	if file.Profiles == nil {
		file.Profiles = map[string]*config.Profile{}
	}
	p := file.Profiles[name]
	switch {
	case p == nil:
		p = &config.Profile{}
		file.Profiles[name] = p
	case len(p.Brokers) > 0 && !slices.Equal(p.Brokers, []string{addr}):
		was := strings.Join(p.Brokers, ",")
		if answers(p.Brokers) {
			return false, "", fmt.Errorf("profile %q points at %s, where a broker answers (another playground?): name this one's profile with --profile-name, or stop that one first", name, was)
		}
		note = fmt.Sprintf("Profile %q pointed at %s, where nothing answers now; it points at %s.", name, was, addr)
	}
	p.Brokers, p.SchemaRegistry = []string{addr}, &config.SchemaRegistry{URL: registryURL}
	if file.CurrentProfile == "" {
		file.CurrentProfile = name
	}
	return file.CurrentProfile == name, note, file.Save()
}

// answers reports whether any of the brokers accepts a connection.
func answers(brokers []string) bool {
	for _, b := range brokers {
		if c, err := net.DialTimeout("tcp", b, 500*time.Millisecond); err == nil {
			c.Close()
			return true
		}
	}
	return false
}

// SeedDemo seeds the demo data on the broker at addr unless a persisted
// playground already has it; it reports whether it seeded.
func SeedDemo(ctx context.Context, addr string, log *slog.Logger) (bool, error) {
	client, err := kafka.Connect(&config.Cluster{Profile: "playground", Brokers: []string{addr}, Timeout: 10 * time.Second}, log)
	if err != nil {
		return false, err
	}
	defer client.Close()
	if done, err := Seeded(ctx, client); err != nil || done {
		return false, err
	}
	return true, Seed(ctx, client, time.Now())
}
