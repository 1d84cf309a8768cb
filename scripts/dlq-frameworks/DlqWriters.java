import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.ListenerExecutionFailedException;

/**
 * One hop of a Spring Kafka retry chain, written by Spring Kafka itself.
 *
 * Usage: DlqWriters BOOTSTRAP FROM_TOPIC PARTITION OFFSET TO_TOPIC GROUP CAUSE_CLASS MESSAGE
 *
 * Reads the record at FROM_TOPIC[PARTITION]@OFFSET and hands it to a
 * DeadLetterPublishingRecoverer, as a listener container of GROUP does when
 * its listener threw (a ListenerExecutionFailedException caused by
 * CAUSE_CLASS(MESSAGE)); the recoverer publishes it to TO_TOPIC, same
 * partition, with its kafka_dlt-* headers.
 */
public class DlqWriters {
    public static void main(String[] a) throws Exception {
        if (a.length != 8) {
            System.err.println("usage: DlqWriters BOOTSTRAP FROM_TOPIC PARTITION OFFSET TO_TOPIC GROUP CAUSE_CLASS MESSAGE");
            System.exit(64);
        }
        String bootstrap = a[0], from = a[1], to = a[4], group = a[5];
        int partition = Integer.parseInt(a[2]);
        long offset = Long.parseLong(a[3]);
        Map<String, Object> consumerProps = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        ConsumerRecord<byte[], byte[]> record = null;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps)) {
            TopicPartition tp = new TopicPartition(from, partition);
            consumer.assign(List.of(tp));
            consumer.seek(tp, offset);
            long deadline = System.currentTimeMillis() + 30_000;
            while (record == null && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.offset() == offset) {
                        record = r;
                    }
                }
            }
        }
        if (record == null) {
            System.err.println("no record at " + from + "[" + partition + "]@" + offset);
            System.exit(1);
        }
        DefaultKafkaProducerFactory<byte[], byte[]> pf = new DefaultKafkaProducerFactory<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
        try {
            KafkaTemplate<byte[], byte[]> template = new KafkaTemplate<>(pf);
            DeadLetterPublishingRecoverer recoverer = new DeadLetterPublishingRecoverer(template,
                    (r, e) -> new TopicPartition(to, r.partition()));
            Throwable cause = (Throwable) Class.forName(a[6]).getConstructor(String.class).newInstance(a[7]);
            recoverer.accept(record, new ListenerExecutionFailedException("Listener method threw exception", group, cause));
        } finally {
            pf.destroy();
        }
    }
}
