import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;

/**
 * A Kafka Connect sink that drops what it is given: the dead letters of the
 * e2e trace test come from the worker's converter, before any connector
 * sees a record, so any sink will do. Compiled by the test against the
 * broker's jars, so it matches the broker's Connect runtime (Kafka's own
 * connect-file is not published for every release).
 */
public class DiscardSink extends SinkConnector {
  @Override public String version() { return "1"; }
  @Override public void start(Map<String, String> props) {}
  @Override public Class<? extends Task> taskClass() { return DiscardTask.class; }
  @Override public List<Map<String, String>> taskConfigs(int maxTasks) { return Collections.nCopies(maxTasks, Map.of()); }
  @Override public void stop() {}
  @Override public ConfigDef config() { return new ConfigDef(); }

  /** The task: every record is dropped. */
  public static class DiscardTask extends SinkTask {
    @Override public String version() { return "1"; }
    @Override public void start(Map<String, String> props) {}
    @Override public void put(Collection<SinkRecord> records) {}
    @Override public void stop() {}
  }
}
