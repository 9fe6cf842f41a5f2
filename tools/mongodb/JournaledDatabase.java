import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.backend.AbstractSynchronizedMongoDatabase;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.memory.index.MemoryUniqueIndex;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A database of {@link JournaledCollection}s. At start the library rebuilds a database from
 * its {@code system.namespaces} and {@code system.indexes} collections, which the journal
 * restored like any other; the indexes are then built over the restored documents.
 */
final class JournaledDatabase extends AbstractSynchronizedMongoDatabase<Integer> {
  private final DocumentStore store;
  /** The library may open a collection twice while it starts a database; both must be the one object. */
  private final Map<String, JournaledCollection> opened = new HashMap<>();

  JournaledDatabase(String name, CursorRegistry cursors, DocumentStore store) {
    super(name, cursors);
    this.store = store;
    initializeNamespacesAndIndexes();
  }

  @Override
  protected synchronized MongoCollection<Integer> openOrCreateCollection(String name, CollectionOptions options) {
    JournaledCollection existing = opened.get(name);
    if (existing != null && !existing.isDropped()) return existing;
    JournaledCollection collection = store.open(this, name, options, cursorRegistry);
    opened.put(name, collection);
    return collection;
  }

  @Override
  protected Index<Integer> openOrCreateUniqueIndex(String collectionName, String indexName, List<IndexKey> keys, boolean sparse) {
    return new MemoryUniqueIndex(indexName, keys, sparse);
  }

  @Override
  protected Index<Integer> openOrCreateSecondaryIndex(String collectionName, String indexName, List<IndexKey> keys, boolean sparse) {
    return new SecondaryIndex(indexName, keys, sparse);
  }

  @Override
  protected long getStorageSize() {
    return 0;
  }

  @Override
  protected long getFileSize() {
    return store.journal().journalBytes();
  }
}
