import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.ValueComparator;
import de.bwaldvogel.mongo.bson.Document;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A non-unique index, single-field or compound, sparse or not, multikey over arrays: an
 * ordered map from key values, in the index's directions, to the positions of the documents
 * that hold them. The library accepts such indexes but builds none, so without this every
 * query on a field other than {@code _id} scanned its collection.
 *
 * <p>It lives beside the documents, in memory, and is changed under the same collection lock
 * as they are; it is rebuilt from the documents when the database starts, so it can never
 * disagree with what the journal holds. {@link QueryPlanner} decides when to read it.
 */
final class SecondaryIndex extends Index<Integer> {
  /** Bounds that sort before (LOW) or after (HIGH) every stored value, in index order, whatever a field's direction. */
  static final Object LOW = new Object();
  static final Object HIGH = new Object();

  private static final ValueComparator VALUES = ValueComparator.asc();

  private final boolean sparse;
  private final TreeMap<KeyValue, Set<Integer>> entries = new TreeMap<>(this::compare);
  private long count;
  /**
   * The document a write just checked and its keys: the library checks every index, then
   * applies the write to every index, with the same document object and nothing changed in
   * between, so applying reuses the keys the check computed.
   */
  private Document checked;
  private Set<KeyValue> checkedKeys;

  SecondaryIndex(String name, List<IndexKey> keys, boolean sparse) {
    super(name, keys, sparse);
    this.sparse = sparse;
  }

  boolean sparse() {
    return sparse;
  }

  /**
   * The positions whose keys lie between {@code from} and {@code to} (both in index order,
   * inclusive), in index order or reversed, each once; lazy, so a caller with a limit stops early.
   */
  Stream<Integer> scan(KeyValue from, KeyValue to, boolean reverse) {
    if (compare(from, to) > 0) return Stream.empty();
    NavigableMap<KeyValue, Set<Integer>> range = entries.subMap(from, true, to, true);
    if (reverse) range = range.descendingMap();
    Set<Integer> seen = new HashSet<>();
    return range.values().stream().flatMap(Set::stream).filter(seen::add);
  }

  @Override
  public Integer getPosition(Document document) {
    // Many documents share a key: only the unique indexes know a document's position.
    return null;
  }

  @Override
  public void checkAdd(Document document, MongoCollection<Integer> collection) {
    check(document); // refuses parallel arrays before the document is stored
  }

  @Override
  public void add(Document document, Integer position, MongoCollection<Integer> collection) {
    addKeys(checkedKeysOf(document), position);
  }

  private void addKeys(Set<KeyValue> keys, Integer position) {
    for (KeyValue key : keys) {
      if (entries.computeIfAbsent(key, k -> new HashSet<>(2)).add(position)) count++;
    }
  }

  @Override
  public Integer remove(Document document) {
    throw new UnsupportedOperationException("a secondary index removes by position: removeAt");
  }

  void removeAt(Document document, Integer position) {
    removeKeys(keysOf(document), position);
  }

  private void removeKeys(Set<KeyValue> keys, Integer position) {
    for (KeyValue key : keys) {
      Set<Integer> positions = entries.get(key);
      if (positions != null && positions.remove(position)) {
        count--;
        if (positions.isEmpty()) entries.remove(key);
      }
    }
  }

  @Override
  public boolean canHandle(Document query) {
    // The library's planner takes an index only for an exact match of its keys; QueryPlanner reads this one.
    return false;
  }

  @Override
  public Iterable<Integer> getPositions(Document query) {
    throw new UnsupportedOperationException("read through QueryPlanner");
  }

  @Override
  public long getCount() {
    return count;
  }

  @Override
  public long getDataSize() {
    return count;
  }

  @Override
  public void checkUpdate(Document oldDocument, Document newDocument, MongoCollection<Integer> collection) {
    // Only a change of an indexed field can make parallel arrays, and most updates change none.
    // The library's key extraction (paths split with regular expressions, streams) is costly:
    // it was 14 % of the database's profile under load, most of it for updates like these.
    if (!sameIndexedValues(oldDocument, newDocument)) check(newDocument);
  }

  @Override
  public void updateInPlace(Document oldDocument, Document newDocument, Integer position, MongoCollection<Integer> collection) {
    // Most updates leave the indexed fields alone: compare them before computing any key.
    if (sameIndexedValues(oldDocument, newDocument)) return;
    Set<KeyValue> before = keysOf(oldDocument);
    Set<KeyValue> after = checkedKeysOf(newDocument);
    if (before.equals(after)) return;
    removeKeys(before, position);
    addKeys(after, position);
  }

  private void check(Document document) {
    checkedKeys = keysOf(document);
    checked = document;
  }

  /** The keys of the document just checked, or computed now for any other. */
  private Set<KeyValue> checkedKeysOf(Document document) {
    Set<KeyValue> keys = document == checked ? checkedKeys : keysOf(document);
    checked = null;
    checkedKeys = null;
    return keys;
  }

  private boolean sameIndexedValues(Document oldDocument, Document newDocument) {
    for (IndexKey key : getKeys()) {
      String field = key.getKey();
      int dot = field.indexOf('.');
      String top = dot < 0 ? field : field.substring(0, dot);
      if (!Objects.equals(oldDocument.get(top), newDocument.get(top))) return false;
    }
    return true;
  }

  @Override
  public void drop() {
    entries.clear();
    count = 0;
  }

  /** The document's keys: one per array element for a multikey field; none for a sparse index's document without the fields. */
  private Set<KeyValue> keysOf(Document document) {
    Set<KeyValue> keys = getKeyValues(document);
    boolean missing = keys.stream().allMatch(key -> key.stream().allMatch(Objects::isNull));
    if (sparse && missing) return Set.of();
    if (keys.isEmpty()) {
      // An empty array: indexed as null, so a query that needs no value of the field still finds it.
      return Set.of(new KeyValue(new ArrayList<>(Collections.nCopies(getKeys().size(), null))));
    }
    return keys;
  }

  int compare(KeyValue a, KeyValue b) {
    List<IndexKey> keys = getKeys();
    for (int i = 0; i < keys.size(); i++) {
      Object x = a.get(i);
      Object y = b.get(i);
      if (x == y) continue;
      if (x == LOW || y == HIGH) return -1;
      if (x == HIGH || y == LOW) return 1;
      int order = VALUES.compare(x, y);
      if (order != 0) return keys.get(i).isAscending() ? order : -order;
    }
    return 0;
  }
}
