package kafka

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
	"github.com/twmb/franz-go/pkg/sasl"
	"github.com/twmb/franz-go/pkg/sasl/plain"
	"github.com/twmb/franz-go/pkg/sasl/scram"
)

// DeleteGroupOffsets deletes a group's committed offsets on the given
// partitions: Kafka's OffsetDelete request, what `kafka-consumer-groups
// --delete-offsets` sends. The broker answers per partition; a partition the
// group's members are subscribed to fails with "group subscribed to topic".
// The returned map holds an error for each partition that was refused.
//
// librdkafka can send OffsetDelete but confluent-kafka-go has no binding for
// it, so this one request goes through franz-go's protocol client (already
// here for the playground), connected with the same brokers, SASL and TLS
// settings as the librdkafka client.
func (c *Client) DeleteGroupOffsets(ctx context.Context, group string, parts []TopicPartition) (map[TopicPartition]error, error) {
	opts, err := wireOptions(c.cluster.ClientConfig())
	if err != nil {
		return nil, fmt.Errorf("deleting offsets of group %q: %w", group, err)
	}
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		return nil, fmt.Errorf("deleting offsets of group %q: %w", group, err)
	}
	defer cl.Close()

	req := kmsg.NewPtrOffsetDeleteRequest()
	req.Group = group
	byTopic := map[string]int{}
	for _, tp := range parts {
		i, ok := byTopic[tp.Topic]
		if !ok {
			i = len(req.Topics)
			byTopic[tp.Topic] = i
			t := kmsg.NewOffsetDeleteRequestTopic()
			t.Topic = tp.Topic
			req.Topics = append(req.Topics, t)
		}
		p := kmsg.NewOffsetDeleteRequestTopicPartition()
		p.Partition = tp.Partition
		req.Topics[i].Partitions = append(req.Topics[i].Partitions, p)
	}

	ctx, cancel := context.WithTimeout(ctx, c.cluster.Timeout)
	defer cancel()
	resp, err := req.RequestWith(ctx, cl)
	if err != nil {
		return nil, c.wireError(ctx, fmt.Sprintf("deleting offsets of group %q", group), err)
	}
	if err := kerr.ErrorForCode(resp.ErrorCode); err != nil {
		return nil, fmt.Errorf("deleting offsets of group %q: %w", group, offsetDeleteError(err))
	}
	failed := map[TopicPartition]error{}
	for _, t := range resp.Topics {
		for _, p := range t.Partitions {
			if err := kerr.ErrorForCode(p.ErrorCode); err != nil {
				failed[TopicPartition{t.Topic, p.Partition}] = offsetDeleteError(err)
			}
		}
	}
	return failed, nil
}

// offsetDeleteError words the broker's refusals in terms of what to do.
func offsetDeleteError(err error) error {
	switch {
	case errors.Is(err, kerr.GroupSubscribedToTopic):
		return errors.New("the group's members are subscribed to this topic: stop them first")
	case errors.Is(err, kerr.NonEmptyGroup):
		return errors.New("the group has members: stop them first")
	case errors.Is(err, kerr.GroupIDNotFound):
		return errors.New("no such group")
	}
	return err
}

// wireError turns a franz-go request failure into the same error types the
// librdkafka client returns.
func (c *Client) wireError(ctx context.Context, what string, err error) error {
	var certErr *tls.CertificateVerificationError
	var unknownAuth x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	switch {
	case errors.Is(err, kerr.SaslAuthenticationFailed), errors.Is(err, kerr.IllegalSaslState), errors.Is(err, kerr.UnsupportedSaslMechanism):
		return &AuthError{Mechanism: c.cluster.Mechanism(), User: c.cluster.User(), Detail: err.Error()}
	case errors.As(err, &certErr), errors.As(err, &unknownAuth), errors.As(err, &hostErr):
		return &TLSError{Detail: err.Error()}
	case strings.Contains(err.Error(), "tls: "):
		return &TLSError{Detail: err.Error() + "; " + c.clientCertHint()}
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return &ConnectionError{Brokers: c.cluster.Brokers, Timeout: c.cluster.Timeout, Cause: err.Error(), What: what}
	}
	var netErr net.Error
	if errors.As(err, &netErr) {
		return &ConnectionError{Brokers: c.cluster.Brokers, Timeout: c.cluster.Timeout, Cause: err.Error(), What: what}
	}
	return fmt.Errorf("%s: %w", what, err)
}

