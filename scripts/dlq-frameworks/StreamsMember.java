import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;

/**
 * A Kafka Streams application in a streams group (KIP-1071,
 * group.protocol=streams): it reads TOPIC as application APP_ID, fails on
 * every value that is not a JSON object, and has Kafka Streams put those in
 * DLQ_TOPIC (KIP-1034, __streams.errors.* headers). It stops once it has seen
 * COUNT records; closing commits them.
 *
 * Usage: StreamsMember BOOTSTRAP APP_ID TOPIC DLQ_TOPIC COUNT
 */
public class StreamsMember {
    public static void main(String[] a) throws Exception {
        if (a.length != 5) {
            System.err.println("usage: StreamsMember BOOTSTRAP APP_ID TOPIC DLQ_TOPIC COUNT");
            System.exit(64);
        }
        int count = Integer.parseInt(a[4]);
        Properties p = new Properties();
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, a[0]);
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, a[1]);
        p.put(StreamsConfig.GROUP_PROTOCOL_CONFIG, "streams");
        p.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class);
        p.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class);
        p.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("streams-member").toString());
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueProcessingExceptionHandler.class);
        p.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, a[3]);
        p.put("consumer.auto.offset.reset", "earliest");

        CountDownLatch seen = new CountDownLatch(count);
        StreamsBuilder b = new StreamsBuilder();
        b.<byte[], byte[]>stream(a[2]).peek((k, v) -> seen.countDown()).mapValues(v -> {
            String s = new String(v, StandardCharsets.UTF_8);
            if (!s.startsWith("{")) {
                throw new IllegalArgumentException("not a JSON object: " + s);
            }
            return v;
        }).foreach((k, v) -> { });
        try (KafkaStreams streams = new KafkaStreams(b.build(), p)) {
            streams.start();
            if (!seen.await(2, TimeUnit.MINUTES)) {
                System.err.println("saw " + (count - seen.getCount()) + " of " + count + " records");
                System.exit(1);
            }
        }
    }
}
