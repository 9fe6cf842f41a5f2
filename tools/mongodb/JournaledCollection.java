import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.AbstractSynchronizedMongoCollection;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.DocumentWithPosition;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.bson.Document;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.Lock;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * A collection whose documents live in memory, in numbered slots, and whose every change is
 * appended to the journal under the collection's lock, so the journal holds each slot's
 * changes in the order they happened. Queries go through the unique indexes, then the
 * secondary ones ({@link QueryPlanner}), and scan only when neither serves them.
 */
final class JournaledCollection extends AbstractSynchronizedMongoCollection<Integer> {
  /** How many documents a compaction rewrites per turn of the collection's lock. */
  private static final int REWRITE_CHUNK = 256;

  private final DocumentStore store;
  private final List<Document> slots = new ArrayList<>();
  private final ArrayDeque<Integer> free = new ArrayDeque<>();
  /** The journal size of each slot's document, for the compaction policy. */
  private int[] sizes = new int[16];
  private int dataSize;
  private boolean dropped;

  JournaledCollection(MongoDatabase database, String name, CollectionOptions options, CursorRegistry cursors,
      DocumentStore store, TreeMap<Integer, byte[]> recovered) {
    super(database, name, options, cursors);
    this.store = store;
    if (recovered != null) restore(recovered);
  }

  /** Puts the documents the journal held back in the slots they had. */
  private void restore(TreeMap<Integer, byte[]> recovered) {
    for (Map.Entry<Integer, byte[]> entry : recovered.entrySet()) {
      int position = entry.getKey();
      while (slots.size() <= position) slots.add(null);
      slots.set(position, Journal.decode(entry.getValue()));
      track(position, entry.getValue().length);
    }
    for (int position = 0; position < slots.size(); position++) {
      if (slots.get(position) == null) free.add(position);
    }
  }

  synchronized boolean isDropped() {
    return dropped;
  }

  @Override
  protected QueryResult queryDocuments(Document query, Document orderBy, int skip, int limit, int batchSize,
      Document fieldSelector) {
    List<Index<Integer>> indexes = getIndexes();
    if (indexes.stream().noneMatch(index -> index.canHandle(query))) {
      // A unique index finds the one candidate of a query that names its fields and more,
      // such as the conditional updates {_id, version} or {_id, status}.
      for (Index<Integer> index : indexes) {
        Document lookup = uniqueLookup(index, query);
        if (lookup != null && index.canHandle(lookup)) {
          return matchDocuments(query, index.getPositions(lookup), orderBy, skip, limit, batchSize, fieldSelector);
        }
      }
      List<SecondaryIndex> secondary = indexes.stream()
          .filter(SecondaryIndex.class::isInstance).map(SecondaryIndex.class::cast).toList();
      QueryPlanner.Plan plan = QueryPlanner.choose(secondary, query, orderBy, limit);
      if (plan != null) {
        Stream<Document> candidates = plan.index().scan(plan.from(), plan.to(), plan.reverse()).map(this::getDocument);
        // In index order the sort is already done, and a limit stops the scan early.
        return matchDocumentsFromStream(candidates, query, plan.ordered() ? null : orderBy, skip, limit, batchSize, fieldSelector);
      }
    }
    return super.queryDocuments(query, orderBy, skip, limit, batchSize, fieldSelector);
  }

  /** The query's conditions on a unique index's fields, when it names them all and more. */
  private static Document uniqueLookup(Index<Integer> index, Document query) {
    if (!index.isUnique()) return null;
    Document lookup = new Document();
    for (IndexKey key : index.getKeys()) {
      if (!query.containsKey(key.getKey())) return null;
      lookup.put(key.getKey(), query.get(key.getKey()));
    }
    return lookup.size() < query.size() ? lookup : null;
  }

  @Override
  public synchronized int count(Document query, int skip, int limit) {
    // The library's count reads the indexes outside the collection's lock.
    return super.count(query, skip, limit);
  }

  /**
   * An aggregation reads the whole collection and matches in its first stage; where that
   * stage is a {@code $match}, the backend hands it here, so the indexes narrow what is read.
   * The stage still matches every document it gets.
   */
  @Override
  public Stream<Document> queryAllAsStream() {
    Document match = DocumentStore.takeAggregationMatch(getFullName());
    if (match == null) return super.queryAllAsStream();
    List<Document> documents = new ArrayList<>();
    handleQuery(match).forEach(documents::add);
    return documents.stream();
  }