// wireOptions translates the librdkafka configuration the cluster resolves
// to (profile, flags and -X properties merged) into franz-go options, so
// both clients connect the same way. Connection settings it cannot carry
// over are refused rather than silently dropped.
func wireOptions(conf map[string]string) ([]kgo.Opt, error) {
	id := conf["client.id"]
	if id == "" {
		id = "streamctl"
	}
	opts := []kgo.Opt{kgo.SeedBrokers(strings.Split(conf["bootstrap.servers"], ",")...), kgo.ClientID(id)}
	for _, k := range []string{"ssl.keystore.location", "ssl.key.password", "ssl.certificate.pem", "ssl.key.pem", "ssl.ca.pem", "sasl.oauthbearer.config", "sasl.kerberos.service.name"} {
		if conf[k] != "" {
			return nil, fmt.Errorf("the %s property is not supported by this command", k)
		}
	}
	proto := strings.ToUpper(conf["security.protocol"])
	switch proto {
	case "", "PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL":
	default:
		return nil, fmt.Errorf("security.protocol %q is not supported by this command", conf["security.protocol"])
	}
	if strings.HasPrefix(proto, "SASL_") {
		mech := conf["sasl.mechanisms"]
		if mech == "" {
			mech = conf["sasl.mechanism"]
		}
		if mech == "" {
			mech = "GSSAPI" // librdkafka's default
		}
		user, pass := conf["sasl.username"], conf["sasl.password"]
		var m sasl.Mechanism
		switch strings.ToUpper(mech) {
		case "PLAIN":
			m = plain.Auth{User: user, Pass: pass}.AsMechanism()
		case "SCRAM-SHA-256":
			m = scram.Auth{User: user, Pass: pass}.AsSha256Mechanism()
		case "SCRAM-SHA-512":
			m = scram.Auth{User: user, Pass: pass}.AsSha512Mechanism()
		default:
			return nil, fmt.Errorf("SASL mechanism %s is not supported by this command (PLAIN and SCRAM are)", mech)
		}
		opts = append(opts, kgo.SASL(m))
	}
	if strings.HasSuffix(proto, "SSL") {
		cfg, err := wireTLS(conf)
		if err != nil {
			return nil, err
		}
		opts = append(opts, kgo.DialTLSConfig(cfg))
	}
	return opts, nil
}

// wireTLS builds the TLS configuration librdkafka's ssl.* properties describe.
func wireTLS(conf map[string]string) (*tls.Config, error) {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if ca := conf["ssl.ca.location"]; ca != "" {
		pem, err := os.ReadFile(ca)
		if err != nil {
			return nil, fmt.Errorf("ssl.ca.location: %w", err)
		}
		cfg.RootCAs = x509.NewCertPool()
		if !cfg.RootCAs.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("ssl.ca.location %s: no PEM certificate in it", ca)
		}
	}
	if cert := conf["ssl.certificate.location"]; cert != "" {
		pair, err := tls.LoadX509KeyPair(cert, conf["ssl.key.location"])
		if err != nil {
			return nil, fmt.Errorf("client certificate: %w", err)
		}
		cfg.Certificates = []tls.Certificate{pair}
	}
	switch {
	case strings.EqualFold(conf["enable.ssl.certificate.verification"], "false"):
		cfg.InsecureSkipVerify = true
	case strings.EqualFold(conf["ssl.endpoint.identification.algorithm"], "none"):
		// Verify the chain but not the host name, as librdkafka does here.
		cfg.InsecureSkipVerify = true
		roots := cfg.RootCAs
		cfg.VerifyConnection = func(cs tls.ConnectionState) error {
			inter := x509.NewCertPool()
			for _, c := range cs.PeerCertificates[1:] {
				inter.AddCert(c)
			}
			_, err := cs.PeerCertificates[0].Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter})
			return err
		}
	}
	return cfg, nil
}
