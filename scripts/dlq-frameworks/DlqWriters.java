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
import org.springframework.kafka.retrytopic.DeadLetterPublishingRecovererFactory;
import org.springframework.kafka.retrytopic.DefaultDestinationTopicResolver;
import org.springframework.kafka.retrytopic.DestinationTopic;
import org.springframework.kafka.retrytopic.DltStrategy;

/**
 * One hop of a Spring Kafka retry chain, written by Spring Kafka itself.
 *
 * Usage: DlqWriters BOOTSTRAP FROM_TOPIC PARTITION OFFSET TO_TOPIC GROUP CAUSE_CLASS MESSAGE
 *
 * Reads the record at FROM_TOPIC[PARTITION]@OFFSET and hands it to a
 * DeadLetterPublishingRecoverer, as a listener container of GROUP does when
 * its listener threw (a ListenerExecutionFailedException caused by
 * CAUSE_CLASS(MESSAGE)). TO_TOPIC "retryable:MAIN" routes as
 * {@code @RetryableTopic(attempts = "2")} on topic MAIN does (MAIN-retry, then
 * MAIN-dlt), through the recoverer its DeadLetterPublishingRecovererFactory
 * makes; any other TO_TOPIC is the plain recoverer's target, same partition.
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
            DeadLetterPublishingRecoverer recoverer;
            if (to.startsWith("retryable:")) {
                recoverer = retryFlow(to.substring("retryable:".length()), template);
            } else {
                recoverer = new DeadLetterPublishingRecoverer(template, (r, e) -> new TopicPartition(to, r.partition()));
            }
            Throwable cause = (Throwable) Class.forName(a[6]).getConstructor(String.class).newInstance(a[7]);
            recoverer.accept(record, new ListenerExecutionFailedException("Listener method threw exception", group, cause));
        } finally {
            pf.destroy();
        }
    }

    /** The recoverer of {@code @RetryableTopic(attempts = "2")} on main: main-retry, then main-dlt. */
    static DeadLetterPublishingRecoverer retryFlow(String main, KafkaTemplate<byte[], byte[]> template) throws Exception {
        DefaultDestinationTopicResolver resolver = new DefaultDestinationTopicResolver();
        int attempts = 2;
        java.util.function.BiPredicate<Integer, Throwable> retryOn = (attempt, e) -> attempt < attempts;
        resolver.addDestinationTopics("listener", List.of(
                destination(main, 0, "", "MAIN", attempts, template, retryOn),
                destination(main + "-retry", 1000, "-retry", "REUSABLE_RETRY_TOPIC", attempts, template, retryOn),
                destination(main + "-dlt", 0, "-dlt", "DLT", attempts, template, (a, e) -> false)));
        return new DeadLetterPublishingRecovererFactory(resolver).create("listener");
    }

    /** A DestinationTopic as the retry topic configurer makes it (its Type enum is not public). */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static DestinationTopic destination(String name, long delay, String suffix, String type, int attempts,
            KafkaTemplate<byte[], byte[]> template, java.util.function.BiPredicate<Integer, Throwable> retryOn) throws Exception {
        Class typeClass = Class.forName("org.springframework.kafka.retrytopic.DestinationTopic$Type");
        java.lang.reflect.Constructor<DestinationTopic.Properties> c = DestinationTopic.Properties.class.getConstructor(
                long.class, String.class, typeClass, int.class, int.class, DltStrategy.class,
                org.springframework.kafka.core.KafkaOperations.class, java.util.function.BiPredicate.class, long.class);
        DestinationTopic.Properties props = c.newInstance(delay, suffix, Enum.valueOf(typeClass, type), attempts, 1,
                DltStrategy.FAIL_ON_ERROR, template, retryOn, 86_400_000L);
        return new DestinationTopic(name, props);
    }
}
