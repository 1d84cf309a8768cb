package playground

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/twmb/franz-go/pkg/sr"
	"github.com/twmb/franz-go/pkg/sr/srfake"
)

// DefaultRegistryPort is the schema registry's usual port.
const DefaultRegistryPort = 8081

// registry is the playground's schema registry: franz-go's in-memory
// implementation of the Confluent REST API (the one the e2e suite runs the
// same cases against as against a real registry), served on 127.0.0.1. It
// keeps schemas in memory only; the demo schemas are registered again, with
// the same ids, at every start. Its compatibility checks always pass.
type registry struct {
	fake *srfake.Registry
	ln   net.Listener
	srv  *http.Server
}

func startRegistry(port int) (*registry, error) {
	ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		return nil, fmt.Errorf("starting the playground schema registry on 127.0.0.1:%d: %w (pick another with --registry-port)", port, err)
	}
	r := &registry{fake: srfake.NewRegistry(srfake.WithGlobalCompat(sr.CompatBackward)), ln: ln}
	r.srv = &http.Server{Handler: r.fake.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := r.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			_ = err // the listener closed under us: Close is on its way
		}
	}()
	return r, nil
}

func (r *registry) url() string { return "http://" + r.ln.Addr().String() }

func (r *registry) close() { _ = r.srv.Close() }