  @Override
  protected QueryResult matchDocuments(Document query, Document orderBy, int skip, int limit, int batchSize,
      Document fieldSelector) {
    return matchDocumentsFromStream(streamAll(isNaturalDescending(orderBy)), query, orderBy, skip, limit, batchSize, fieldSelector);
  }

  private Stream<Document> streamAll(boolean descending) {
    IntStream positions = IntStream.range(0, slots.size());
    if (descending) positions = positions.map(i -> slots.size() - 1 - i);
    return positions.mapToObj(slots::get).filter(document -> document != null);
  }

  @Override
  protected Integer addDocumentInternal(Document document) {
    Integer position = free.poll();
    if (position == null) {
      position = slots.size();
      slots.add(document);
    } else {
      slots.set(position, document);
    }
    track(position, store.journal().put(getFullName(), position, document));
    return position;
  }

  @Override
  protected void handleUpdate(Integer position, Document oldDocument, Document newDocument) {
    track(position, store.journal().put(getFullName(), position, newDocument));
  }

  /** Removes a document from every index by its position, which only the unique indexes can find. */
  @Override
  public synchronized void removeDocument(Document document) {
    Integer position = findDocumentPosition(document);
    if (position == null) return;
    Document stored = slots.get(position);
    for (Index<Integer> index : getIndexes()) {
      if (index instanceof SecondaryIndex secondary) {
        secondary.removeAt(stored, position);
      } else {
        index.remove(stored);
      }
    }
    removeDocument(position);
  }

  @Override
  protected void removeDocument(Integer position) {
    store.journal().delete(getFullName(), position);
    slots.set(position, null);
    free.add(position);
    track(position, 0);
  }

  @Override
  protected Integer findDocumentPosition(Document document) {
    for (Index<Integer> index : getIndexes()) {
      if (index.isUnique()) {
        Integer position = index.getPosition(document);
        if (position != null) return position;
      }
    }
    // Collections without an _id index (system.indexes) are a handful of documents.
    for (int position = 0; position < slots.size(); position++) {
      if (document.equals(slots.get(position))) return position;
    }
    return null;
  }

  @Override
  protected Stream<DocumentWithPosition<Integer>> streamAllDocumentsWithPosition() {
    return IntStream.range(0, slots.size())
        .filter(position -> slots.get(position) != null)
        .mapToObj(position -> new DocumentWithPosition<>(slots.get(position), position));
  }

  @Override
  protected Document getDocument(Integer position) {
    return slots.get(position);
  }

  @Override
  public synchronized int count() {
    return slots.size() - free.size();
  }

  @Override
  public synchronized boolean isEmpty() {
    return count() == 0;
  }

  /**
   * The library would encode a document twice per update only to count its size; the
   * journal already knows each document's encoded size ({@link #track}).
   */
  @Override
  protected boolean tracksDataSize() {
    return false;
  }

  @Override
  protected void updateDataSize(int sizeDelta) {
    dataSize += sizeDelta;
  }

  @Override
  protected int getDataSize() {
    return dataSize;
  }

  @Override
  public synchronized void drop() {
    super.drop();
    store.journal().drop(getFullName());
    for (int position = 0; position < slots.size(); position++) track(position, 0);
    slots.clear();
    free.clear();
    dropped = true;
    store.forget(this);
  }

  @Override
  public synchronized void renameTo(MongoDatabase newDatabase, String newCollectionName) {
    String before = getFullName();
    super.renameTo(newDatabase, newCollectionName);
    store.journal().rename(before, getFullName());
  }

  /**
   * Appends every document again to the journal's current segment, a chunk per turn of the
   * collection's lock (and of the schema lock, so a drop or rename cannot interleave), so
   * writers wait at most for one chunk. Appended under the same lock as every change, each
   * rewrite lands in order with the changes around it.
   */
  void rewrite(Lock schemaShared) {
    for (int start = 0; ; start += REWRITE_CHUNK) {
      schemaShared.lock();
      try {
        synchronized (this) {
          if (dropped) return;
          int end = Math.min(start + REWRITE_CHUNK, slots.size());
          for (int position = start; position < end; position++) {
            Document document = slots.get(position);
            if (document != null) store.journal().put(getFullName(), position, document);
          }
          if (end >= slots.size()) return;
        }
      } finally {
        schemaShared.unlock();
      }
    }
  }

  private void track(int position, int size) {
    if (position >= sizes.length) sizes = Arrays.copyOf(sizes, Math.max(sizes.length * 2, position + 1));
    store.addLiveBytes(size - sizes[position]);
    dataSize += size - sizes[position];
    sizes[position] = size;
  }
}
