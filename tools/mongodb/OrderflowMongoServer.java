import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.MongoVersion;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.h2.H2Collection;
import de.bwaldvogel.mongo.backend.h2.H2Database;
import de.bwaldvogel.mongo.bson.Document;
import io.netty.channel.Channel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.h2.mvstore.MVStore;

/**
 * The local MongoDB-wire database: mongo-java-server with its H2 MVStore backend, made to
 * acknowledge a write only once it is in the data file.
 *
 * <p>Usage: {@code java -cp 'classes:jars/*' OrderflowMongoServer <host> <port> <data-dir>}
 *
 * <p>mongo-java-server already applies each write to a collection under that collection's
 * lock, so single-document updates are atomic. What it lacks out of the box is durability:
 * MVStore writes its changes to the file only every second, so a SIGKILL lost up to a
 * second of acknowledged writes. Here each write command commits the store before its reply
 * goes out. A commit is a write() to the file, not an fsync: it survives the process being
 * killed, which is what a local database must survive, not a power cut.
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

  /** Commands after which the reply must wait for the data file. */
  private static final Set<String> WRITES = Set.of(
      "insert", "update", "delete", "findandmodify", "create", "createindexes", "dropindexes",
      "deleteindexes", "drop", "dropdatabase", "renamecollection");

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

  /**
   * A collection that uses a unique index for a query that names more fields than the index.
   * The library picks an index only when the query's fields are exactly the index's, so a
   * conditional update such as {@code {_id, version}} or {@code {_id, status}} — the services'
   * hot path — scanned the whole collection and got slower with every order ever stored. Here
   * the index finds the one candidate by its own fields and the whole query is then checked
   * on that candidate only.
   */
  private static final class IndexedLookupCollection extends H2Collection {
    IndexedLookupCollection(MongoDatabase database, String name, CollectionOptions options,
        MVStore store, String fullName, CursorRegistry cursors) {
      // The map names H2Database gives a collection's documents and metadata.
      super(database, name, options, store.openMap("databases." + fullName), store.openMap("meta." + fullName), cursors);
    }

    @Override
    protected QueryResult queryDocuments(Document query, Document orderBy, int skip, int limit, int batchSize,
        Document fieldSelector) {
      List<Index<Object>> indexes = getIndexes();
      if (indexes.stream().noneMatch(index -> index.canHandle(query))) {
        for (Index<Object> index : indexes) {
          Document lookup = lookupPart(index, query);
          if (lookup != null && index.canHandle(lookup)) {
            return matchDocuments(query, index.getPositions(lookup), orderBy, skip, limit, batchSize, fieldSelector);
          }
        }
      }
      return super.queryDocuments(query, orderBy, skip, limit, batchSize, fieldSelector);
    }

    /** The query's conditions on the index's fields, or null when it leaves one of them out. */
    private static Document lookupPart(Index<Object> index, Document query) {
      Document lookup = new Document();
      for (IndexKey key : index.getKeys()) {
        if (!query.containsKey(key.getKey())) {
          return null;
        }
        lookup.put(key.getKey(), query.get(key.getKey()));
      }
      return lookup.size() < query.size() ? lookup : null;
    }
  }

  private static final class DurableH2Backend extends H2Backend {
    private final ReadWriteLock schemaLock = new ReentrantReadWriteLock();

    DurableH2Backend(MVStore store) {
      super(store);
    }

    @Override
    protected MongoDatabase openOrCreateDatabase(String databaseName) {
      return new IndexedLookupDatabase(databaseName);
    }

    /** A database whose collections are {@link IndexedLookupCollection}s. */
    private final class IndexedLookupDatabase extends H2Database {
      IndexedLookupDatabase(String name) {
        super(name, getMvStore(), getCursorRegistry());
      }

      @Override
      protected MongoCollection<Object> openOrCreateCollection(String name, CollectionOptions options) {
        return new IndexedLookupCollection(this, name, options, getMvStore(), getFullCollectionNamespace(name), cursorRegistry);
      }
    }

    @Override
    public Document handleCommand(Channel channel, String database, String command, Document query) {
      String name = command.toLowerCase();
      var lock = SCHEMA_CHANGES.contains(name) ? schemaLock.writeLock() : schemaLock.readLock();
      Document reply;
      lock.lock();
      try {
        reply = super.handleCommand(channel, database, command, query);
      } finally {
        lock.unlock();
      }
      // Always commit after a write, even when nothing looks unsaved: another thread's commit
      // may be writing this change right now, and commit() waits for it.
      if (WRITES.contains(name) || getMvStore().hasUnsavedChanges()) {
        getMvStore().commit();
      }
      return reply;
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

    // A commit per write rewrites every page it touched: smaller pages make that cheaper, a
    // bigger page cache keeps a growing store's pages decoded, and compacting only chunks less
    // than half full stops rewriting live pages that a commit per write would otherwise churn.
    // Measured on 10 000 documents of 1.5 KB, 16 clients: an update by _id took 1.18 ms of CPU
    // against 1.59 ms with MVStore's defaults (16 KB pages, 16 MB cache, 90 % fill rate).
    MVStore store = new MVStore.Builder()
        .fileName(dir.resolve("orderflow.mv.db").toString())
        .pageSplitSize(4 * 1024)
        .cacheSize(128)
        .autoCompactFillRate(50)
        .open();
    // A commit per write leaves a chunk per write; MVStore keeps dead chunks 45 s by default
    // in case the disk reorders writes across a power cut, which let the file grow by
    // hundreds of MB in a minute of load. Reusing them at once is safe against a killed
    // process, whose writes the kernel still holds.
    store.setRetentionTime(0);

    H2Backend backend = new DurableH2Backend(store);
    backend.version(new Mongo44());
    MongoServer server = new MongoServer(backend);
    server.bind(host, port);
    System.err.printf("mongo-java-server listening on %s:%d (data %s)%n", host, port, dir.toAbsolutePath());

    // SIGTERM: close client connections, then the store (which commits whatever is left).
    Runtime.getRuntime().addShutdownHook(new Thread(server::shutdownNow, "shutdown"));
  }
}
