package ckadmin

import ck "github.com/confluentinc/confluent-kafka-go/v2/kafka"

// LibrdkafkaVersion is the version of the librdkafka linked in.
func LibrdkafkaVersion() string {
	_, v := ck.LibraryVersion()
	return v
}
