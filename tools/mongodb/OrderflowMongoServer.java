import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.MongoVersion;
import de.bwaldvogel.mongo.backend.AbstractMongoBackend;
import de.bwaldvogel.mongo.bson.Document;
import io.netty.channel.Channel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The local MongoDB-wire database: mongo-java-server's wire protocol, query engine and
 * atomic single-document writes, over documents held in memory with a write-ahead journal
 * ({@link Journal}) and secondary indexes ({@link SecondaryIndex}).
 *
 * <p>Usage: {@code java -cp 'classes:jars/*' OrderflowMongoServer <host> <port> <data-dir>}
 *
 * <p>Every command is answered only once the journal holds every change appended before the
 * answer, its own and any it may have seen, so a SIGKILL loses no acknowledged write and no
 * answer ever shows a change that a crash could take back. Concurrent writers share one
 * {@code write()} of the journal (group commit). At start the journal is replayed into memory
 * and the indexes are built from it.
 */
public final class OrderflowMongoServer {

  /**
   * Commands that change a collection's set of indexes or the collection itself. The library
   * adds an index to a collection's plain list of indexes while other threads' inserts,
   * updates and queries iterate that list; mongoose creates its indexes while a service
   * already writes, and the writes then failed at random with ConcurrentModificationException.
   * These commands therefore run alone; everything else still runs concurrently.
   */
  private static final Set<String> SCHEMA_CHANGES = Set.of(
      "create", "createindexes", "dropindexes", "deleteindexes", "drop", "dropdatabase", "renamecollection");

  /**
   * mongo-java-server's newest built-in version (5.0) reports wire version 8, which Node
   * driver 7 refuses (it needs 9, MongoDB 4.4). It says 4.4, the oldest the driver accepts,
   * so the driver assumes as few newer server features as possible.
   */
  private static final class Mongo44 implements MongoVersion {
    @Override
    public List<Integer> getVersionArray() {
      return List.of(4, 4, 0);
    }

    @Override
    public int getWireVersion() {
      return 9;
    }
  }

  private static final class JournaledBackend extends AbstractMongoBackend {
    private final ReadWriteLock schemaLock;
    private final DocumentStore store;

    JournaledBackend(DocumentStore store, ReadWriteLock schemaLock) {
      this.store = store;
      this.schemaLock = schemaLock;
      for (String database : store.databaseNames()) resolveDatabase(database);
    }

    @Override
    protected MongoDatabase openOrCreateDatabase(String databaseName) {
      return new JournaledDatabase(databaseName, getCursorRegistry(), store);
    }

    @Override
    public Document handleCommand(Channel channel, String database, String command, Document query) {
      String name = command.toLowerCase();
      if (name.equals("createindexes")) IndexReport.warnUnserved(database, query);
      var lock = SCHEMA_CHANGES.contains(name) ? schemaLock.writeLock() : schemaLock.readLock();
      Document[] reply = new Document[1];
      lock.lock();
      try {
        if (name.equals("aggregate")) {
          DocumentStore.runAggregation(database + "." + query.get(command), firstMatch(query),
              () -> reply[0] = super.handleCommand(channel, database, command, query));
        } else {
          reply[0] = super.handleCommand(channel, database, command, query);
        }
      } finally {
        lock.unlock();
      }
      // Also after a read: what it saw must survive a crash before it is shown.
      store.journal().awaitDurable(store.journal().appendedPosition());
      return reply[0];
    }

    /** The library's status, plus the journal's counters: the bench's census reads its commits. */
    @Override
    public Document getServerStatus() {
      Document status = super.getServerStatus();
      status.put("journal", store.journal().status());
      return status;
    }

    private static Document firstMatch(Document query) {
      if (query.get("pipeline") instanceof List<?> pipeline && !pipeline.isEmpty()
          && pipeline.get(0) instanceof Document stage && stage.size() == 1 && stage.get("$match") instanceof Document match) {
        return match;
      }
      return null;
    }
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println("usage: OrderflowMongoServer <host> <port> <data-dir>");
      System.exit(2);
    }
    String host = args[0];
    int port = Integer.parseInt(args[1]);
    Path dir = Path.of(args[2]);
    Files.createDirectories(dir);
    if (Files.exists(dir.resolve("orderflow.mv.db"))) {
      System.err.println("note: " + dir.resolve("orderflow.mv.db") + " is the former store's file and is no longer read; delete it");
    }

    long started = System.nanoTime();
    ReadWriteLock schemaLock = new ReentrantReadWriteLock();
    DocumentStore store = DocumentStore.open(dir, schemaLock.readLock());
    JournaledBackend backend = new JournaledBackend(store, schemaLock);
    backend.version(new Mongo44());
    IndexReport.printServed(store.collections());
    System.err.printf("restored %s in %d ms%n", dir.toAbsolutePath(), (System.nanoTime() - started) / 1_000_000);

    MongoServer server = new MongoServer(backend);
    server.bind(host, port);
    System.err.printf("mongo-java-server listening on %s:%d (data %s)%n", host, port, dir.toAbsolutePath());

    // SIGTERM: close client connections, then write what the journal still holds.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.shutdownNow();
      try {
        store.journal().close();
      } catch (Exception e) {
        System.err.println("journal: " + e);
      }
    }, "shutdown"));
  }
}
