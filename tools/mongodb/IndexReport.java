import de.bwaldvogel.mongo.bson.Document;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Says which indexes the database cannot serve, so that none is silently scanned: the
 * launcher serves ascending and descending keys, compound, sparse and unique; not text,
 * hashed or geo keys, partial filters, TTL expiry or collations.
 */
final class IndexReport {
  private IndexReport() {}

  /** Prints a warning for each index a {@code createIndexes} command asks for that will not be served. */
  static void warnUnserved(String database, Document command) {
    if (!(command.get("indexes") instanceof List<?> indexes)) return;
    for (Object index : indexes) {
      if (!(index instanceof Document description)) continue;
      List<String> gaps = gaps(description);
      if (!gaps.isEmpty()) {
        System.err.printf("WARN index %s on %s.%s is not served (%s): queries that need it scan the collection%n",
            description.get("name"), database, command.get("createIndexes"), String.join(", ", gaps));
      }
    }
  }

  /** At start: how many indexes each database has, and which of them are not served. */
  static void printServed(Iterable<JournaledCollection> collections) {
    for (JournaledCollection collection : collections) {
      if (collection.getCollectionName().startsWith("system.")) continue;
      List<String> names = new ArrayList<>();
      collection.getIndexes().forEach(index -> names.add(index.getName() + (index instanceof SecondaryIndex ? "" : " (unique)")));
      System.err.printf("%s: %d documents, indexes %s%n", collection.getFullName(), collection.count(), String.join(", ", names));
    }
  }

  private static List<String> gaps(Document description) {
    List<String> gaps = new ArrayList<>();
    if (description.get("key") instanceof Document key) {
      for (Map.Entry<String, Object> field : key.entrySet()) {
        Object direction = field.getValue();
        boolean plain = direction instanceof Number number && Math.abs(number.doubleValue()) == 1.0;
        if (!plain) gaps.add("key " + field.getKey() + ": " + direction);
      }
    }
    for (String option : List.of("partialFilterExpression", "expireAfterSeconds", "collation", "weights", "wildcardProjection")) {
      if (description.containsKey(option)) gaps.add(option);
    }
    return gaps;
  }
}
