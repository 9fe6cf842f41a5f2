import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.wire.bson.BsonDecoder;
import de.bwaldvogel.mongo.wire.bson.BsonEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * The local database's write-ahead journal: every change to a stored document, appended as
 * its after-image, and written to the data directory by one flusher thread.
 *
 * <p>Group commit. Writers append records to a memory buffer under a short lock and go on;
 * the flusher writes whatever has gathered in one {@code write()} while the next batch
 * gathers behind it, as WiredTiger's journal and PostgreSQL's WAL do. A command is answered
 * only once everything appended before its reply is in the file ({@link #awaitDurable}),
 * so a SIGKILL loses no acknowledged write. A {@code write()} without {@code fsync}
 * survives a killed process (the kernel holds the pages), not a power cut: enough for a
 * development database.
 *
 * <p>Records are {@code [int length][int crc32c][body]}, body {@code [byte type][ns][int
 * position][payload]}. A torn record at the end of the newest segment (the process died
 * mid-write) is cut off at start; anywhere else it is corruption and start fails.
 *
 * <p>Segments. The journal is a numbered series of files. {@link #rollOver} starts a new one;
 * once a compaction has rewritten every live document into it, the older ones are deleted.
 */
final class Journal {
  static final byte PUT = 1;
  static final byte DELETE = 2;
  static final byte DROP = 3;
  static final byte RENAME = 4;

  private static final Pattern SEGMENT = Pattern.compile("journal-(\\d{8})\\.log");

  private final Path dir;
  /** Guards the append buffer and the counters; never held during file I/O. */
  private final Object lock = new Object();
  /** Held while bytes go to a segment file, so a roll-over never cuts a flush in two. */
  private final ReentrantLock fileLock = new ReentrantLock();

  private ByteBuffer pending = ByteBuffer.allocate(1 << 20);
  private ByteBuffer spare = ByteBuffer.allocate(1 << 20);
  /** Bytes appended and bytes in the file, counted since start; a reply waits until durable covers it. */
  private long appended;
  private long durable;
  private IOException failure;
  /** For serverStatus: records appended, and the write()s (group commits) that carried them. */
  private long records;
  private long flushes;

  private FileChannel out;
  private int segment;
  /** Bytes in every segment file, for the compaction policy. */
  private long journalBytes;
  private final Thread flusher;
  private volatile boolean closed;
  private final Runnable afterFlush;

  private Journal(Path dir, int segment, long existingBytes, Runnable afterFlush) throws IOException {
    this.dir = dir;
    this.segment = segment;
    this.journalBytes = existingBytes;
    this.afterFlush = afterFlush;
    this.out = openSegment(segment);
    this.flusher = new Thread(this::flushLoop, "journal-flusher");
    this.flusher.setDaemon(true);
    this.flusher.start();
  }

  /** The documents the journal in {@code dir} holds, by namespace and position, and a journal that appends after them. */
  static Recovery open(Path dir, Runnable afterFlush) throws IOException {
    Files.createDirectories(dir);
    List<Path> segments = segments(dir);
    Map<String, TreeMap<Integer, byte[]>> state = new HashMap<>();
    long bytes = 0;
    for (int i = 0; i < segments.size(); i++) {
      bytes += replay(segments.get(i), state, i == segments.size() - 1);
    }
    int next = segments.isEmpty() ? 1 : number(segments.get(segments.size() - 1)) + 1;
    return new Recovery(state, new Journal(dir, next, bytes, afterFlush));
  }

  record Recovery(Map<String, TreeMap<Integer, byte[]>> state, Journal journal) {}

  /** Appends the state of the document at {@code position} of {@code ns}; returns the record's size. */
  int put(String ns, int position, Document document) {
    ByteBuf bson = Unpooled.buffer(256);
    try {
      BsonEncoder.encodeDocument(document, bson);
      byte[] payload = new byte[bson.readableBytes()];
      bson.readBytes(payload);
      append(PUT, ns, position, payload);
      return payload.length;
    } finally {
      bson.release();
    }
  }

  void delete(String ns, int position) {
    append(DELETE, ns, position, new byte[0]);
  }

  void drop(String ns) {
    append(DROP, ns, 0, new byte[0]);
  }

  void rename(String from, String to) {
    append(RENAME, from, 0, to.getBytes(StandardCharsets.UTF_8));
  }

  static Document decode(byte[] bson) {
    return BsonDecoder.decodeBson(Unpooled.wrappedBuffer(bson));
  }

  private void append(byte type, String ns, int position, byte[] payload) {
    byte[] name = ns.getBytes(StandardCharsets.UTF_8);
    int bodyLength = 1 + 2 + name.length + 4 + payload.length;
    ByteBuffer body = ByteBuffer.allocate(bodyLength);
    body.put(type).putShort((short) name.length).put(name).putInt(position).put(payload);
    CRC32C crc = new CRC32C();
    crc.update(body.array(), 0, bodyLength);
    synchronized (lock) {
      if (closed) throw new IllegalStateException("the journal is closed");
      if (pending.remaining() < 8 + bodyLength) pending = grow(pending, 8 + bodyLength);
      pending.putInt(bodyLength).putInt((int) crc.getValue()).put(body.array(), 0, bodyLength);
      appended += 8 + bodyLength;
      records++;
      lock.notifyAll();
    }
  }

  /** Everything appended so far, as a position to wait for. */
  long appendedPosition() {
    synchronized (lock) {
      return appended;
    }
  }

  /** Returns once everything up to {@code position} is in the file. */
  void awaitDurable(long position) {
    synchronized (lock) {
      while (durable < position) {
        if (failure != null) throw new UncheckedIOException("the journal cannot be written", failure);
        try {
          lock.wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while waiting for the journal", e);
        }
      }
    }
  }

  /** What serverStatus reports of the journal. */
  Document status() {
    synchronized (lock) {
      return new Document("records", records).append("commits", flushes).append("bytesAppended", appended)
          .append("journalBytes", journalBytes);
    }
  }

  long journalBytes() {
    synchronized (lock) {
      return journalBytes;
    }
  }

  /**
   * Starts a new segment: what was appended before goes to the old one, everything after to
   * the new. Returns the older segments, to delete once they are no longer needed.
   */
  List<Path> rollOver() throws IOException {
    fileLock.lock();
    try {
      ByteBuffer batch;
      long target;
      synchronized (lock) {
        batch = takePending();
        target = appended;
      }
      writeFully(batch);
      out.close();
      List<Path> older = segments(dir);
      out = openSegment(++segment);
      synchronized (lock) {
        durable = Math.max(durable, target);
        lock.notifyAll();
      }
      return older;
    } finally {
      fileLock.unlock();
    }
  }

  /** Deletes segments that a finished compaction made redundant. */
  void delete(List<Path> segments) throws IOException {
    long freed = 0;
    for (Path path : segments) {
      freed += Files.size(path);
      Files.delete(path);
    }
    synchronized (lock) {
      journalBytes -= freed;
    }
  }

  /** Writes what is left and stops the flusher. */
  void close() throws IOException {
    long target = appendedPosition();
    awaitDurable(target);
    synchronized (lock) {
      closed = true;
      lock.notifyAll();
    }
    try {
      flusher.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    fileLock.lock();
    try {
      out.close();
    } finally {
      fileLock.unlock();
    }
  }

  private void flushLoop() {
    while (true) {
      synchronized (lock) {
        while (pending.position() == 0 && !closed) {
          try {
            lock.wait();
          } catch (InterruptedException e) {
            return;
          }
        }
        if (pending.position() == 0) return;
      }
      ByteBuffer batch;
      long target;
      fileLock.lock();
      try {
        // The batch is taken under the file lock, as a roll-over takes it: the spare buffer the
        // next take reuses must never be a batch still being written. (Taken before the lock, a
        // roll-over in between reused this batch as the append buffer and cleared it: the
        // appends in it were never written, and their writers waited for good.)
        synchronized (lock) {
          batch = takePending();
          target = appended;
        }
        writeFully(batch);
      } catch (IOException e) {
        synchronized (lock) {
          failure = e;
          lock.notifyAll();
        }
        System.err.println("journal: cannot write " + dir + ": " + e);
        return;
      } finally {
        fileLock.unlock();
      }
      synchronized (lock) {
        durable = Math.max(durable, target);
        flushes++;
        lock.notifyAll();
      }
      afterFlush.run();
    }
  }

  /** Swaps the append buffer for the spare; caller holds {@link #lock}. */
  private ByteBuffer takePending() {
    ByteBuffer batch = pending;
    pending = spare.capacity() >= batch.capacity() / 2 ? spare : ByteBuffer.allocate(batch.capacity());
    pending.clear();
    spare = batch;
    journalBytes += batch.position();
    batch.flip();
    return batch;
  }

  private void writeFully(ByteBuffer batch) throws IOException {
    while (batch.hasRemaining()) out.write(batch);
    batch.clear();
  }

  private FileChannel openSegment(int number) throws IOException {
    return FileChannel.open(dir.resolve(String.format("journal-%08d.log", number)),
        StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
  }

  private static ByteBuffer grow(ByteBuffer buffer, int needed) {
    ByteBuffer bigger = ByteBuffer.allocate(Math.max(buffer.capacity() * 2, buffer.position() + needed));
    buffer.flip();
    bigger.put(buffer);
    return bigger;
  }

  private static List<Path> segments(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> SEGMENT.matcher(p.getFileName().toString()).matches()).sorted().toList();
    }
  }

  private static int number(Path segment) {
    Matcher matcher = SEGMENT.matcher(segment.getFileName().toString());
    if (!matcher.matches()) throw new IllegalArgumentException(segment.toString());
    return Integer.parseInt(matcher.group(1));
  }

  /** Applies one segment's records to {@code state}; returns the segment's size once checked. */
  private static long replay(Path segment, Map<String, TreeMap<Integer, byte[]>> state, boolean newest) throws IOException {
    byte[] bytes = Files.readAllBytes(segment);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    while (in.remaining() > 0) {
      int start = in.position();
      boolean whole = in.remaining() >= 8;
      int length = whole ? in.getInt() : -1;
      int crc = whole ? in.getInt() : 0;
      whole = whole && length > 7 && length <= in.remaining();
      if (whole) {
        CRC32C check = new CRC32C();
        check.update(bytes, in.position(), length);
        whole = (int) check.getValue() == crc;
      }
      if (!whole) {
        if (!newest) throw new IOException(segment + " is damaged at byte " + start + " and is not the newest segment");
        // The process died while writing this record: it was never acknowledged.
        System.err.printf("journal: cutting a torn record off %s at byte %d of %d%n", segment.getFileName(), start, bytes.length);
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.WRITE)) {
          channel.truncate(start);
        }
        return start;
      }
      apply(in, length, state);
    }
    return bytes.length;
  }

  private static void apply(ByteBuffer in, int length, Map<String, TreeMap<Integer, byte[]>> state) {
    int end = in.position() + length;
    byte type = in.get();
    byte[] name = new byte[in.getShort()];
    in.get(name);
    String ns = new String(name, StandardCharsets.UTF_8);
    int position = in.getInt();
    byte[] payload = new byte[end - in.position()];
    in.get(payload);
    switch (type) {
      case PUT -> state.computeIfAbsent(ns, k -> new TreeMap<>()).put(position, payload);
      case DELETE -> {
        TreeMap<Integer, byte[]> documents = state.get(ns);
        if (documents != null) documents.remove(position);
      }
      case DROP -> state.remove(ns);
      case RENAME -> {
        TreeMap<Integer, byte[]> documents = state.remove(ns);
        if (documents != null) state.put(new String(payload, StandardCharsets.UTF_8), documents);
      }
      default -> throw new IllegalStateException("unknown journal record type " + type);
    }
  }
}
