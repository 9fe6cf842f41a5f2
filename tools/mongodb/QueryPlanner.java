import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.ValueComparator;
import de.bwaldvogel.mongo.bson.BsonRegularExpression;
import de.bwaldvogel.mongo.bson.Document;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Chooses a secondary index for a query, as MongoDB's planner would for the shapes the
 * services use: equality on a prefix of the index's fields, then a range ({@code $gt},
 * {@code $lte}, …, or {@code $exists: true}) on the next one, and the sort served by the
 * index's order when it follows that prefix — so a query with a limit stops after the
 * documents it returns. The range of a keyset page, {@code $or: [{f: {$lt: v}}, {f: v, …}]},
 * bounds {@code f} too.
 *
 * <p>An index only narrows the candidates: every candidate is still matched against the whole
 * query, so a plan may read more than it needs but never misses a document.
 */
final class QueryPlanner {
  private static final ValueComparator VALUES = ValueComparator.asc();
  /** Not an equality an index can look up. */
  private static final Object NONE = new Object();

  private QueryPlanner() {}

  /** How to read one index for a query: the key range in index order, its direction, and whether that order is the sort's. */
  record Plan(SecondaryIndex index, KeyValue from, KeyValue to, boolean reverse, boolean ordered, int score) {}

  /** The best plan over {@code indexes}, or null when none narrows the query or serves its sort. */
  static Plan choose(List<SecondaryIndex> indexes, Document query, Document orderBy, int limit) {
    Plan best = null;
    for (SecondaryIndex index : indexes) {
      Plan plan = planFor(index, query, orderBy, limit);
      if (plan != null && (best == null || plan.score() > best.score())) best = plan;
    }
    return best;
  }

  private static Plan planFor(SecondaryIndex index, Document query, Document orderBy, int limit) {
    List<IndexKey> keys = index.getKeys();
    int n = keys.size();
    Object[] from = new Object[n];
    Object[] to = new Object[n];
    int eq = 0;
    while (eq < n) {
      Object value = equality(query.get(keys.get(eq).getKey()));
      if (value == NONE) break;
      from[eq] = value;
      to[eq] = value;
      eq++;
    }
    Object[] range = eq < n ? range(query, keys.get(eq).getKey()) : null;
    if (range != null) {
      boolean ascending = keys.get(eq).isAscending();
      from[eq] = ascending ? orElse(range[0], SecondaryIndex.LOW) : orElse(range[1], SecondaryIndex.LOW);
      to[eq] = ascending ? orElse(range[1], SecondaryIndex.HIGH) : orElse(range[0], SecondaryIndex.HIGH);
    }
    for (int i = range != null ? eq + 1 : eq; i < n; i++) {
      from[i] = SecondaryIndex.LOW;
      to[i] = SecondaryIndex.HIGH;
    }
    boolean narrows = eq > 0 || range != null;
    Boolean forward = sortDirection(keys, eq, orderBy);
    boolean ordered = forward != null;
    // A sparse index lacks the documents without its fields: only a query that needs them may use it.
    if (index.sparse() && !narrows) return null;
    if (!narrows && !(ordered && limit > 0)) return null;
    int score = eq * 4 + (range != null ? 2 : 0) + (ordered ? 1 : 0);
    return new Plan(index, new KeyValue(Arrays.asList(from)), new KeyValue(Arrays.asList(to)),
        ordered && !forward, ordered, score);
  }

  /**
   * Whether reading the index forwards (true) or backwards (false) yields the query's sort,
   * with {@code eq} leading fields fixed by equality; null when it does not, or there is no sort.
   */
  private static Boolean sortDirection(List<IndexKey> keys, int eq, Document orderBy) {
    if (orderBy == null || orderBy.isEmpty()) return null;
    Boolean forward = null;
    int next = eq;
    for (Map.Entry<String, Object> sort : orderBy.entrySet()) {
      String field = sort.getKey();
      if (!(sort.getValue() instanceof Number direction)) return null;
      if (fixed(keys, eq, field)) continue;
      if (next >= keys.size() || !keys.get(next).getKey().equals(field)) return null;
      boolean same = keys.get(next).isAscending() == (direction.doubleValue() > 0);
      if (forward != null && forward != same) return null;
      forward = same;
      next++;
    }
    return forward == null ? Boolean.TRUE : forward;
  }

