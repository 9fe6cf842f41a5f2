import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.bson.Document;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;

/**
 * What the databases share: the journal, the documents it held at start (handed to each
 * collection as it opens), and compaction, which keeps the journal to a few times the size
 * of the live documents however long the database runs.
 */
final class DocumentStore {
  /** The journal is compacted once it is this many times the live documents' size… */
  private static final long COMPACT_RATIO = 3;
  /** …and at least this big (JOURNAL_COMPACT_MIN_BYTES, for tests that need a compaction soon). */
  private static final long COMPACT_MIN_BYTES = minBytes(System.getenv("JOURNAL_COMPACT_MIN_BYTES"));

  private static long minBytes(String setting) {
    if (setting == null || setting.isBlank()) return 64L << 20;
    try {
      return Long.parseLong(setting.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("JOURNAL_COMPACT_MIN_BYTES must be a number of bytes, got " + setting);
    }
  }

  /** The {@code $match} that opens the aggregation running on this thread, by namespace. */
  private static final ThreadLocal<Map.Entry<String, Document>> AGGREGATION_MATCH = new ThreadLocal<>();

  private final Journal journal;
  private final Map<String, TreeMap<Integer, byte[]>> recovered;
  private final Set<JournaledCollection> collections = ConcurrentHashMap.newKeySet();
  private final AtomicLong liveBytes = new AtomicLong();
  private final AtomicBoolean compacting = new AtomicBoolean();
  private final Lock schemaShared;

  private DocumentStore(Path dir, Lock schemaShared) throws IOException {
    this.schemaShared = schemaShared;
    Journal.Recovery recovery = Journal.open(dir, this::compactIfDue);
    this.journal = recovery.journal();
    this.recovered = new ConcurrentHashMap<>(recovery.state());
  }

  static DocumentStore open(Path dir, Lock schemaShared) throws IOException {
    return new DocumentStore(dir, schemaShared);
  }

  Journal journal() {
    return journal;
  }

  /** The databases the journal holds documents of. */
  Set<String> databaseNames() {
    Set<String> names = new TreeSet<>();
    for (String ns : recovered.keySet()) names.add(ns.substring(0, ns.indexOf('.')));
    return names;
  }

  /** A collection, filled with what the journal held for it the first time it opens. */
  JournaledCollection open(JournaledDatabase database, String name, CollectionOptions options, CursorRegistry cursors) {
    TreeMap<Integer, byte[]> documents = recovered.remove(database.getDatabaseName() + "." + name);
    JournaledCollection collection = new JournaledCollection(database, name, options, cursors, this, documents);
    collections.add(collection);
    return collection;
  }

  void forget(JournaledCollection collection) {
    collections.remove(collection);
  }

  void addLiveBytes(long delta) {
    liveBytes.addAndGet(delta);
  }

  /** The open collections, system ones included. */
  Iterable<JournaledCollection> collections() {
    return List.copyOf(collections);
  }

  static void runAggregation(String ns, Document firstMatch, Runnable aggregation) {
    AGGREGATION_MATCH.set(firstMatch == null ? null : Map.entry(ns, firstMatch));
    try {
      aggregation.run();
    } finally {
      AGGREGATION_MATCH.remove();
    }
  }

  /** The opening {@code $match} of the aggregation on this thread, once, if it reads {@code ns}. */
  static Document takeAggregationMatch(String ns) {
    Map.Entry<String, Document> match = AGGREGATION_MATCH.get();
    if (match == null || !match.getKey().equals(ns)) return null;
    AGGREGATION_MATCH.remove();
    return match.getValue();
  }

  /**
   * Called after each flush: once the journal has grown to several times the live documents,
   * rewrites them into a new segment in the background and deletes the older segments.
   */
  private void compactIfDue() {
    long bytes = journal.journalBytes();
    if (bytes < COMPACT_MIN_BYTES || bytes < COMPACT_RATIO * liveBytes.get()) return;
    if (!compacting.compareAndSet(false, true)) return;
    Thread thread = new Thread(() -> {
      try {
        compact();
      } catch (IOException | RuntimeException e) {
        System.err.println("journal: compaction failed, the older segments are kept: " + e);
      } finally {
        compacting.set(false);
      }
    }, "journal-compaction");
    thread.setDaemon(true);
    thread.start();
  }

  void compact() throws IOException {
    long started = System.nanoTime();
    long before = journal.journalBytes();
    List<Path> older = journal.rollOver();
    for (JournaledCollection collection : List.copyOf(collections)) collection.rewrite(schemaShared);
    journal.awaitDurable(journal.appendedPosition());
    journal.delete(older);
    System.err.printf("journal: compacted %d MB to %d MB in %d ms%n", before >> 20, journal.journalBytes() >> 20,
        (System.nanoTime() - started) / 1_000_000);
  }
}
