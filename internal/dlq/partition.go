package dlq

import "encoding/binary"

// murmur2 is the Java client's key hash (org.apache.kafka.common.utils.
// Utils.murmur2), which librdkafka's murmur2 and murmur2_random
// partitioners reproduce.
func murmur2(data []byte) int32 {
	const (
		seed uint32 = 0x9747b28c
		m    uint32 = 0x5bd1e995
		r           = 24
	)
	length := len(data)
	h := seed ^ uint32(length)
	for i := 0; i+4 <= length; i += 4 {
		k := binary.LittleEndian.Uint32(data[i:])
		k *= m
		k ^= k >> r
		k *= m
		h *= m
		h ^= k
	}
	tail := data[length&^3:]
	switch len(tail) {
	case 3:
		h ^= uint32(tail[2]) << 16
		fallthrough
	case 2:
		h ^= uint32(tail[1]) << 8
		fallthrough
	case 1:
		h ^= uint32(tail[0])
		h *= m
	}
	h ^= h >> 13
	h *= m
	h ^= h >> 15
	return int32(h)
}

// KeyPartition is the partition the Java client's default partitioner (and
// librdkafka's murmur2_random) picks for a non-null key among n partitions.
func KeyPartition(key []byte, n int) int32 {
	return int32(uint32(murmur2(key))&0x7fffffff) % int32(n)
}