  private static boolean fixed(List<IndexKey> keys, int eq, String field) {
    for (int i = 0; i < eq; i++) {
      if (keys.get(i).getKey().equals(field)) return true;
    }
    return false;
  }

  /** The value of an equality condition the index can look up, or NONE. */
  private static Object equality(Object condition) {
    if (condition instanceof Document document) {
      if (document.size() != 1 || !document.containsKey("$eq")) return NONE;
      condition = document.get("$eq");
    }
    return scalar(condition) ? condition : NONE;
  }

  /**
   * {lower, upper} bounds, in value order, that the query puts on {@code field} (null for an
   * open side), or null when it puts none.
   */
  private static Object[] range(Document query, String field) {
    Object[] bounds = null;
    if (query.get(field) instanceof Document condition) {
      for (Map.Entry<String, Object> operator : condition.entrySet()) {
        Object value = operator.getValue();
        switch (operator.getKey()) {
          case "$gt", "$gte" -> bounds = scalar(value) ? tighten(bounds, value, null) : bounds;
          case "$lt", "$lte" -> bounds = scalar(value) ? tighten(bounds, null, value) : bounds;
          case "$exists" -> bounds = Boolean.TRUE.equals(value) || Integer.valueOf(1).equals(value) ? tighten(bounds, null, null) : bounds;
          default -> { }
        }
      }
    }
    if (query.get("$or") instanceof Collection<?> branches && !branches.isEmpty()) {
      Object upper = outermost(branches, field, true);
      Object lower = outermost(branches, field, false);
      if (upper != null || lower != null) bounds = tighten(bounds, lower, upper);
    }
    return bounds;
  }

  /**
   * The loosest upper (or lower) bound that every branch of an {@code $or} puts on
   * {@code field}: a document matching any branch lies within it. Null if some branch puts none.
   */
  private static Object outermost(Collection<?> branches, String field, boolean upper) {
    Object outer = null;
    for (Object branch : branches) {
      if (!(branch instanceof Document document)) return null;
      Object bound = bound(document.get(field), upper);
      if (bound == null) return null;
      if (outer == null || (upper ? VALUES.compare(bound, outer) > 0 : VALUES.compare(bound, outer) < 0)) outer = bound;
    }
    return outer;
  }

  private static Object bound(Object condition, boolean upper) {
    if (scalar(condition)) return condition;
    if (!(condition instanceof Document document)) return null;
    Object found = null;
    for (Map.Entry<String, Object> operator : document.entrySet()) {
      String name = operator.getKey();
      boolean matches = name.equals("$eq") || (upper ? name.equals("$lt") || name.equals("$lte") : name.equals("$gt") || name.equals("$gte"));
      if (matches && scalar(operator.getValue())) found = operator.getValue();
    }
    return found;
  }

  private static Object[] tighten(Object[] bounds, Object lower, Object upper) {
    Object[] result = bounds == null ? new Object[2] : bounds;
    if (lower != null && (result[0] == null || VALUES.compare(lower, result[0]) > 0)) result[0] = lower;
    if (upper != null && (result[1] == null || VALUES.compare(upper, result[1]) < 0)) result[1] = upper;
    return result;
  }

  /** A value that sorts among the stored keys: not null, a document, an array or a pattern. */
  private static boolean scalar(Object value) {
    return value != null && !(value instanceof Document) && !(value instanceof Collection) && !(value instanceof Pattern)
        && !BsonRegularExpression.isRegularExpression(value) && !(value instanceof Object[]);
  }

  private static Object orElse(Object value, Object fallback) {
    return value != null ? value : fallback;
  }
}
